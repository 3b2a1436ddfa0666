/**
 * `signWebhook`, the one signer: a webhook delivery exactly as Terra would POST it, for tests, tools
 * and the sandbox. `signPayload` is its older spelling.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TerraInvalidArgumentError } from '../errors.js';
import { describeKind } from '../internal/describe.js';
import { optionsOf, parseArguments, wholeNumber } from '../internal/options.js';
import { type RawBody, rawBodyText, rawBodyView, toHex } from './bytes.js';
import { hmac, signedMessage, subtleCrypto } from './signature/engines.js';
import { terraJson } from './terra-json.js';

/** Options of {@link signWebhook}. */
export interface SignWebhookOptions {
  /**
   * The event: an object (written as Terra writes JSON, with a space after each `:` and `,`), or a
   * string or bytes sent and signed byte for byte as given.
   */
  payload: unknown;
  /** The signing secret your handler verifies with. */
  secret: string;
  /** The signed timestamp, in unix seconds. Default: now. */
  timestamp?: number | undefined;
  /** `X-Terra-Trace-Id`, the delivery's dedupe key. Default: a random UUID. */
  traceId?: string | undefined;
  /** `terra-reference`, the API request the delivery answers. Default: not sent. */
  reference?: string | undefined;
  /** `X-Terra-Ordering-Timestamp`, in epoch milliseconds. Default: the signed timestamp, in milliseconds. */
  orderingTimestamp?: number | undefined;
}

/** A signed delivery: POST `body` with `headers` to your webhook endpoint. */
export interface SignedWebhook {
  /** The raw body, exactly what was signed (for a payload given as bytes, those bytes as UTF-8 text). */
  body: string;
  /** The signature header's value, `t=<timestamp>,v1=<hex>`. */
  signature: string;
  /**
   * `content-type`, the signature under both names Terra sends it (`terra-signature` and
   * `x-terra-signature`), `x-terra-trace-id`, `x-terra-ordering-timestamp` and, when given,
   * `terra-reference`.
   */
  headers: Record<string, string>;
}

const headerValue = (name: string) =>
  z.string({ error: `${name} must be a string (it is sent as a header)` }).check(
    z.regex(/^[\x21-\x7e]{1,200}$/, {
      error: `${name} must be 1 to 200 visible ASCII characters with no spaces (it is sent as a header)`,
    }),
  );

const signWebhookOptions = optionsOf<SignWebhookOptions>()(() => ({
  payload: z.custom<unknown>((value) => value !== undefined && value !== null, {
    error: 'payload is required: the event to send, as an object or a JSON string (fixtures.event(...) makes one).',
  }),
  secret: z
    .string({ error: 'secret must be a non-empty string: the secret to sign with' })
    .check(z.minLength(1, { error: 'secret must be a non-empty string: the secret to sign with' })),
  timestamp: z.optional(wholeNumber('timestamp', 0)),
  traceId: z.optional(headerValue('traceId')),
  reference: z.optional(headerValue('reference')),
  orderingTimestamp: z.optional(wholeNumber('orderingTimestamp', 0)),
}));

/**
 * Builds a webhook delivery as Terra sends it: the body, signed with `secret`, and Terra's delivery
 * headers. Your handler verifies it like a real one, so tests run the same path production does.
 *
 * @example
 * ```ts
 * import { fixtures, signWebhook } from 'terra-sdk/testing';
 *
 * const { body, headers } = await signWebhook({ payload: fixtures.event('auth'), secret: 'test-secret' });
 * const response = await fetch('http://localhost:3000/webhooks/terra', { method: 'POST', body, headers });
 * ```
 * @throws {@link TerraInvalidArgumentError} if the secret is empty, the payload cannot be JSON, or a
 *   timestamp or header value is not usable.
 */
export async function signWebhook(options: SignWebhookOptions): Promise<SignedWebhook> {
  const { payload, secret, timestamp, traceId, reference, orderingTimestamp } = parseArguments(
    signWebhookOptions,
    options,
    'signWebhook options',
  );
  const bytes = rawBodyView(payload);
  const signed = bytes ?? terraJson(payload);
  const signedAt = timestamp ?? Math.floor(Date.now() / 1000);
  const digest = await hmac(subtleCrypto(), secret, signedMessage(String(signedAt), signed));
  const signature = `t=${signedAt},v1=${toHex(new Uint8Array(digest))}`;
  return {
    body: typeof signed === 'string' ? signed : rawBodyText(signed),
    signature,
    headers: {
      'content-type': 'application/json',
      'terra-signature': signature,
      'x-terra-signature': signature,
      'x-terra-trace-id': traceId ?? globalThis.crypto.randomUUID(),
      'x-terra-ordering-timestamp': String(orderingTimestamp ?? signedAt * 1000),
      ...(reference === undefined ? {} : { 'terra-reference': reference }),
    },
  };
}

/** Options of {@link signPayload}. */
export interface SignOptions {
  /** The secret to sign with. */
  secret: string;
  /** The timestamp to sign, in unix seconds. Defaults to now. */
  timestamp?: number | undefined;
}

/**
 * Signs a raw body and returns the signature header's value, `t=<timestamp>,v1=<hex>`.
 *
 * @deprecated Use {@link signWebhook}, which also gives the delivery headers: `(await signWebhook({
 *   payload: rawBody, secret })).signature`. `signPayload` will be removed in 0.3.
 * @throws {@link TerraInvalidArgumentError} if the body is not text or bytes, the secret is empty, or
 *   the timestamp is not a whole number of seconds.
 */
export async function signPayload(rawBody: RawBody, options: SignOptions): Promise<string> {
  if (rawBodyView(rawBody) === undefined) {
    throw new TerraInvalidArgumentError(
      'rawBody',
      `The body to sign must be a string or bytes; got ${describeKind(rawBody)}. Serialize it first (JSON.stringify) and send exactly those bytes.`,
    );
  }
  const given = (options ?? {}) as Partial<SignOptions>;
  return (await signWebhook({ payload: rawBody, secret: given.secret as string, timestamp: given.timestamp }))
    .signature;
}
