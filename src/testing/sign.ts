/**
 * `signWebhook`: a webhook delivery exactly as Terra would POST it, for tests and tools.
 *
 * @packageDocumentation
 */
import { TerraInvalidArgumentError } from '../errors.js';
import { describeKind } from '../webhooks/bytes.js';
import { signPayload } from '../webhooks/signature.js';
import { terraJson } from './json.js';

/** Options of {@link signWebhook}. */
export interface SignWebhookOptions {
  /**
   * The event: an object (written as Terra writes JSON, with a space after each `:` and `,`), or a
   * string sent and signed byte for byte as given.
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
  /** The raw body, exactly the bytes that were signed. */
  body: string;
  /**
   * `content-type`, the signature under both names Terra sends it (`terra-signature` and
   * `x-terra-signature`), `x-terra-trace-id`, `x-terra-ordering-timestamp` and, when given,
   * `terra-reference`.
   */
  headers: Record<string, string>;
}

const HEADER_VALUE = /^[\x21-\x7e]{1,200}$/;

function headerValue(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !HEADER_VALUE.test(value)) {
    throw new TerraInvalidArgumentError(
      name,
      `${name} must be 1 to 200 visible ASCII characters with no spaces (it is sent as a header); got ${describeKind(value)}.`,
    );
  }
  return value;
}

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
  if (typeof options !== 'object' || options === null) {
    throw new TerraInvalidArgumentError(
      'options',
      `signWebhook takes an options object ({ payload, secret }); got ${describeKind(options)}.`,
    );
  }
  const { payload, secret, timestamp } = options;
  if (payload === undefined || payload === null) {
    throw new TerraInvalidArgumentError(
      'payload',
      'payload is required: the event to send, as an object or a JSON string (fixtures.event(...) makes one).',
    );
  }
  const body = typeof payload === 'string' ? payload : terraJson(payload);
  const signature = await signPayload(body, { secret, timestamp });
  const signedAt = Number(/^t=(\d+)/.exec(signature)?.[1]);
  const ordering = options.orderingTimestamp ?? signedAt * 1000;
  if (!Number.isSafeInteger(ordering) || ordering < 0) {
    throw new TerraInvalidArgumentError(
      'orderingTimestamp',
      'orderingTimestamp must be a whole, non-negative number of epoch milliseconds.',
    );
  }
  const traceId = headerValue('traceId', options.traceId) ?? globalThis.crypto.randomUUID();
  const reference = headerValue('reference', options.reference);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'terra-signature': signature,
      'x-terra-signature': signature,
      'x-terra-trace-id': traceId,
      'x-terra-ordering-timestamp': String(ordering),
      ...(reference === undefined ? {} : { 'terra-reference': reference }),
    },
  };
}
