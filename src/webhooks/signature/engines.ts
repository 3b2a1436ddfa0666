/**
 * The signature engines: what computes HMAC-SHA256 of `<t>.<body>` and compares digests. Web Crypto
 * runs everywhere; node:crypto (passed in by the Node adapters, or looked up at run time with
 * `process.getBuiltinModule` on Node 20.16 and later, Bun and Deno) hashes `<t>.` and the body without
 * copying them into one buffer, with the key encoded once per secret, and answers without Web Crypto's
 * hop to a thread pool. This module imports nothing from Node. Both are tested against the same
 * vectors.
 *
 * @internal
 * @packageDocumentation
 */
import { TerraConfigurationError } from '../../errors.js';
import { utf8 } from '../bytes.js';

/**
 * How signatures are computed and compared. Web Crypto on every runtime; the Node adapters pass one
 * built on node:crypto, which hashes without copying the body and answers without a thread hop.
 * @internal
 */
export interface SignatureEngine {
  /** Makes the function that computes HMAC-SHA256 of `<t>.<body>` under `secret`. Called once per secret. */
  hmac(secret: string): (t: string, body: string | Uint8Array) => Uint8Array | Promise<Uint8Array>;
  /** Whether two 32-byte digests are equal, in a time that does not depend on their contents. */
  equal(a: Uint8Array, b: Uint8Array): boolean;
}

/**
 * Compares two digests in constant time: every byte is looked at, whatever the first difference, and
 * the result is one OR of XORs, with no branch on the data.
 */
export function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ ((b[i] as number) | 0);
  return diff === 0;
}

/** Web Crypto's `subtle`, or a configuration error on a runtime without it. @internal */
export function subtleCrypto(): SubtleCrypto {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) {
    throw new TerraConfigurationError(
      'crypto',
      'Web Crypto (globalThis.crypto.subtle) is not available, and terra-sdk verifies webhooks with it. Use Node.js 20 or later, Bun, Deno, or a Workers runtime (in a browser, a secure context).',
    );
  }
  return subtle;
}

/** The bytes Terra signs: `<t>.<raw body>`. @internal */
export function signedMessage(t: string, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  if (typeof body === 'string') return utf8(`${t}.${body}`) as Uint8Array<ArrayBuffer>;
  const prefix = utf8(`${t}.`);
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix);
  message.set(body, prefix.length);
  return message;
}

/** HMAC-SHA256 of `message` under `secret`. @internal */
export async function hmac(
  subtle: SubtleCrypto,
  secret: string,
  message: Uint8Array<ArrayBuffer>,
): Promise<ArrayBuffer> {
  return subtle.sign('HMAC', await importHmacKey(subtle, secret), message);
}

export function importHmacKey(subtle: SubtleCrypto, secret: string): Promise<CryptoKey> {
  return subtle.importKey('raw', utf8(secret) as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
}

/** Web Crypto: the key is imported once per secret and kept, not imported on every delivery. */
export const webCryptoEngine: SignatureEngine = {
  hmac(secret) {
    let key: Promise<CryptoKey> | undefined;
    return async (t, body) => {
      const subtle = subtleCrypto();
      key ??= importHmacKey(subtle, secret).catch((error: unknown) => {
        key = undefined;
        throw error;
      });
      return new Uint8Array(await subtle.sign('HMAC', await key, signedMessage(t, body)));
    };
  },
  equal: digestsEqual,
};

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
