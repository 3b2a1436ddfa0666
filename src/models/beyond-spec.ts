/**
 * Models of the calls Terra serves but its OpenAPI description leaves out (terra-api-facts §2.7):
 * changing a user (`PATCH /users/{user_id}`) and the data writes and deletes (`POST /activity`,
 * `DELETE /body`, ...). Their shapes come from the request and answer types of Terra's own generated
 * SDKs; written by hand here, since the generator reads only the spec. Loose, like every model:
 * fields Terra adds are kept.
 *
 * And the webhook events Terra sends that its spec leaves out (`healthcheck`, `processing`,
 * `rate_limit_hit`, `google_no_datasource`), the older shape of a failed `auth`, and terra-python's
 * `request_processing` and `request_completed`: here, below the event registry that lists them, and
 * exported from `terra-sdk/webhooks`.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { type TerraUser, TerraUserSchema } from './generated/TerraUser.js';
import { lazySchema, ref } from './lazy.js';

/**
 * Terra's answer to a change of a user's `reference_id` or `active` flag (`PATCH /users/{user_id}`):
 * the user as it is now. Not in Terra's OpenAPI description; the shape is that of Terra's own SDKs.
 * @category Users
 */
export interface ModifyUserResponse {
  /** The user after the change. */
  user?: TerraUser | undefined;
  /** `success` when the change was made. */
  status?: 'success' | (string & {}) | undefined;
}

/**
 * Zod schema for {@link ModifyUserResponse}, built on first use.
 * @category Users
 */
export const ModifyUserResponseSchema: z.ZodMiniType<ModifyUserResponse> = /* @__PURE__ */ lazySchema(
  'ModifyUserResponse',
  () => z.looseObject({ user: z.optional(ref(TerraUserSchema)), status: z.optional(z.string()) }),
);

/**
 * Terra's answer to a data write (`POST /activity`, `POST /body`, `POST /nutrition`). Not in Terra's
 * OpenAPI description; the shape is that of Terra's own SDKs.
 * @category Requests
 */
export interface WriteDataResponse {
  /** The connection the data was written for, when Terra says. */
  user?: TerraUser | undefined;
  /** The provider's ids of the records written, in the order they were sent; pass them to a delete. */
  log_ids?: string[] | undefined;
  /** Terra's explanation, for people. */
  message?: string | undefined;
}

/**
 * Zod schema for {@link WriteDataResponse}, built on first use.
 * @category Requests
 */
export const WriteDataResponseSchema: z.ZodMiniType<WriteDataResponse> = /* @__PURE__ */ lazySchema(
  'WriteDataResponse',
  () =>
    z.looseObject({
      user: z.optional(ref(TerraUserSchema)),
      log_ids: z.optional(z.array(z.string())),
      message: z.optional(z.string()),
    }),
);

/**
 * What happened to one record of a data delete: its id and the provider's HTTP status for it.
 * @category Requests
 */
export interface DeletedRecord {
  /** The id of the record, as sent. */
  id?: string | undefined;
  /** The provider's status for this record (200 or 204 when it was deleted). */
  response_code?: number | undefined;
}

/**
 * Zod schema for {@link DeletedRecord}, built on first use.
 * @category Requests
 */
export const DeletedRecordSchema: z.ZodMiniType<DeletedRecord> = /* @__PURE__ */ lazySchema('DeletedRecord', () =>
  z.looseObject({ id: z.optional(z.string()), response_code: z.optional(z.number()) }),
);

/**
 * Terra's answer to a data delete (`DELETE /body`, `DELETE /nutrition`): the outcome of each record.
 * Not in Terra's OpenAPI description; the shape is that of Terra's own SDKs.
 * @category Requests
 */
export interface DeleteDataResponse {
  /** The connection the records belonged to. */
  user?: TerraUser | undefined;
  /** One entry per id sent: check each `response_code`, a delete can succeed for some ids only. */
  processed_data?: DeletedRecord[] | undefined;
}

/**
 * Zod schema for {@link DeleteDataResponse}, built on first use.
 * @category Requests
 */
export const DeleteDataResponseSchema: z.ZodMiniType<DeleteDataResponse> = /* @__PURE__ */ lazySchema(
  'DeleteDataResponse',
  () =>
    z.looseObject({
      user: z.optional(ref(TerraUserSchema)),
      processed_data: z.optional(z.array(ref(DeletedRecordSchema))),
    }),
);

/**
 * A failed authentication in the older shape: `type: "auth"` with `status: "error"`, where newer
 * deliveries send `type: "auth_cancelled"` (`AuthErrorEvent`). Tell it from a success by
 * `status`, or use `isAuthFailure` (`terra-sdk/webhooks`) for both failure shapes.
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
