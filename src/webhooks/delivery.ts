/**
 * A verified delivery ({@link TerraWebhookResponse}) and the one way to make one, {@link verifyWebhook}:
 * from a raw body and its headers, or from a Web `Request`. `handleWebhook` (terra-python's name) is
 * the same function; `checkTerraSignature` answers true or false, as terra-python's did.
 *
 * @packageDocumentation
 */
import { TerraInvalidArgumentError, TerraWebhookVerificationError } from '../errors.js';
import { describeKind } from '../internal/describe.js';
import { parseJson } from '../internal/json.js';
import { isWebRequest } from '../internal/web-request.js';
import type { SchemaDrift, Tolerated } from '../models/drift.js';
import { type RawBody, rawBodyText } from './bytes.js';
import { readEvent, type TerraWebhookEvent } from './events.js';
import { orderingTimestampOf, referenceOf, type SignatureHeaderInput, traceIdOf } from './headers.js';
import type { SignatureEngine } from './signature/engines.js';
import {
  checkSignature,
  type ResolvedVerifyOptions,
  requireRawBody,
  resolveVerifyOptions,
  type VerifiedSignature,
  type VerifyOptions,
} from './signature/verify.js';

/** The delivery headers Terra sends with each webhook, read from the request. */
export interface WebhookDelivery {
  /**
   * `X-Terra-Trace-Id`: unique per delivery and the same on every retry of it. Dedupe on this (a
   * unique insert before processing), never on `reference`.
   */
  readonly traceId: string | undefined;
  /**
   * `terra-reference`: ties the delivery to the API request that caused it. Every chunk of a large
   * request shares it, so it is a correlation key, not a dedupe key.
   */
  readonly reference: string | undefined;
  /**
   * `X-Terra-Ordering-Timestamp`, in milliseconds since the epoch: when Terra emitted the payload,
   * the same on every retry. Overwrite a stored record only if this is not older than the one you
   * have; when it is absent, treat the delivery as the newest. `NaN` when the header is there but is
   * not a whole number of milliseconds (the connection store refuses such a delivery).
   */
  readonly orderingTimestamp: number | undefined;
  /**
   * Where the event differs from its schema beyond its identifying fields: JSON paths and issue
   * codes, never values; empty when it matches. The event was delivered anyway, exactly as received;
   * at these paths its values are not what its type says.
   */
  readonly drift: readonly SchemaDrift[];
}

/** What {@link TerraWebhookResponse} is made from. */
export interface TerraWebhookResponseInit {
  /** The verified body. */
  rawBody: string;
  /** What verification established. */
  signature: VerifiedSignature;
  /** The request headers, to read the delivery headers from. */
  headers?: unknown;
}

/**
 * A verified webhook delivery: its body, its delivery headers and, on demand, its typed event.
 * Made by {@link handleWebhook} and {@link handleWebhookRequest}, only after the signature checks out.
 *
 * The body is read as JSON and validated only when you ask, so a delivery whose JSON breaks its
 * schema can still be stored through {@link TerraWebhookResponse.getJson}.
 */
export class TerraWebhookResponse implements WebhookDelivery {
  /** `X-Terra-Trace-Id`: the dedupe key, the same on every retry of this delivery. */
  readonly traceId: string | undefined;
  /** `terra-reference`: the API request this delivery answers; shared by every chunk of it. */
  readonly reference: string | undefined;
  /** `X-Terra-Ordering-Timestamp` in milliseconds: compare before overwriting stored data. */
  readonly orderingTimestamp: number | undefined;
  /** The signed timestamp and which of your secrets matched. */
  readonly signature: VerifiedSignature;
  readonly #rawBody: string;
  #json: { value: unknown } | undefined;
  #event: Tolerated<TerraWebhookEvent> | undefined;

  /** Made by {@link handleWebhook}; build one yourself only in tests. */
  constructor(init: TerraWebhookResponseInit) {
    this.#rawBody = init.rawBody;
    this.signature = init.signature;
    this.traceId = traceIdOf(init.headers);
    this.reference = referenceOf(init.headers);
    this.orderingTimestamp = orderingTimestampOf(init.headers);
  }

