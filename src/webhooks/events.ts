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
import { AccessRevokedEventSchema } from '../models/generated/AccessRevokedEvent.js';
import { ActivityEventSchema } from '../models/generated/ActivityEvent.js';
import { AthleteEventSchema } from '../models/generated/AthleteEvent.js';
import { type AuthErrorEvent, AuthErrorEventSchema } from '../models/generated/AuthErrorEvent.js';
import { AuthSuccessEventSchema } from '../models/generated/AuthSuccessEvent.js';
import { BodyEventSchema } from '../models/generated/BodyEvent.js';
import { ConnectionErrorEventSchema } from '../models/generated/ConnectionErrorEvent.js';
import { DailyEventSchema } from '../models/generated/DailyEvent.js';
import { DeauthEventSchema } from '../models/generated/DeauthEvent.js';
import { HealthObservationEventSchema } from '../models/generated/HealthObservationEvent.js';
import { HormoneEventSchema } from '../models/generated/HormoneEvent.js';
import { LabReportCompletedEventSchema } from '../models/generated/LabReportCompletedEvent.js';
import { LabReportFailedEventSchema } from '../models/generated/LabReportFailedEvent.js';
import { LargeRequestProcessingEventSchema } from '../models/generated/LargeRequestProcessingEvent.js';
import { LargeRequestSendingEventSchema } from '../models/generated/LargeRequestSendingEvent.js';
import { MenstruationEventSchema } from '../models/generated/MenstruationEvent.js';
import { NutritionEventSchema } from '../models/generated/NutritionEvent.js';
import { PermissionChangeEventSchema } from '../models/generated/PermissionChangeEvent.js';
import { PlannedWorkoutEventSchema } from '../models/generated/PlannedWorkoutEvent.js';
import { S3PayloadEventSchema } from '../models/generated/S3PayloadEvent.js';
import { SleepEventSchema } from '../models/generated/SleepEvent.js';
import { type TerraUser, TerraUserSchema } from '../models/generated/TerraUser.js';
import { UserReauthEventSchema } from '../models/generated/UserReauthEvent.js';
import { WebhookEventSchema } from '../models/generated/WebhookEvent.js';
import type { WebhookEventType } from '../models/generated/WebhookEventType.js';
import { lazySchema, ref } from '../models/lazy.js';
import { type DriftListener, NO_DRIFT, parseWithDrift, type Tolerated } from '../models/parse.js';

/**
 * A failed authentication in the older shape: `type: "auth"` with `status: "error"`, where newer
 * deliveries send `type: "auth_cancelled"` ({@link AuthErrorEvent}). Tell it from a success by
 * `status`, or use {@link isAuthFailure} for both failure shapes.
 */
export interface LegacyAuthErrorEvent {
  /** The event type, always `'auth'`. */
  type: 'auth';
  /** Always `'error'` in this shape. */
  status: 'error';
  /** Why the authentication failed, such as `access_denied`. */
  reason?: string | null | undefined;
  /** Terra's explanation, for people. */
  message?: string | null | undefined;
  /** The reference id you passed when starting the authentication. */
  reference_id?: string | null | undefined;
  /** The widget session the person used, if any. */
  widget_session_id?: string | null | undefined;
  /** The provider that was being connected. */
  provider?: string | null | undefined;
  /** The connection that was being made, when Terra includes it. */
  user?: TerraUser | null | undefined;
}

/** Schema of {@link LegacyAuthErrorEvent}, built on first use. */
export const LegacyAuthErrorEventSchema: z.ZodMiniType<LegacyAuthErrorEvent> = /* @__PURE__ */ lazySchema(
  'LegacyAuthErrorEvent',
  () =>
    z.looseObject({
      type: z.literal('auth'),
      status: z.literal('error'),
      reason: z.nullish(z.string()),
      message: z.nullish(z.string()),
      reference_id: z.nullish(z.string()),
      widget_session_id: z.nullish(z.string()),
      provider: z.nullish(z.string()),
      user: z.nullish(ref(TerraUserSchema)),
    }),
);

