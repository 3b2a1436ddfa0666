/**
 * Every webhook event Terra sends, as one union told apart by `type`: the 22 event types of Terra's
 * spec, the ones Terra sends that its spec leaves out, the older shape of a failed authentication,
 * terra-python's `request_processing` and `request_completed`, and an unknown-event variant for types
 * added after this version of the SDK.
 *
 * What must hold for an event to be delivered (DESIGN §2, `docs/models.md`). Terra's spec is not the
 * whole truth about what Terra sends, and Terra does not send an event again once it was answered
 * 200, so an event the SDK rejects is lost. The SDK therefore rejects an event only when one of its
 * *identifying* fields is broken, the fields without which it cannot be routed or attributed:
 *
 * - every event: a string `type`;
 * - an event about a connection: `user.user_id`, a non-empty string (`user_reauth`: `new_user.user_id`);
 * - a data event: a `data` array of objects (`athlete`: an `athlete` object);
 * - a lab-report event: a non-empty `event_id`;
 * - an `s3_payload`: a non-empty `url`.
 *
 * Everything else is best effort. An event whose identifying fields hold is delivered to the listener
 * of its type, typed, as the very object parsed from the body (no field dropped or rewritten), with
 * the places where it differs from its schema attached as drift: JSON paths and issue codes, never
 * values (`TerraWebhookResponse.drift`, `delivery.drift` in listeners, the handler's `onDrift`). The
 * table of identifying fields is `IDENTIFYING_FIELDS` in `models/identifying.ts`; the generator's
 * `OVERRIDES` make the types honest about the drift real traffic shows, so most of it never shows as
 * drift at all.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { callback, optionsOf, parseArguments } from '../internal/options.js';
import {
  type GoogleNoDatasourceEvent,
  type HealthcheckEvent,
  type LegacyAuthErrorEvent,
  LegacyAuthErrorEventSchema,
  type ProcessingEvent,
  type RateLimitHitEvent,
  type RequestCompletedEvent,
  type RequestProcessingEvent,
} from '../models/beyond-spec.js';
import { type DriftListener, NO_DRIFT, type Tolerated } from '../models/drift.js';
import { EVENT_SCHEMAS } from '../models/event-registry.js';
import type { AuthErrorEvent } from '../models/generated/AuthErrorEvent.js';
import { WebhookEventSchema } from '../models/generated/WebhookEvent.js';
import type { WebhookEventType } from '../models/generated/WebhookEventType.js';
import { parseWithDrift } from '../models/parse.js';

export {
  type GoogleNoDatasourceEvent,
  GoogleNoDatasourceEventSchema,
  type HealthcheckEvent,
  HealthcheckEventSchema,
  type LegacyAuthErrorEvent,
  LegacyAuthErrorEventSchema,
  type ProcessingEvent,
  ProcessingEventSchema,
  type RateLimitHitEvent,
  RateLimitHitEventSchema,
  type RequestCompletedEvent,
  RequestCompletedEventSchema,
  type RequestProcessingEvent,
  RequestProcessingEventSchema,
} from '../models/beyond-spec.js';

/**
 * An event whose `type` this version of the SDK does not know (Terra added it later). It is
 * delivered, not rejected: `receivedType` is the type Terra sent and `json` the whole event.
 */
export interface UnknownWebhookEvent {
  /** The event type, always `'unknown'`. */
  type: 'unknown';
  /** The `type` Terra sent (`route`, ...). */
  receivedType: string;
  /** The event as Terra sent it. */
  json: {
    /** The event type Terra sent. */
    type: string;
    [key: string]: unknown;
  };
}

/**
 * Any webhook event. `switch (event.type)` narrows it to each event's own type; events of a type the
 * SDK does not know arrive as {@link UnknownWebhookEvent} (`type: 'unknown'`).
 *
 * `auth` covers both a success (`status: 'success'`) and the older failure shape
 * ({@link LegacyAuthErrorEvent}, `status: 'error'`): check `status`, or use {@link isAuthFailure}.
 */
export type TerraWebhookEvent =
  | WebhookEventType
  | LegacyAuthErrorEvent
  | HealthcheckEvent
  | ProcessingEvent
  | RateLimitHitEvent
  | GoogleNoDatasourceEvent
  | RequestProcessingEvent
  | RequestCompletedEvent
  | UnknownWebhookEvent;

/** The `type` of an event: every type the SDK knows, and `'unknown'`. */
export type TerraWebhookEventName = TerraWebhookEvent['type'];

/** The event types the SDK knows (every name but `'unknown'`). */
export type KnownWebhookEventName = Exclude<TerraWebhookEventName, 'unknown'>;

