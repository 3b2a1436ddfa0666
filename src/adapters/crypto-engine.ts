/**
 * Signatures with node:crypto, for adapters running where it exists: it hashes `<t>.` and the body
 * without copying them into one buffer, with the key encoded once per secret, and answers without Web
 * Crypto's hop to a thread pool. Digests are compared with `timingSafeEqual`. This module imports
 * nothing from Node: the Node adapters pass node:crypto in, and the others look it up at run time with
 * `process.getBuiltinModule` (Node 20.16 and later, Bun, Deno), keeping Web Crypto wherever it is the
 * only one there is.
 *
 * @internal
 * @packageDocumentation
 */
import { utf8 } from '../webhooks/bytes.js';
import type { SignatureEngine } from '../webhooks/signature.js';

/** The part of node:crypto used here. */
export interface NodeCryptoLike {
  createHmac(
    algorithm: 'sha256',
    key: Uint8Array,
  ): { update(data: string | Uint8Array): { update(data: string | Uint8Array): { digest(): Uint8Array } } };
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}

/** A signature engine on node:crypto (or a runtime's copy of it). */
export function nodeCryptoEngineOf(crypto: NodeCryptoLike): SignatureEngine {
  return {
    hmac(secret) {
      // Bytes rather than a KeyObject: createHmac takes a KeyObject about 1 µs slower per call.
      const key = utf8(secret);
      return (t, body) => crypto.createHmac('sha256', key).update(`${t}.`).update(body).digest();
    },
    equal: (a, b) => a.byteLength === b.byteLength && crypto.timingSafeEqual(a, b),
  };
}

let builtin: SignatureEngine | null | undefined;

/** node:crypto's engine when the runtime has node:crypto, else `undefined` (Web Crypto is used). */
export function builtinCryptoEngine(): SignatureEngine | undefined {
  if (builtin === undefined) {
    const lookup = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process
      ?.getBuiltinModule;
    let crypto: NodeCryptoLike | undefined;
    try {
      crypto = lookup?.('node:crypto') as NodeCryptoLike | undefined;
    } catch {
      crypto = undefined;
    }
    builtin =
      crypto && typeof crypto.createHmac === 'function' && typeof crypto.timingSafeEqual === 'function'
        ? nodeCryptoEngineOf(crypto)
        : null;
  }
  return builtin ?? undefined;
}
