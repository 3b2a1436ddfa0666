/**
 * Verifying Terra's webhook signature: the header `t=<unix seconds>,v1=<hex>`, where the hex is the
 * HMAC-SHA256, keyed with the destination's signing secret, of `<t>.<raw body>`. No comparison here
 * can leak through its timing. {@link checkSignature} is the one check every public spelling
 * (`verifySignature`, `verifyWebhook`, `checkTerraSignature`, the handler) runs.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TerraInvalidArgumentError, type TerraWebhookVerificationError } from '../../errors.js';
import { describeKind } from '../../internal/describe.js';
import { callback, optionsOf, parseArguments } from '../../internal/options.js';
import { secretList, secretProblem } from '../../internal/secrets.js';
import { type RawBody, rawBodyView, sha256FromHex } from '../bytes.js';
import { findSignatureHeader, type SignatureHeaderInput } from '../headers.js';
import { type SignatureEngine, webCryptoEngine } from './engines.js';
import { fail, type ParsedHeader, parseSignatureHeader, unsignedError } from './header.js';

export type { SignatureHeaderInput } from '../headers.js';

/** How far, in seconds, a signature's timestamp may be from the current time by default, either way. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A webhook signing secret, or several while you rotate secrets: a delivery passes if any matches. */
export type WebhookSecret = string | readonly string[];

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
  return checkSignature(rawBody, header, resolveVerifyOptions(options));
}

/**
 * The one signature check behind every public spelling ({@link verifySignature}, `verifyWebhook`,
 * `checkTerraSignature`, the webhook handler), answered without a promise when the engine answers at
 * once (node:crypto) and the signature matches: the handler runs it per delivery, where a promise and
 * a turn of the event loop per step cost as much as the check. Throws what it finds
 * without waiting (no header, a malformed one, a timestamp out of tolerance); a mismatch is a
 * rejected promise.
 * @internal
 */
export function checkSignature(
  rawBody: RawBody,
  header: SignatureHeaderInput,
  options: ResolvedVerifyOptions,
  engine: SignatureEngine = webCryptoEngine,
  checked?: ParsedHeader,
): VerifiedSignature | Promise<VerifiedSignature> {
  const body = requireRawBody(rawBody);
  const parsed = checked ?? readHeader(header);
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

function readHeader(header: SignatureHeaderInput): ParsedHeader {
  const value = findSignatureHeader(header);
  if (value === undefined || value.trim() === '') throw unsignedError(header, value);
  return parseSignatureHeader(value);
}

/** A `v1` value in the form Terra signs in: 64 lowercase hex characters. */
const SIGNATURE_FORM = /^[0-9a-f]{64}$/;

/**
 * What can be checked of a delivery before its body is read: the header is there and well formed,
 * has a `v1` in the form Terra signs in, and its timestamp is within the tolerance. The receive core
 * runs it first, so a request that cannot verify is answered 401 without a byte of its body kept.
 * Returns the parsed header, for {@link checkSignature}; throws the verification error.
 * @internal
 */
export function checkHeaderBeforeBody(header: SignatureHeaderInput, options: ResolvedVerifyOptions): ParsedHeader {
  const parsed = readHeader(header);
  let usable = false;
  for (const v1 of parsed.v1) usable ||= SIGNATURE_FORM.test(v1);
  if (!usable) {
    throw fail(
      'no_matching_signature',
      'No v1 signature in the header is 64 lowercase hex characters, the form Terra signs in, so the delivery was refused before its body was read. Pass the header value unchanged.',
    );
  }
  checkAge(parsed.timestamp, options.toleranceSeconds, options.now);
  return parsed;
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
