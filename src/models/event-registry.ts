/**
 * The event registry: one row per webhook event type the SDK knows, with its schema (beside it, in
 * `EVENT_SCHEMAS`), the model it is, its identifying fields (what must hold for it to be delivered,
 * DESIGN §2) and its kind. Every
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

/** One row of the registry, but its schema (in {@link EVENT_SCHEMAS}, under the same type). */
export interface EventRow {
  /** The model's name, as in `models/generated/` and `beyond-spec.ts`. */
  readonly model: string;
  /** Its identifying fields. */
  readonly identifying: IdentifyingRules;
  /** What it is about. */
  readonly kind: EventKind;
}

/**
 * One row per event type the SDK knows, keyed by `type`; its schema is in {@link EVENT_SCHEMAS}.
 * The two are kept apart, in this one file, so the identifying check (which needs the rows) does not
 * pull every event schema into a bundle that reads one model: measured, `parseModel` with one schema
 * grows from 16 to 22 kB gzipped when they are one object.
 */
export const EVENT_REGISTRY = {
  auth: { model: 'AuthSuccessEvent', kind: 'lifecycle', identifying: USER_EVENT },
  auth_cancelled: { model: 'AuthErrorEvent', kind: 'lifecycle', identifying: EVENT },
  deauth: { model: 'DeauthEvent', kind: 'lifecycle', identifying: USER_EVENT },
  user_reauth: { model: 'UserReauthEvent', kind: 'lifecycle', identifying: { type: 'string', new_user: 'user' } },
  access_revoked: { model: 'AccessRevokedEvent', kind: 'lifecycle', identifying: USER_EVENT },
  connection_error: { model: 'ConnectionErrorEvent', kind: 'lifecycle', identifying: USER_EVENT },
  permission_change: { model: 'PermissionChangeEvent', kind: 'lifecycle', identifying: USER_EVENT },
  large_request_processing: { model: 'LargeRequestProcessingEvent', kind: 'large_request', identifying: USER_EVENT },
  large_request_sending: { model: 'LargeRequestSendingEvent', kind: 'large_request', identifying: USER_EVENT },
  activity: { model: 'ActivityEvent', kind: 'data', identifying: DATA_EVENT },
  athlete: { model: 'AthleteEvent', kind: 'data', identifying: { type: 'string', user: 'user', athlete: 'object' } },
  body: { model: 'BodyEvent', kind: 'data', identifying: DATA_EVENT },
  daily: { model: 'DailyEvent', kind: 'data', identifying: DATA_EVENT },
  menstruation: { model: 'MenstruationEvent', kind: 'data', identifying: DATA_EVENT },
  nutrition: { model: 'NutritionEvent', kind: 'data', identifying: DATA_EVENT },
  sleep: { model: 'SleepEvent', kind: 'data', identifying: DATA_EVENT },
  planned_workout: { model: 'PlannedWorkoutEvent', kind: 'data', identifying: DATA_EVENT },
  hormone: { model: 'HormoneEvent', kind: 'data', identifying: DATA_EVENT },
  health_observation: { model: 'HealthObservationEvent', kind: 'data', identifying: DATA_EVENT },
  'lab_report.completed': { model: 'LabReportCompletedEvent', kind: 'other', identifying: LAB_REPORT_EVENT },
  'lab_report.failed': { model: 'LabReportFailedEvent', kind: 'other', identifying: LAB_REPORT_EVENT },
  s3_payload: { model: 'S3PayloadEvent', kind: 'other', identifying: { type: 'string', url: 'id' } },
  healthcheck: { model: 'HealthcheckEvent', kind: 'other', identifying: EVENT },
  processing: { model: 'ProcessingEvent', kind: 'other', identifying: USER_EVENT },
  rate_limit_hit: { model: 'RateLimitHitEvent', kind: 'other', identifying: USER_EVENT },
  google_no_datasource: { model: 'GoogleNoDatasourceEvent', kind: 'other', identifying: USER_EVENT },
  request_processing: { model: 'RequestProcessingEvent', kind: 'other', identifying: USER_EVENT },
  request_completed: { model: 'RequestCompletedEvent', kind: 'other', identifying: USER_EVENT },
} as const satisfies Readonly<Record<string, EventRow>>;

/**
 * The schema each event type is read with, for each row of {@link EVENT_REGISTRY} and no other
 * (`auth`: the success; the older failure is picked by `status`).
 */
export const EVENT_SCHEMAS = {
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
} satisfies { readonly [T in keyof typeof EVENT_REGISTRY]: z.ZodMiniType };

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