  /** The body as Terra sent it (health data: keep it out of logs). */
  get rawBody(): string {
    return this.#rawBody;
  }

  /**
   * The event's `type` as Terra sent it (`activity`, ...).
   * @deprecated Use {@link TerraWebhookResponse.eventType}: `dtype` names what was requested on
   *   `TerraApiResponse`, not an event's type. It will be removed in 0.3.
   */
  get dtype(): string | undefined {
    return this.eventType;
  }

  /** The event's `type` as Terra sent it (`activity`, ...), or `undefined` if the body has none. */
  get eventType(): string | undefined {
    let json: unknown;
    try {
      json = this.getJson();
    } catch {
      return undefined;
    }
    const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
    return typeof type === 'string' ? type : undefined;
  }

  /**
   * The body parsed as JSON, unvalidated.
   * @throws {@link TerraValidationError} (issue code `invalid_json`) if the body is not JSON.
   */
  getJson(): unknown {
    this.#json ??= { value: parseJson(this.#rawBody, 'The webhook body') };
    return this.#json.value;
  }

  /**
   * The event, validated and typed: `switch (event.type)` narrows it. It is the object read from the
   * body, exactly as Terra sent it; where it differs from its schema beyond its identifying fields is
   * listed in {@link TerraWebhookResponse.drift}. An event of a type this SDK does not know comes back
   * as `{ type: 'unknown', receivedType, json }`, never as an error.
   * @throws {@link TerraValidationError} if the body is not JSON, or an identifying field of the event
   *   is broken (its `type`; `user.user_id`; the `data` array; see `parseEvent`).
   */
  getParsedResponse(): TerraWebhookEvent {
    this.#event ??= readEvent(this.getJson());
    return this.#event.value;
  }