/**
 * Terra checking that your endpoint answers. Not in Terra's spec; fields typed as Terra's other SDKs
 * describe them, and optional here in case a delivery leaves one out.
 */
export interface HealthcheckEvent {
  /** The event type, always `'healthcheck'`. */
  type: 'healthcheck';
  /** Terra's status for the event, when it sends one. */
  status?: string | null | undefined;
  /** When the check was sent. */
  creation_timestamp?: string | null | undefined;
  /** Change in delivery volume, in percent. */
  trend_percentage?: number | null | undefined;
  /** How many webhooks Terra sent you in the last hour. */
  sent_webhooks_last_hour?: number | null | undefined;
}

/** Schema of {@link HealthcheckEvent}, built on first use. */
export const HealthcheckEventSchema: z.ZodMiniType<HealthcheckEvent> = /* @__PURE__ */ lazySchema(
  'HealthcheckEvent',
  () =>
    z.looseObject({
      type: z.literal('healthcheck'),
      status: z.nullish(z.string()),
      creation_timestamp: z.nullish(z.string()),
      trend_percentage: z.nullish(z.number()),
      sent_webhooks_last_hour: z.nullish(z.number()),
    }),
);

/** Data for a user is still being fetched; it will follow. Not in Terra's spec. */
export interface ProcessingEvent {
  /** The event type, always `'processing'`. */
  type: 'processing';
  /** Terra's status for the event, when it sends one. */
  status?: string | null | undefined;
  /** Terra's explanation, for people. */
  message?: string | null | undefined;
  /** The connection the event is about. */
  user: TerraUser;
  /** How long Terra expects to take, in seconds. */
  retry_after_seconds?: number | null | undefined;
}

/** Schema of {@link ProcessingEvent}, built on first use. */
export const ProcessingEventSchema: z.ZodMiniType<ProcessingEvent> = /* @__PURE__ */ lazySchema('ProcessingEvent', () =>
  z.looseObject({
    type: z.literal('processing'),
    status: z.nullish(z.string()),
    message: z.nullish(z.string()),
    user: ref(TerraUserSchema),
    retry_after_seconds: z.nullish(z.number()),
  }),
);

/**
 * A provider rate-limited Terra while it fetched a user's data; Terra retries by itself at
 * `retrying_at`. Not in Terra's spec.
 */
export interface RateLimitHitEvent {
  /** The event type, always `'rate_limit_hit'`. */
  type: 'rate_limit_hit';
  /** Terra's status for the event, when it sends one. */
  status?: string | null | undefined;
  /** The connection the event is about. */
  user: TerraUser;
  /** Start of the range being fetched. */
  start_date?: string | null | undefined;
  /** End of the range being fetched. */
  end_date?: string | null | undefined;
  /** When Terra will try again. */
  retrying_at?: string | null | undefined;
  /** Terra's explanation, for people. */
  message?: string | null | undefined;
}

/** Schema of {@link RateLimitHitEvent}, built on first use. */
export const RateLimitHitEventSchema: z.ZodMiniType<RateLimitHitEvent> = /* @__PURE__ */ lazySchema(
  'RateLimitHitEvent',
  () =>
    z.looseObject({
      type: z.literal('rate_limit_hit'),
      status: z.nullish(z.string()),
      user: ref(TerraUserSchema),
      start_date: z.nullish(z.string()),
      end_date: z.nullish(z.string()),
      retrying_at: z.nullish(z.string()),
      message: z.nullish(z.string()),
    }),
);

/** A Google Fit user has no data source Terra can read. Not in Terra's spec. */
export interface GoogleNoDatasourceEvent {
  /** The event type, always `'google_no_datasource'`. */
  type: 'google_no_datasource';
  /** Terra's status for the event, when it sends one. */
  status?: string | null | undefined;
  /** The connection the event is about. */
  user: TerraUser;
  /** Terra's explanation, for people. */
  message?: string | null | undefined;
}

