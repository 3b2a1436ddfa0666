/**
 * Terra's webhook signature: header `t=<unix seconds>,v1=<hex>`, where the hex is the HMAC-SHA256,
 * keyed with the destination's signing secret, of `<t>.<raw body>`. Web Crypto only, so it runs on
 * every runtime, and no comparison here can leak through its timing.
 *
 * @packageDocumentation
 */
import { TerraConfigurationError, TerraInvalidArgumentError, TerraWebhookVerificationError } from '../errors.js';
import { describeKind, type RawBody, rawBodyView, sha256FromHex, toHex, utf8 } from './bytes.js';

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
  tolerance?: number | undefined;
  /** The current time in milliseconds since the epoch. Defaults to `Date.now`; inject a clock in tests. */
  now?: (() => number) | undefined;
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

/** Options of {@link signPayload}. */
export interface SignOptions {
  /** The secret to sign with. */
  secret: string;
  /** The timestamp to sign, in unix seconds. Defaults to now. */
  timestamp?: number | undefined;
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

function parseSignatureHeader(value: string): ParsedHeader {
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

/**
 * Checks a `secret` option and returns the list of secrets.
 * @internal
 */
export function checkSecrets(
  secret: unknown,
  onError: (message: string) => Error = (message) => fail('missing_secret', message),
): string[] {
  const list = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? (secret as unknown[]) : undefined;
  const where = 'Use the signing secret of your Terra destination (Terra dashboard, webhook settings)';
  if (list === undefined) {
    throw onError(
      secret === undefined || secret === null
        ? `No webhook signing secret was given: pass { secret }. ${where}; on the client, set the \`secret\` option or TERRA_WEBHOOK_SECRET.`
        : `The webhook secret is ${describeKind(secret)}; pass it as a string, or an array of strings while rotating. ${where}.`,
    );
  }
  if (list.length === 0) throw onError(`The list of webhook secrets is empty. ${where}.`);
  list.forEach((item, index) => {
    if (typeof item === 'string' && item !== '') return;
    const name = typeof secret === 'string' ? 'The webhook secret' : `Webhook secret [${index}]`;
    throw onError(`${name} is ${item === '' ? 'empty' : describeKind(item)}. ${where}.`);
  });
  return list as string[];
}

/**
 * Checks a `tolerance` option and returns it in seconds.
 * @internal
 */
export function checkTolerance(tolerance: unknown, onError = invalidArgument): number {
  if (tolerance === undefined) return DEFAULT_TOLERANCE_SECONDS;
  if (typeof tolerance !== 'number' || Number.isNaN(tolerance) || tolerance < 0) {
    throw onError(
      'tolerance',
      `tolerance must be a number of seconds, 0 or more (default ${DEFAULT_TOLERANCE_SECONDS}), or Infinity to accept signatures of any age when replaying stored deliveries; got ${describeKind(tolerance)}${typeof tolerance === 'number' ? ` (${tolerance})` : ''}.`,
    );
  }
  return tolerance;
}

function invalidArgument(argument: string, message: string): Error {
  return new TerraInvalidArgumentError(argument, message);
}

/** The error for a `tolerance` given to a constructor rather than a call. @internal */
export function invalidOption(option: string, message: string): Error {
  return new TerraConfigurationError(option, message);
}

function checkClock(now: unknown): () => unknown {
  if (now === undefined) return Date.now;
  if (typeof now !== 'function') {
    throw new TerraInvalidArgumentError(
      'now',
      `now must be a function returning milliseconds since the epoch; got ${describeKind(now)}.`,
    );
  }
  return now as () => unknown;
}

function currentSeconds(now: () => unknown): number {
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

function subtleCrypto(): SubtleCrypto {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (!subtle) {
    throw new TerraConfigurationError(
      'crypto',
      'Web Crypto (globalThis.crypto.subtle) is not available, and terra-sdk verifies webhooks with it. Use Node.js 20 or later, Bun, Deno, or a Workers runtime (in a browser, a secure context).',
    );
  }
  return subtle;
}

function signedMessage(t: string, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  if (typeof body === 'string') return utf8(`${t}.${body}`) as Uint8Array<ArrayBuffer>;
  const prefix = utf8(`${t}.`);
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix);
  message.set(body, prefix.length);
  return message;
}

async function hmac(subtle: SubtleCrypto, secret: string, message: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {
  const key = await subtle.importKey(
    'raw',
    utf8(secret) as Uint8Array<ArrayBuffer>,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return subtle.sign('HMAC', key, message);
}

let comparisonKey: Promise<CryptoKey> | undefined;

/**
 * Whether any candidate equals the expected digest. Each candidate is compared through
 * `subtle.verify` under a random key made once per process: the runtime's HMAC check is constant
 * time, so neither the position of a difference nor a near miss shows in the timing.
 */
async function anyMatches(subtle: SubtleCrypto, expected: ArrayBuffer, candidates: Uint8Array[]): Promise<boolean> {
  comparisonKey ??= subtle
    .generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
    .then((key) => key as CryptoKey)
    .catch((error: unknown) => {
      comparisonKey = undefined;
      throw error;
    });
  const key = await comparisonKey;
  const tag = await subtle.sign('HMAC', key, expected);
  let matched = false;
  for (const candidate of candidates) {
    if (await subtle.verify('HMAC', key, tag, candidate as Uint8Array<ArrayBuffer>)) matched = true;
  }
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
  if (typeof options === 'string' || Array.isArray(options)) {
    throw fail('missing_secret', 'The third argument takes options: pass the secret as { secret }, not on its own.');
  }
  const secrets = checkSecrets((options as Partial<VerifyOptions> | undefined)?.secret);
  const tolerance = checkTolerance(options.tolerance);
  const now = checkClock(options.now);
  const body = requireRawBody(rawBody);
  const value = findSignatureHeader(header);
  if (value === undefined || value.trim() === '') {
    const given =
      typeof header === 'string' || header === undefined || header === null
        ? value === undefined
          ? 'no signature header was given'
          : 'the signature header is empty'
        : typeof header === 'object'
          ? 'the headers have neither x-terra-signature nor terra-signature'
          : `the signature argument is ${describeKind(header)}`;
    throw fail(
      'missing_header',
      `The delivery is not signed: ${given}. Terra signs every webhook; answer 401 to unsigned requests. ${HEADER_HELP}`,
    );
  }
  const parsed = parseSignatureHeader(value);
  const candidates = parsed.v1.map(sha256FromHex).filter((digest) => digest !== undefined);
  const subtle = subtleCrypto();
  const message = signedMessage(parsed.t, body);
  if (candidates.length > 0) {
    for (const [secretIndex, secret] of secrets.entries()) {
      if (await anyMatches(subtle, await hmac(subtle, secret, message), candidates)) {
        checkAge(parsed.timestamp, tolerance, now);
        return { timestamp: parsed.timestamp, secretIndex };
      }
    }
  }
  throw fail('no_matching_signature', await mismatchExplanation(subtle, secrets, message, candidates));
}

function checkAge(timestamp: number, tolerance: number, now: () => unknown): void {
  const age = currentSeconds(now) - timestamp;
  if (Math.abs(age) <= tolerance) return;
  throw fail(
    'timestamp_outside_tolerance',
    age > 0
      ? `The signature was made ${age} s ago, more than the ${tolerance} s tolerance: the request may be a replay. To replay stored deliveries on purpose, pass { tolerance: Infinity }; if live deliveries fail, check this server's clock.`
      : `The signature is dated ${-age} s in the future, more than the ${tolerance} s tolerance: check this server's clock.`,
  );
}

async function mismatchExplanation(
  subtle: SubtleCrypto,
  secrets: string[],
  message: Uint8Array<ArrayBuffer>,
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
    if (await anyMatches(subtle, await hmac(subtle, trimmed, message), candidates)) {
      return `The signature matches once the whitespace around ${name} is removed: trim the secret (often a newline from an environment file or a copy and paste).`;
    }
    return `No v1 signature matches the body with ${which}. Note that ${name} has whitespace around it, which a Terra signing secret does not have: trim it.`;
  }
  return `No v1 signature matches the body with ${which}. Check that the body is the raw request body, byte for byte (a body parsed and serialized again with JSON.stringify no longer matches), and that the secret is the signing secret of this destination.`;
}

/**
 * Signs a body as Terra does and returns the signature header's value, `t=<timestamp>,v1=<hex>`.
 * For tests and tools: to send your own handler a delivery it will accept.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ type: 'healthcheck' });
 * const header = await signPayload(body, { secret: 'test-secret' });
 * await fetch(url, { method: 'POST', body, headers: { 'terra-signature': header } });
 * ```
 * @throws {@link TerraInvalidArgumentError} if the body is not text or bytes, the secret is empty, or
 *   the timestamp is not a whole number of seconds.
 */
export async function signPayload(rawBody: RawBody, options: SignOptions): Promise<string> {
  const secret = (options as Partial<SignOptions> | undefined)?.secret;
  if (typeof secret !== 'string' || secret === '') {
    throw new TerraInvalidArgumentError(
      'secret',
      `The secret to sign with must be a non-empty string; got ${describeKind(secret)}.`,
    );
  }
  const body = rawBodyView(rawBody);
  if (body === undefined) {
    throw new TerraInvalidArgumentError(
      'rawBody',
      `The body to sign must be a string or bytes; got ${describeKind(rawBody)}. Serialize it first (JSON.stringify) and send exactly those bytes.`,
    );
  }
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TerraInvalidArgumentError('timestamp', 'timestamp must be a whole, non-negative number of unix seconds.');
  }
  const subtle = subtleCrypto();
  const digest = await hmac(subtle, secret, signedMessage(String(timestamp), body));
  return `t=${timestamp},v1=${toHex(new Uint8Array(digest))}`;
}