  /**
   * Where the event differs from its schema beyond its identifying fields: JSON paths and issue
   * codes, never values; empty when it matches. Reads the event if it was not read yet.
   * @throws {@link TerraValidationError} as {@link TerraWebhookResponse.getParsedResponse} does.
   */
  get drift(): readonly SchemaDrift[] {
    this.getParsedResponse();
    return (this.#event as Tolerated<TerraWebhookEvent>).drift;
  }
}

/**
 * Verifies a webhook delivery and returns it: its typed event (`getParsedResponse()`), its body and
 * its delivery headers (`traceId`, `reference`, `orderingTimestamp`).
 *
 * Pass the raw body exactly as received (a string or bytes, never parsed JSON) with the request
 * headers (or the signature header's value); or pass a Web `Request` (fetch handlers, Next.js, Hono,
 * Bun, Deno, Workers), whose body and headers are read for you.
 *
 * @throws {@link TerraWebhookVerificationError} if the delivery cannot be verified (see
 *   {@link verifySignature}); code `body_not_raw` if a Request's body was already read.
 * @example
 * ```ts
 * const delivery = await verifyWebhook(rawBody, headers, { secret });
 * const event = delivery.getParsedResponse();
 * ```
 */
export function verifyWebhook(request: Request, options: VerifyOptions): Promise<TerraWebhookResponse>;
export function verifyWebhook(
  rawBody: RawBody,
  header: SignatureHeaderInput,
  options: VerifyOptions,
): Promise<TerraWebhookResponse>;
export async function verifyWebhook(
  input: Request | RawBody,
  headerOrOptions: SignatureHeaderInput | VerifyOptions,
  options?: VerifyOptions,
): Promise<TerraWebhookResponse> {
  if (isWebRequest(input)) return verifyRequest(input, resolveVerifyOptions(headerOrOptions));
  if (
    options === undefined &&
    typeof headerOrOptions === 'object' &&
    headerOrOptions !== null &&
    'secret' in headerOrOptions
  ) {
    throw new TerraInvalidArgumentError(
      'header',
      'verifyWebhook(rawBody, headers, options) takes the request headers (or the signature header value) second and the options third; only a Web Request comes with its own headers.',
    );
  }
  return verifyDelivery(input, headerOrOptions as SignatureHeaderInput, resolveVerifyOptions(options));
}

/**
 * The one verify path: checks the signature ({@link checkSignature}) and makes the verified delivery.
 * Every public spelling ({@link verifyWebhook}, `handleWebhook`, the deprecated ones, the webhook
 * handler) ends here. Answered at once when the engine answers at once (node:crypto), the adapters'
 * hot path; throws, or rejects, with what {@link verifyWebhook} rejects with.
 * @internal
 */
export function verifyDelivery(
  rawBody: RawBody,
  header: SignatureHeaderInput,
  options: ResolvedVerifyOptions,
  engine?: SignatureEngine,
): TerraWebhookResponse | Promise<TerraWebhookResponse> {
  const delivery = (signature: VerifiedSignature) =>
    new TerraWebhookResponse({
      rawBody: rawBodyText(requireRawBody(rawBody)),
      signature,
      headers: typeof header === 'object' ? header : undefined,
    });
  const signature = checkSignature(rawBody, header, options, engine);
  return signature instanceof Promise ? signature.then(delivery) : delivery(signature);
}

/** {@link verifyWebhook} of a Web `Request`, with options already checked. @internal */
export async function verifyRequest(request: Request, options: ResolvedVerifyOptions): Promise<TerraWebhookResponse> {
  if (!isWebRequest(request)) {
    throw new TerraInvalidArgumentError(
      'request',
      `Expected a Web Request (with headers and arrayBuffer()); got ${describeKind(request)}. For a body and headers, use verifyWebhook(rawBody, headers, options).`,
    );
  }
  if (request.bodyUsed) throw bodyAlreadyRead();
  return verifyDelivery(new Uint8Array(await request.arrayBuffer()), request.headers, options);
}

/** The error for a Web `Request` whose body was read before verification. @internal */
export const bodyAlreadyRead = (): TerraWebhookVerificationError =>
  new TerraWebhookVerificationError(
    'body_not_raw',
    'The request body was already read before verification (by a body parser or middleware that called request.json()). Verify first, on the untouched request: the signature covers the exact bytes Terra sent.',
  );

/**
 * terra-python's name for {@link verifyWebhook}: the same function, kept for those who port code from
 * it. On the client, `terra.handleWebhook(...)` uses the client's secret.
 */
export const handleWebhook: typeof verifyWebhook = verifyWebhook;

/**
 * Verifies a delivery given as a Web `Request`.
 * @deprecated Use {@link verifyWebhook}, which takes a `Request` too. Removed in 0.3.
 */
export async function handleWebhookRequest(request: Request, options: VerifyOptions): Promise<TerraWebhookResponse> {
  return verifyRequest(request, resolveVerifyOptions(options));
}

/**
 * Verifies a delivery, then returns its typed event.
 * @deprecated Use `(await verifyWebhook(rawBody, headers, options)).getParsedResponse()`. Removed in 0.3.
 */
export async function constructEvent(
  rawBody: RawBody,
  header: SignatureHeaderInput,
  options: VerifyOptions,
): Promise<TerraWebhookEvent> {
  return (await verifyWebhook(rawBody, header, options)).getParsedResponse();
}

/**
 * Whether a delivery's signature is valid and recent: `true` or `false`, as terra-python's
 * `check_terra_signature`. This is what `terra.checkTerraSignature` does with the client's secret.
 *
 * Mistakes in your setup still reject rather than read as a bad signature: no secret configured
 * (`missing_secret`), or a parsed object passed instead of the raw body (`body_not_raw`).
 *
 * @throws {@link TerraWebhookVerificationError} with code `missing_secret` or `body_not_raw`.
 */
export async function checkTerraSignature(
  rawBody: RawBody,
  header: SignatureHeaderInput,
  options: VerifyOptions,
): Promise<boolean> {
  const resolved = resolveVerifyOptions(options);
  try {
    await checkSignature(rawBody, header, resolved);
    return true;
  } catch (error) {
    if (error instanceof TerraWebhookVerificationError && error.code !== 'body_not_raw') return false;
    throw error;
  }
}
