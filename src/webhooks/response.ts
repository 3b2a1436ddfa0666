/**
 * A verified delivery, and the functions that make one: `handleWebhook` (a body and a header),
 * `handleWebhookRequest` (a Web `Request`), `constructEvent` (straight to the typed event) and
 * `checkTerraSignature` (a boolean, as in terra-python).
 *
 * @packageDocumentation
 */
import { TerraInvalidArgumentError, TerraWebhookVerificationError } from '../errors.js';
import { describeKind, type RawBody, rawBodyText } from './bytes.js';
import { invalidJsonError, parseEvent, type TerraWebhookEvent } from './events.js';
import {
  getHeader,
  requireRawBody,
  type SignatureHeaderInput,
  type VerifiedSignature,
  type VerifyOptions,
  verifySignature,
} from './signature.js';

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
   * have; when it is absent, treat the delivery as the newest.
   */
  readonly orderingTimestamp: number | undefined;
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

function orderingTimestamp(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d{1,16}\s*$/.test(value)) return undefined;
  return Number(value);
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
  #event: TerraWebhookEvent | undefined;

  /** Made by {@link handleWebhook}; build one yourself only in tests. */
  constructor(init: TerraWebhookResponseInit) {
    this.#rawBody = init.rawBody;
    this.signature = init.signature;
    this.traceId = getHeader(init.headers, 'x-terra-trace-id');
    this.reference = getHeader(init.headers, 'terra-reference');
    this.orderingTimestamp = orderingTimestamp(getHeader(init.headers, 'x-terra-ordering-timestamp'));
  }

  /** The body as Terra sent it (health data: keep it out of logs). */
  get rawBody(): string {
    return this.#rawBody;
  }

  /** The event's `type` as Terra sent it (`activity`, ...), or `undefined` if the body has none. */
  get dtype(): string | undefined {
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
    if (this.#json === undefined) {
      try {
        this.#json = { value: JSON.parse(this.#rawBody) };
      } catch {
        // JSON.parse's message quotes the body; it must not reach logs.
        throw invalidJsonError('The webhook body');
      }
    }
    return this.#json.value;
  }

  /**
   * The event, validated and typed: `switch (event.type)` narrows it. An event of a type this SDK
   * does not know comes back as `{ type: 'unknown', receivedType, json }`, never as an error.
   * @throws {@link TerraValidationError} if the body is not JSON, or an event of a known type does
   *   not match its schema.
   */
  getParsedResponse(): TerraWebhookEvent {
    this.#event ??= parseEvent(this.getJson());
    return this.#event;
  }
}

/**
 * Verifies a delivery and returns it as a {@link TerraWebhookResponse}. This is what
 * `terra.handleWebhook` does with the client's secret.
 *
 * @param rawBody - The request body exactly as received (string or bytes, never parsed JSON).
 * @param header - The signature header's value, or the request headers: given the headers, the
 *   response also carries `traceId`, `reference` and `orderingTimestamp`.
 * @throws {@link TerraWebhookVerificationError} if the delivery cannot be verified (see
 *   {@link verifySignature}).
 * @example
 * ```ts
 * const hook = await handleWebhook(req.body, req.headers, { secret });
 * const event = hook.getParsedResponse();
 * ```
 */
export async function handleWebhook(
  rawBody: RawBody,
  header: SignatureHeaderInput,
  options: VerifyOptions,
): Promise<TerraWebhookResponse> {
  const signature = await verifySignature(rawBody, header, options);
  return new TerraWebhookResponse({
    rawBody: rawBodyText(requireRawBody(rawBody)),
    signature,
    headers: typeof header === 'object' ? header : undefined,
  });
}

/**
 * Verifies a delivery given as a Web `Request` (fetch handlers, Next.js, Hono, Bun, Deno, Workers),
 * reading the body and the signature and delivery headers from it.
 *
 * @throws {@link TerraWebhookVerificationError} if it cannot be verified; code `body_not_raw` if the
 *   body was already read (by a JSON body parser, say).
 * @throws {@link TerraInvalidArgumentError} if `request` is not a `Request`.
 */
export async function handleWebhookRequest(request: Request, options: VerifyOptions): Promise<TerraWebhookResponse> {
  const candidate = request as Partial<Request> | null | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.arrayBuffer !== 'function' ||
    typeof candidate.headers !== 'object'
  ) {
    throw new TerraInvalidArgumentError(
      'request',
      `Expected a Web Request (with headers and arrayBuffer()); got ${describeKind(request)}. For a body and headers, use handleWebhook(rawBody, headers, options).`,
    );
  }
  if (request.bodyUsed) {
    throw new TerraWebhookVerificationError(
      'body_not_raw',
      'The request body was already read before verification (by a body parser or middleware that called request.json()). Verify first, on the untouched request: the signature covers the exact bytes Terra sent.',
    );
  }
  return handleWebhook(new Uint8Array(await request.arrayBuffer()), request.headers, options);
}

/**
 * Verifies a delivery, then returns its typed event.
 *
 * @throws {@link TerraWebhookVerificationError} if the delivery cannot be verified.
 * @throws {@link TerraValidationError} if the body is not JSON, or an event of a known type does not
 *   match its schema.
 * @example
 * ```ts
 * const event = await constructEvent(rawBody, request.headers, { secret });
 * switch (event.type) {
 *   case 'activity': ...
 * }
 * ```
 */
export async function constructEvent(
  rawBody: RawBody,
  header: SignatureHeaderInput,
  options: VerifyOptions,
): Promise<TerraWebhookEvent> {
  return (await handleWebhook(rawBody, header, options)).getParsedResponse();
}

/**
 * Whether a delivery's signature is valid and recent: `true` or `false`, as terra-python's
 * `check_terra_signature`. This is what `terra.checkTerraSignature` does with the client's secret.
 *
 * Mistakes in your setup still throw rather than read as a bad signature: no secret configured
 * (`missing_secret`), or a parsed object passed instead of the raw body (`body_not_raw`).
 *
 * @throws {@link TerraWebhookVerificationError} with code `missing_secret` or `body_not_raw`.
 */
export async function checkTerraSignature(
  rawBody: RawBody,
  header: SignatureHeaderInput,
  options: VerifyOptions,
): Promise<boolean> {
  try {
    await verifySignature(rawBody, header, options);
    return true;
  } catch (error) {
    if (
      error instanceof TerraWebhookVerificationError &&
      error.code !== 'missing_secret' &&
      error.code !== 'body_not_raw'
    ) {
      return false;
    }
    throw error;
  }
}
