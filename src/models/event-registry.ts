/**
 * The event registry: one row per webhook event type the SDK knows, with its schema, the model it
 * is, its identifying fields (what must hold for it to be delivered, DESIGN §2) and its kind. Every
 * list of event types is derived from this table: the known types and their schemas
 * (`webhooks/events.ts`), the identifying fields by model (`models/identifying.ts`), the event
 * fixtures (`testing/`), and the store's lifecycle and data types ({@link LIFECYCLE_EVENT_TYPES},
 * {@link DATA_EVENT_TYPES}). A new event type is one new row.
 *
 * @internal
 * @packageDocumentation
 */
import type * as z from 'zod/mini';
import {
  GoogleNoDatasourceEventSchema,
  HealthcheckEventSchema,
  ProcessingEventSchema,
  RateLimitHitEventSchema,
  RequestCompletedEventSchema,
  RequestProcessingEventSchema,
} from './beyond-spec.js';
import { AccessRevokedEventSchema } from './generated/AccessRevokedEvent.js';
import { ActivityEventSchema } from './generated/ActivityEvent.js';
import { AthleteEventSchema } from './generated/AthleteEvent.js';
import { AuthErrorEventSchema } from './generated/AuthErrorEvent.js';
import { AuthSuccessEventSchema } from './generated/AuthSuccessEvent.js';
import { BodyEventSchema } from './generated/BodyEvent.js';
import { ConnectionErrorEventSchema } from './generated/ConnectionErrorEvent.js';
import { DailyEventSchema } from './generated/DailyEvent.js';
import { DeauthEventSchema } from './generated/DeauthEvent.js';
import { HealthObservationEventSchema } from './generated/HealthObservationEvent.js';
import { HormoneEventSchema } from './generated/HormoneEvent.js';
import { LabReportCompletedEventSchema } from './generated/LabReportCompletedEvent.js';
import { LabReportFailedEventSchema } from './generated/LabReportFailedEvent.js';
import { LargeRequestProcessingEventSchema } from './generated/LargeRequestProcessingEvent.js';
import { LargeRequestSendingEventSchema } from './generated/LargeRequestSendingEvent.js';
import { MenstruationEventSchema } from './generated/MenstruationEvent.js';
import { NutritionEventSchema } from './generated/NutritionEvent.js';
import { PermissionChangeEventSchema } from './generated/PermissionChangeEvent.js';
import { PlannedWorkoutEventSchema } from './generated/PlannedWorkoutEvent.js';
import { S3PayloadEventSchema } from './generated/S3PayloadEvent.js';
import { SleepEventSchema } from './generated/SleepEvent.js';
import { UserReauthEventSchema } from './generated/UserReauthEvent.js';

/** What an identifying field must be. */
export type IdentifyingRule =
  /** A string. */
  | 'string'
  /** A non-empty string. */
  | 'id'
  /** An object whose `user_id` is a non-empty string. */
  | 'user'
  /** An object (not null, not an array). */
  | 'object'
  /** An array whose items are all objects. */
  | 'records'
  /** Absent, or an array whose items are all objects. */
  | 'records-if-present';

/** The identifying fields of one model: field name to rule. */
export type IdentifyingRules = Readonly<Record<string, IdentifyingRule>>;

/** Every event: a string `type`. */
export const EVENT: IdentifyingRules = { type: 'string' };
/** An event about a connection: and `user.user_id`. */
const USER_EVENT: IdentifyingRules = { type: 'string', user: 'user' };
/** A data event: and a `data` array of records. */
const DATA_EVENT: IdentifyingRules = { type: 'string', user: 'user', data: 'records' };
/** A lab-report event: a non-empty `event_id`. */
const LAB_REPORT_EVENT: IdentifyingRules = { type: 'string', event_id: 'id' };

/**
 * What an event is about, for those who act on it:
 * - `lifecycle`: a connection was made, changed or lost (the store updates the connection);
 * - `data`: records of one connection's health data;
 * - `large_request`: the progress of a request Terra answers in several deliveries;
 * - `other`: the rest (lab reports, S3 payloads, Terra's notices).
 */
export type EventKind = 'lifecycle' | 'data' | 'large_request' | 'other';

/** One row of the registry. */
export interface EventRow {
  /** The schema the event is read with (`auth`: the success; the older failure is picked by `status`). */
  readonly schema: z.ZodMiniType;
  /** The model's name, as in `models/generated/` and `beyond-spec.ts`. */
  readonly model: string;
  /** Its identifying fields. */
  readonly identifying: IdentifyingRules;
  /** What it is about. */
  readonly kind: EventKind;
}

// Generic, so each row keeps its schema's event type and its literal kind.
const row = <S extends z.ZodMiniType, K extends EventKind>(
  schema: S,
  model: string,
  kind: K,
  identifying: IdentifyingRules,
): { readonly schema: S; readonly model: string; readonly kind: K; readonly identifying: IdentifyingRules } => ({
  schema,
  model,
  kind,
  identifying,
});