/** Schema of {@link GoogleNoDatasourceEvent}, built on first use. */
export const GoogleNoDatasourceEventSchema: z.ZodMiniType<GoogleNoDatasourceEvent> = /* @__PURE__ */ lazySchema(
  'GoogleNoDatasourceEvent',
  () =>
    z.looseObject({
      type: z.literal('google_no_datasource'),
      status: z.nullish(z.string()),
      user: ref(TerraUserSchema),
      message: z.nullish(z.string()),
    }),
);

/**
 * terra-python's `request_processing` event: Terra started on a data request for a user. An older
 * event, typed as terra-python read it (`RequestProcessingHookResponse`); everything but `type` and
 * `user` may be missing.
 */
export interface RequestProcessingEvent {
  /** The event type, always `'request_processing'`. */
  type: 'request_processing';
  /** Terra's status for the event, when it sends one. */
  status?: string | null | undefined;
  /** Terra's explanation, for people. */
  message?: string | null | undefined;
  /** The connection the request is for. */
  user: TerraUser;
}

/** Schema of {@link RequestProcessingEvent}, built on first use. */
export const RequestProcessingEventSchema: z.ZodMiniType<RequestProcessingEvent> = /* @__PURE__ */ lazySchema(
  'RequestProcessingEvent',
  () =>
    z.looseObject({
      type: z.literal('request_processing'),
      status: z.nullish(z.string()),
      message: z.nullish(z.string()),
      user: ref(TerraUserSchema),
    }),
);

/**
 * terra-python's `request_completed` event: every payload of a data request was sent. An older event,
 * typed as terra-python read it (`RequestCompletedHookResponse`); everything but `type` and `user` may
 * be missing.
 */
export interface RequestCompletedEvent {
  /** The event type, always `'request_completed'`. */
  type: 'request_completed';
  /** Terra's status for the event, when it sends one. */
  status?: string | null | undefined;
  /** Terra's explanation, for people. */
  message?: string | null | undefined;
  /** The request this completes: the `reference` its answer gave, and the deliveries' `terra-reference`. */
  reference?: string | null | undefined;
  /** The connection the request was for. */
  user: TerraUser;
}

/** Schema of {@link RequestCompletedEvent}, built on first use. */
export const RequestCompletedEventSchema: z.ZodMiniType<RequestCompletedEvent> = /* @__PURE__ */ lazySchema(
  'RequestCompletedEvent',
  () =>
    z.looseObject({
      type: z.literal('request_completed'),
      status: z.nullish(z.string()),
      message: z.nullish(z.string()),
      reference: z.nullish(z.string()),
      user: ref(TerraUserSchema),
    }),
);

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

/** The schema of each known type. `auth` is the success; failures are picked by `status` below. */
const SCHEMAS = {
  auth: AuthSuccessEventSchema,
  auth_cancelled: AuthErrorEventSchema,
  deauth: DeauthEventSchema,
  user_reauth: UserReauthEventSchema,
  access_revoked: AccessRevokedEventSchema,
  connection_error: ConnectionErrorEventSchema,
  permission_change: PermissionChangeEventSchema,
  large_request_processing: LargeRequestProcessingEventSchema,
  large_request_sending: LargeRequestSendingEventSchema,
  activity: ActivityEventSchema,
  athlete: AthleteEventSchema,
  body: BodyEventSchema,
  daily: DailyEventSchema,
  menstruation: MenstruationEventSchema,
  nutrition: NutritionEventSchema,
  sleep: SleepEventSchema,
  planned_workout: PlannedWorkoutEventSchema,
  hormone: HormoneEventSchema,
  health_observation: HealthObservationEventSchema,
  'lab_report.completed': LabReportCompletedEventSchema,
  'lab_report.failed': LabReportFailedEventSchema,
  s3_payload: S3PayloadEventSchema,
  healthcheck: HealthcheckEventSchema,
  processing: ProcessingEventSchema,
  rate_limit_hit: RateLimitHitEventSchema,
  google_no_datasource: GoogleNoDatasourceEventSchema,
  request_processing: RequestProcessingEventSchema,
  request_completed: RequestCompletedEventSchema,
} satisfies SchemaTable;

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