/** The event of one `type`: `TerraWebhookEventOf<'activity'>` is `ActivityEvent`. */
export type TerraWebhookEventOf<T extends TerraWebhookEventName> = Extract<
  TerraWebhookEvent,
  {
    /** The event type to pick. */
    type: T;
  }
>;

type SchemaTable = { [T in KnownWebhookEventName]: z.ZodMiniType<TerraWebhookEventOf<T>> };

/**
 * The schema of each known type, from the event registry (`models/event-registry.ts`), typed by the
 * union: the registry must have a row for every known type, whose schema reads that type's event.
 * `auth` is the success; failures are picked by `status` below.
 */
const SCHEMAS: SchemaTable = EVENT_SCHEMAS;

// And no row of a type the union leaves out: a row is not enough to type an event.
type UntypedRows = Exclude<keyof typeof EVENT_SCHEMAS, KnownWebhookEventName>;
true satisfies [UntypedRows] extends [never] ? true : false;

/** Every event type the SDK knows, in no particular order. */
export const KNOWN_WEBHOOK_EVENT_TYPES: readonly KnownWebhookEventName[] = /* @__PURE__ */ Object.freeze(
  Object.keys(SCHEMAS) as KnownWebhookEventName[],
);

/** Whether `type` is an event type this version of the SDK knows. */
export function isKnownEventType(type: unknown): type is KnownWebhookEventName {
  return typeof type === 'string' && Object.hasOwn(SCHEMAS, type);
}

/** Options of {@link parseEvent}. */
export interface ParseEventOptions {
  /**
   * Receives the event's drift from its schema (JSON paths and issue codes, never values), once, when
   * there is any. Without it the drift is not reported; {@link TerraWebhookResponse.drift} keeps it for
   * deliveries.
   */
  onDrift?: DriftListener | undefined;
}

const parseEventOptions = optionsOf<ParseEventOptions>()(() => ({
  onDrift: z.optional(callback<DriftListener>('onDrift')),
}));

/**
 * Reads a webhook event (the JSON body of a verified delivery) into its typed form.
 *
 * An event whose identifying fields hold (a string `type`; `user.user_id` for an event about a
 * connection; a `data` array for a data event; see the module's documentation) is always returned,
 * typed by its `type`: the same object as given, validated in place, never copied or rewritten. Where
 * it differs from its schema is passed to `onDrift`. An event of a type the SDK does not know comes
 * back as an {@link UnknownWebhookEvent}; it is never an error.
 *
 * @throws {@link TerraValidationError} when the value is not an object with a string `type`, or an
 *   identifying field of its type is broken. The error gives JSON paths, never values.
 * @throws {@link TerraInvalidArgumentError} when an option has the wrong kind of value.
 * @example
 * ```ts
 * const event = parseEvent(JSON.parse(body), { onDrift: (drift) => console.warn(drift.map((d) => d.path)) });
 * if (event.type === 'activity') console.log(event.data.length);
 * ```
 */
export function parseEvent(json: unknown, options?: ParseEventOptions): TerraWebhookEvent {
  const onDrift =
    options === undefined ? undefined : parseArguments(parseEventOptions, options, 'parseEvent options').onDrift;
  const { value, drift } = readEvent(json);
  if (onDrift !== undefined && drift.length > 0) onDrift(drift);
  return value;
}

/**
 * {@link parseEvent}, giving the event with its drift.
 * @internal
 */
export function readEvent(json: unknown): Tolerated<TerraWebhookEvent> {
  type Base = { type: string; status?: unknown };
  // An object with a string `type` passes the base schema (its `status` can only drift, and drift
  // here is not kept): only anything else needs the base check, for its error.
  const base =
    typeof json === 'object' && json !== null && !Array.isArray(json) && typeof (json as Base).type === 'string'
      ? (json as Base)
      : (parseWithDrift(WebhookEventSchema, json, 'The webhook event').value as Base);
  const type = base.type;
  if (!isKnownEventType(type)) {
    return {
      value: { type: 'unknown', receivedType: type, json: base as UnknownWebhookEvent['json'] },
      drift: NO_DRIFT,
    };
  }
  const schema: z.ZodMiniType<TerraWebhookEvent> =
    type === 'auth' && base.status === 'error' ? LegacyAuthErrorEventSchema : SCHEMAS[type];
  return parseWithDrift(schema, json, `The ${type} webhook event`);
}

/**
 * Whether an event reports a failed authentication, in either shape Terra sends:
 * `auth_cancelled`, or the older `auth` with `status: "error"`.
 *
 * @example
 * ```ts
 * if (isAuthFailure(event)) notifyUser(event.reference_id);
 * ```
 */
export function isAuthFailure(event: TerraWebhookEvent): event is AuthErrorEvent | LegacyAuthErrorEvent {
  return event.type === 'auth_cancelled' || (event.type === 'auth' && event.status === 'error');
}
