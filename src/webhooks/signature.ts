/**
 * Terra's webhook signature: header `t=<unix seconds>,v1=<hex>`, where the hex is the HMAC-SHA256,
 * keyed with the destination's signing secret, of `<t>.<raw body>`. Web Crypto only, so it runs on
 * every runtime, and no comparison here can leak through its timing.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TerraConfigurationError, TerraInvalidArgumentError, TerraWebhookVerificationError } from '../errors.js';
import { describeKind } from '../internal/describe.js';
import { callback, optionsOf, parseArguments } from '../internal/options.js';
import { secretList, secretProblem } from '../internal/secrets.js';
import { type RawBody, rawBodyView, sha256FromHex, utf8 } from './bytes.js';

/** The names Terra sends the signature under, newest first. Looked up in any letter case. */
export const SIGNATURE_HEADER_NAMES = ['x-terra-signature', 'terra-signature'] as const;

/** How far, in seconds, a signature's timestamp may be from the current time by default, either way. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A webhook signing secret, or several while you rotate secrets: a delivery passes if any matches. */
export type WebhookSecret = string | readonly string[];

/** Request headers: a Web `Headers`, or a plain record as Node and most frameworks give them. */
export type HeadersLike = Headers | { readonly [name: string]: string | readonly string[] | null | undefined };

/** The signature header's value, or the request's headers to find it in. */
export type SignatureHeaderInput = string | HeadersLike | null | undefined;

/** How to verify a delivery. */
export interface VerifyOptions {
  /**
   * The signing secret of your Terra destination (Terra dashboard, webhook settings), or a list of
   * secrets while you rotate them. `undefined` (an unset environment variable) fails with code
   * `missing_secret`.
   */
  secret: WebhookSecret | undefined;
  /**
   * How far, in seconds, the signature's timestamp may be from now, into the past or the future.
   * Defaults to {@link DEFAULT_TOLERANCE_SECONDS} (300). `0` means the same second; it never turns
   * the check off. Pass `Infinity` to accept any age, for replaying stored deliveries on purpose.
   */
  toleranceSeconds?: number | undefined;
  /**
   * The old name of {@link VerifyOptions.toleranceSeconds}.
   * @deprecated Use `toleranceSeconds`; `tolerance` will be removed in 0.3.
   */
  tolerance?: number | undefined;
  /** The current time in milliseconds since the epoch. Defaults to `Date.now`; inject a clock in tests. */
  now?: (() => number) | undefined;
}

/** {@link VerifyOptions} checked once, for verifying many deliveries. @internal */
export interface ResolvedVerifyOptions {
  readonly secrets: readonly string[];
  readonly toleranceSeconds: number;
  readonly now: () => number;
}

/** What a successful verification established. */
export interface VerifiedSignature {
  /** The signed timestamp (`t=`), in unix seconds. */
  timestamp: number;
  /**
   * Which secret matched: its index in the list you gave, `0` for a single secret. During a
   * rotation, once deliveries stop matching the old secret you can remove it.
   */
  secretIndex: number;
}

const fail = (code: TerraWebhookVerificationError['code'], message: string) =>
  new TerraWebhookVerificationError(code, message);

const HEADER_HELP = 'Pass the value of the terra-signature header unchanged, or the request headers.';

function readHeader(headers: object, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') {
    const value = (headers as Headers).get(name);
    return value ?? undefined;
  }
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== name) continue;
    const value: unknown = (headers as Record<string, unknown>)[key];
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(',');
  }
  return undefined;
}

/**
 * Reads a header from a Web `Headers` or a plain record, in any letter case. A header sent twice in a
 * record (an array) is joined with commas.
 */
export function getHeader(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  return readHeader(headers, name.toLowerCase());
}

/**
 * Finds the signature header's value: `x-terra-signature` or `terra-signature`, in any letter case. A
 * string is taken as the value itself.
 */