/** One row per event type the SDK knows, keyed by `type`. */
export const EVENT_REGISTRY = {
  auth: row(AuthSuccessEventSchema, 'AuthSuccessEvent', 'lifecycle', USER_EVENT),
  auth_cancelled: row(AuthErrorEventSchema, 'AuthErrorEvent', 'lifecycle', EVENT),
  deauth: row(DeauthEventSchema, 'DeauthEvent', 'lifecycle', USER_EVENT),
  user_reauth: row(UserReauthEventSchema, 'UserReauthEvent', 'lifecycle', { type: 'string', new_user: 'user' }),
  access_revoked: row(AccessRevokedEventSchema, 'AccessRevokedEvent', 'lifecycle', USER_EVENT),
  connection_error: row(ConnectionErrorEventSchema, 'ConnectionErrorEvent', 'lifecycle', USER_EVENT),
  permission_change: row(PermissionChangeEventSchema, 'PermissionChangeEvent', 'lifecycle', USER_EVENT),
  large_request_processing: row(
    LargeRequestProcessingEventSchema,
    'LargeRequestProcessingEvent',
    'large_request',
    USER_EVENT,
  ),
  large_request_sending: row(LargeRequestSendingEventSchema, 'LargeRequestSendingEvent', 'large_request', USER_EVENT),
  activity: row(ActivityEventSchema, 'ActivityEvent', 'data', DATA_EVENT),
  athlete: row(AthleteEventSchema, 'AthleteEvent', 'data', { type: 'string', user: 'user', athlete: 'object' }),
  body: row(BodyEventSchema, 'BodyEvent', 'data', DATA_EVENT),
  daily: row(DailyEventSchema, 'DailyEvent', 'data', DATA_EVENT),
  menstruation: row(MenstruationEventSchema, 'MenstruationEvent', 'data', DATA_EVENT),
  nutrition: row(NutritionEventSchema, 'NutritionEvent', 'data', DATA_EVENT),
  sleep: row(SleepEventSchema, 'SleepEvent', 'data', DATA_EVENT),
  planned_workout: row(PlannedWorkoutEventSchema, 'PlannedWorkoutEvent', 'data', DATA_EVENT),
  hormone: row(HormoneEventSchema, 'HormoneEvent', 'data', DATA_EVENT),
  health_observation: row(HealthObservationEventSchema, 'HealthObservationEvent', 'data', DATA_EVENT),
  'lab_report.completed': row(LabReportCompletedEventSchema, 'LabReportCompletedEvent', 'other', LAB_REPORT_EVENT),
  'lab_report.failed': row(LabReportFailedEventSchema, 'LabReportFailedEvent', 'other', LAB_REPORT_EVENT),
  s3_payload: row(S3PayloadEventSchema, 'S3PayloadEvent', 'other', { type: 'string', url: 'id' }),
  healthcheck: row(HealthcheckEventSchema, 'HealthcheckEvent', 'other', EVENT),
  processing: row(ProcessingEventSchema, 'ProcessingEvent', 'other', USER_EVENT),
  rate_limit_hit: row(RateLimitHitEventSchema, 'RateLimitHitEvent', 'other', USER_EVENT),
  google_no_datasource: row(GoogleNoDatasourceEventSchema, 'GoogleNoDatasourceEvent', 'other', USER_EVENT),
  request_processing: row(RequestProcessingEventSchema, 'RequestProcessingEvent', 'other', USER_EVENT),
  request_completed: row(RequestCompletedEventSchema, 'RequestCompletedEvent', 'other', USER_EVENT),
} as const satisfies Readonly<Record<string, EventRow>>;

/** Every event type in the registry. */
export type RegisteredEventType = keyof typeof EVENT_REGISTRY;

/** The event types of one kind. */
export type EventTypeOfKind<K extends EventKind> = {
  [T in RegisteredEventType]: (typeof EVENT_REGISTRY)[T]['kind'] extends K ? T : never;
}[RegisteredEventType];

/** The event types that carry one connection's data records (`athlete`: one athlete object). */
export type DataEventType = EventTypeOfKind<'data'>;

/** The types of one kind, in the registry's order. */
function typesOf<K extends EventKind>(kind: K): readonly EventTypeOfKind<K>[] {
  return Object.freeze(
    (Object.keys(EVENT_REGISTRY) as RegisteredEventType[]).filter(
      (type): type is EventTypeOfKind<K> => EVENT_REGISTRY[type].kind === kind,
    ),
  );
}

/** Every event type in the registry, in its order. */
export const REGISTERED_EVENT_TYPES: readonly RegisteredEventType[] = /* @__PURE__ */ Object.freeze(
  Object.keys(EVENT_REGISTRY) as RegisteredEventType[],
);

/** The events that make, change or end a connection. */
export const LIFECYCLE_EVENT_TYPES: readonly EventTypeOfKind<'lifecycle'>[] = /* @__PURE__ */ typesOf('lifecycle');

/** The events that carry one connection's data records. */
export const DATA_EVENT_TYPES: readonly DataEventType[] = /* @__PURE__ */ typesOf('data');

/** The events about a request Terra answers in several deliveries. */
export const LARGE_REQUEST_EVENT_TYPES: readonly EventTypeOfKind<'large_request'>[] =
  /* @__PURE__ */ typesOf('large_request');

/** The kind of an event type, or `undefined` for a type the registry does not list. */
export function eventKind(type: string): EventKind | undefined {
  return Object.hasOwn(EVENT_REGISTRY, type) ? EVENT_REGISTRY[type as RegisteredEventType].kind : undefined;
}