export function findSignatureHeader(input: unknown): string | undefined {
  if (typeof input === 'string') return input;
  for (const name of SIGNATURE_HEADER_NAMES) {
    const value = getHeader(input, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

interface ParsedHeader {
  /** The timestamp exactly as written, which is what was signed. */
  t: string;
  timestamp: number;
  v1: string[];
}

/** The header as Terra writes it: one timestamp, one signature, nothing else. */
const CANONICAL_HEADER = /^t=(\d{1,15}),v1=([0-9a-f]{64})$/;

function parseSignatureHeader(value: string): ParsedHeader {
  // Nearly every delivery: one match instead of splitting and trimming each element.
  const canonical = CANONICAL_HEADER.exec(value);
  if (canonical !== null) {
    const t = canonical[1] as string;
    return { t, timestamp: Number(t), v1: [canonical[2] as string] };
  }
  let t: string | undefined;
  const v1: string[] = [];
  const otherSchemes = new Set<string>();
  for (const element of value.split(',')) {
    const part = element.trim();
    const equals = part.indexOf('=');
    if (equals <= 0) continue;
    const key = part.slice(0, equals).trim();
    const item = part.slice(equals + 1).trim();
    if (key === 't') {
      if (t !== undefined && t !== item) {
        throw fail('malformed_header', `The signature header holds two different t= timestamps. ${HEADER_HELP}`);
      }
      t = item;
    } else if (key === 'v1') {
      v1.push(item);
    } else if (/^v\d+$/.test(key)) {
      otherSchemes.add(key);
    }
  }
  const form = 'The signature header is not of the form t=<unix seconds>,v1=<hex signature>';
  if (t === undefined) throw fail('malformed_header', `${form}: it has no t= timestamp. ${HEADER_HELP}`);
  if (!/^\d{1,15}$/.test(t)) {
    throw fail('malformed_header', `${form}: its t= timestamp is not a number of seconds. ${HEADER_HELP}`);
  }
  if (v1.length === 0) {
    const only = [...otherSchemes].sort().join(', ');
    throw fail(
      'malformed_header',
      only
        ? `${form}: it has no v1 signature, only ${only}. Only v1 is accepted, so a delivery cannot be downgraded to a weaker scheme.`
        : `${form}: it has no v1= signature. ${HEADER_HELP}`,
    );
  }
  return { t, timestamp: Number(t), v1 };
}

function toleranceSeconds(name: string) {
  const message = `${name} must be a number of seconds, 0 or more (default ${DEFAULT_TOLERANCE_SECONDS}), or Infinity to accept signatures of any age when replaying stored deliveries`;
  // Not z.number(): it refuses Infinity, which is how a caller asks for no age limit.
  return z.custom<number>((value) => typeof value === 'number' && !Number.isNaN(value) && value >= 0, {
    error: message,
  });
}

/** The verification settings shared by {@link verifySignature} and the webhook handler. @internal */
export const verifySettingsShape = () => ({
  toleranceSeconds: z.optional(toleranceSeconds('toleranceSeconds')),
  tolerance: z.optional(toleranceSeconds('tolerance')),
  now: z.optional(callback<() => number>('now')),
});

const verifySettings = optionsOf<Omit<VerifyOptions, 'secret'>>()(verifySettingsShape);

/**
 * The tolerance from `toleranceSeconds` or its deprecated name `tolerance`.
 * @internal
 */
export function resolveTolerance(settings: {
  toleranceSeconds?: number | undefined;
  tolerance?: number | undefined;
}): number | string {
  if (settings.toleranceSeconds !== undefined && settings.tolerance !== undefined) {
    return 'pass toleranceSeconds only: tolerance is its deprecated name';
  }
  return settings.toleranceSeconds ?? settings.tolerance ?? DEFAULT_TOLERANCE_SECONDS;
}

/**
 * Checks {@link VerifyOptions} once. A secret problem is a `missing_secret` verification error (a
 * delivery cannot be verified without one); other options are argument errors.
 * @internal
 */
export function resolveVerifyOptions(options: unknown): ResolvedVerifyOptions {
  if (typeof options === 'string' || Array.isArray(options)) {
    throw fail('missing_secret', 'The third argument takes options: pass the secret as { secret }, not on its own.');
  }
  const record = (typeof options === 'object' && options !== null ? options : {}) as Partial<VerifyOptions>;
  const problem = secretProblem(record.secret);
  if (problem !== undefined) throw fail('missing_secret', problem);
  const { secret, ...rest } = record;
  const settings = parseArguments(verifySettings, rest, 'verify options');
  const tolerance = resolveTolerance(settings);
  if (typeof tolerance === 'string') throw new TerraInvalidArgumentError('toleranceSeconds', tolerance);
  return { secrets: secretList(secret as WebhookSecret), toleranceSeconds: tolerance, now: settings.now ?? Date.now };
}

function currentSeconds(now: () => number): number {
  const ms = now();
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw new TerraInvalidArgumentError('now', 'now() must return a finite number of milliseconds since the epoch.');
  }
  return Math.floor(ms / 1000);
}

/**
 * The body as text or bytes, or an error that says how to get the raw body.
 * @internal
 */
export function requireRawBody(body: unknown): string | Uint8Array {
  const view = rawBodyView(body);
  if (view !== undefined && view !== '[object Object]') return view;
  const fix =
    'Pass the raw request body, exactly as received (a string or bytes): in Express, express.raw({ type: "application/json" }) on this route or the terra-sdk/express adapter; in a fetch handler, await request.text() or request.arrayBuffer(); in Fastify, the terra-sdk/fastify plugin.';
  let what: string;
  if (view === '[object Object]') {
    what = 'The body is the text "[object Object]": an object was turned into a string.';
  } else if (body === undefined || body === null) {
    what = `The body is ${describeKind(body)}: no raw body reached the verifier (in Express, no body parser ran, or one that kept nothing).`;
  } else if (typeof body === 'object') {
    what = `The body is ${describeKind(body)}, not the raw body: a JSON body parser (express.json(), bodyParser.json(), a framework default) parsed it before verification. The signature covers the exact bytes Terra sent, which JSON.stringify does not reproduce.`;
  } else {
    what = `The body is ${describeKind(body)}, not the raw request body.`;
  }
  throw fail('body_not_raw', `${what} ${fix}`);
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

function importHmacKey(subtle: SubtleCrypto, secret: string): Promise<CryptoKey> {
  return subtle.importKey('raw', utf8(secret) as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
}

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

type Signer = ReturnType<SignatureEngine['hmac']>;

/** The signers of each resolved options object, per engine: built on first use, dropped with it. */
const signerCache = new WeakMap<ResolvedVerifyOptions, Map<SignatureEngine, Signer[]>>();

function signersFor(options: ResolvedVerifyOptions, engine: SignatureEngine): Signer[] {
  let byEngine = signerCache.get(options);
  if (!byEngine) {
    byEngine = new Map();
    signerCache.set(options, byEngine);
  }
  let signers = byEngine.get(engine);
  if (!signers) {
    signers = options.secrets.map((secret) => engine.hmac(secret));
    byEngine.set(engine, signers);
  }
  return signers;
}

/** Whether any candidate equals the digest. All are compared, so the timing does not say which. */
function anyMatches(engine: SignatureEngine, digest: Uint8Array, candidates: readonly Uint8Array[]): boolean {
  let matched = false;
  for (const candidate of candidates) matched = engine.equal(digest, candidate) || matched;
  return matched;
}

/**
 * Verifies that a webhook delivery was signed by Terra, and recently.
 *
 * Checks, in order: the secret is set; `rawBody` is the raw body (text or bytes, not parsed JSON);
 * the header is present and of the form `t=<unix seconds>,v1=<hex>` (spaces around elements are
 * fine; `v1` may appear several times and any may match; other schemes such as `v0` are ignored,
 * and a header with no `v1` is refused); one `v1` is the HMAC-SHA256 of `<t>.<body>` under one of the
 * secrets; and `t` is within `tolerance` seconds of now.
 *
 * @param rawBody - The request body exactly as received: a string, a `Uint8Array` (or `Buffer`), an `ArrayBuffer`.
 * @param header - The signature header's value, or the request headers (a `Headers` or a plain
 *   record), in which `x-terra-signature` or `terra-signature` is found in any letter case.
 * @returns The signed timestamp and which secret matched.
 * @throws {@link TerraWebhookVerificationError} with a `code` saying what failed, and a message saying
 *   how to fix it. Neither contains the secret, the signature or the body.
 * @example
 * ```ts
 * import { verifySignature } from 'terra-sdk/webhooks';
 * await verifySignature(await request.text(), request.headers, { secret: process.env.TERRA_WEBHOOK_SECRET });
 * ```
 */
export async function verifySignature(
  rawBody: RawBody,
  header: SignatureHeaderInput,
  options: VerifyOptions,
): Promise<VerifiedSignature> {
  return verifyWith(rawBody, header, resolveVerifyOptions(options));
}

/**
 * {@link verifySignature} with options already checked.
 * @internal
 */
export async function verifyWith(
  rawBody: RawBody,
  header: SignatureHeaderInput,
  options: ResolvedVerifyOptions,
  engine: SignatureEngine = webCryptoEngine,
): Promise<VerifiedSignature> {
  return checkSignature(rawBody, header, options, engine);
}

/**
 * The check of {@link verifyWith}, answered without a promise when the engine answers at once
 * (node:crypto) and the signature matches: what the webhook handler runs per delivery, where a
 * promise and a turn of the event loop per step cost as much as the check. Throws what it finds
 * without waiting (no header, a malformed one, a timestamp out of tolerance); a mismatch is a
 * rejected promise.
 * @internal
 */
export function checkSignature(
  rawBody: RawBody,
  header: SignatureHeaderInput,
  options: ResolvedVerifyOptions,
  engine: SignatureEngine = webCryptoEngine,
): VerifiedSignature | Promise<VerifiedSignature> {
  const body = requireRawBody(rawBody);
  const value = findSignatureHeader(header);
  if (value === undefined || value.trim() === '') throw unsignedError(header, value);
  const parsed = parseSignatureHeader(value);
  const candidates = parsed.v1.map(sha256FromHex).filter((digest) => digest !== undefined);
  if (candidates.length === 0) return mismatch(engine, options, parsed.t, body, candidates);
  const signers = signersFor(options, engine);
  // node:crypto answers at once: then so does this, unless a secret needs Web Crypto's answer.
  for (let secretIndex = 0; secretIndex < signers.length; secretIndex++) {
    const signed = (signers[secretIndex] as Signer)(parsed.t, body);
    if (!(signed instanceof Uint8Array)) {
      return matchLater({ signers, engine, options, parsed, body, candidates }, secretIndex, signed);
    }
    if (anyMatches(engine, signed, candidates)) return verified(parsed, secretIndex, options);
  }
  return mismatch(engine, options, parsed.t, body, candidates);
}

/** What the rest of one delivery's check needs. */
interface SignatureCheck {
  signers: readonly Signer[];
  engine: SignatureEngine;
  options: ResolvedVerifyOptions;
  parsed: ParsedHeader;
  body: string | Uint8Array;
  candidates: Uint8Array[];
}

/** The rest of {@link checkSignature} once a signer answered with a promise, from secret `from` on. */
async function matchLater(
  check: SignatureCheck,
  from: number,
  pending: Promise<Uint8Array>,
): Promise<VerifiedSignature> {
  const { signers, engine, options, parsed, body, candidates } = check;
  for (let secretIndex = from; secretIndex < signers.length; secretIndex++) {
    const digest = secretIndex === from ? await pending : await (signers[secretIndex] as Signer)(parsed.t, body);
    if (anyMatches(engine, digest, candidates)) return verified(parsed, secretIndex, options);
  }
  return mismatch(engine, options, parsed.t, body, candidates);
}

/** The result once a signature matched, if its timestamp is within the tolerance. */
function verified(parsed: ParsedHeader, secretIndex: number, options: ResolvedVerifyOptions): VerifiedSignature {
  checkAge(parsed.timestamp, options.toleranceSeconds, options.now);
  return { timestamp: parsed.timestamp, secretIndex };
}

async function mismatch(
  engine: SignatureEngine,
  options: ResolvedVerifyOptions,
  t: string,
  body: string | Uint8Array,
  candidates: Uint8Array[],
): Promise<never> {
  throw fail('no_matching_signature', await mismatchExplanation(engine, options.secrets, t, body, candidates));
}

/**
 * The `missing_header` error for a delivery without a signature header, or `undefined` when it has
 * one: the adapters answer 401 with it before reading the body.
 * @internal
 */
export function missingSignature(header: SignatureHeaderInput): TerraWebhookVerificationError | undefined {
  const value = findSignatureHeader(header);
  return value === undefined || value.trim() === '' ? unsignedError(header, value) : undefined;
}

function unsignedError(header: SignatureHeaderInput, value: string | undefined): TerraWebhookVerificationError {
  const given =
    typeof header === 'string' || header === undefined || header === null
      ? value === undefined
        ? 'no signature header was given'
        : 'the signature header is empty'
      : typeof header === 'object'
        ? 'the headers have neither x-terra-signature nor terra-signature'
        : `the signature argument is ${describeKind(header)}`;
  return fail(
    'missing_header',
    `The delivery is not signed: ${given}. Terra signs every webhook; answer 401 to unsigned requests. ${HEADER_HELP}`,
  );
}

function checkAge(timestamp: number, tolerance: number, now: () => number): void {
  const age = currentSeconds(now) - timestamp;
  if (Math.abs(age) <= tolerance) return;
  throw fail(
    'timestamp_outside_tolerance',
    age > 0
      ? `The signature was made ${age} s ago, more than the ${tolerance} s tolerance: the request may be a replay. To replay stored deliveries on purpose, pass { toleranceSeconds: Infinity }; if live deliveries fail, check this server's clock.`
      : `The signature is dated ${-age} s in the future, more than the ${tolerance} s tolerance: check this server's clock.`,
  );
}

async function mismatchExplanation(
  engine: SignatureEngine,
  secrets: readonly string[],
  t: string,
  body: string | Uint8Array,
  candidates: Uint8Array[],
): Promise<string> {
  if (candidates.length === 0) {
    return 'No v1 signature in the header is 64 lowercase hex characters, the form Terra signs in. Pass the header value unchanged.';
  }
  const which = secrets.length === 1 ? 'the secret' : 'any of the secrets';
  for (const [index, secret] of secrets.entries()) {
    const trimmed = secret.trim();
    if (trimmed === secret || trimmed === '') continue;
    const name = secrets.length === 1 ? 'the secret' : `secret [${index}]`;
    if (anyMatches(engine, await engine.hmac(trimmed)(t, body), candidates)) {
      return `The signature matches once the whitespace around ${name} is removed: trim the secret (often a newline from an environment file or a copy and paste).`;
    }
    return `No v1 signature matches the body with ${which}. Note that ${name} has whitespace around it, which a Terra signing secret does not have: trim it.`;
  }
  return `No v1 signature matches the body with ${which}. Check that the body is the raw request body, byte for byte (a body parsed and serialized again with JSON.stringify no longer matches), and that the secret is the signing secret of this destination.`;
}
