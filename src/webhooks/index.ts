/**
 * Terra webhooks without the HTTP client: verify deliveries (Web Crypto only, on every runtime),
 * parse every event into a typed union, dispatch events to typed listeners, and answer Terra through
 * one fetch-style core. Entry point `terra-sdk/webhooks`.
 *
 * @module terra-sdk/webhooks
 */

export { createFetchHandler, type FetchHandler } from '../adapters/fetch.js';
export {
  TerraApiError,
  TerraConfigurationError,
  TerraConnectionError,
  TerraError,
  TerraInvalidArgumentError,
  TerraValidationError,
  type TerraValidationIssue,
  TerraWebhookRequestError,
  type TerraWebhookRequestErrorCode,
  TerraWebhookVerificationError,
  type TerraWebhookVerificationErrorCode,
} from '../errors.js';
export type { DriftListener, SchemaDrift } from '../models/drift.js';
export type { AccessRevokedEvent } from '../models/generated/AccessRevokedEvent.js';
export type { ActivityEvent } from '../models/generated/ActivityEvent.js';
export type { AthleteEvent } from '../models/generated/AthleteEvent.js';
export type { AuthErrorEvent } from '../models/generated/AuthErrorEvent.js';
export type { AuthSuccessEvent } from '../models/generated/AuthSuccessEvent.js';
export type { BodyEvent } from '../models/generated/BodyEvent.js';
export type { ConnectionErrorEvent } from '../models/generated/ConnectionErrorEvent.js';
export type { DailyEvent } from '../models/generated/DailyEvent.js';
export type { DeauthEvent } from '../models/generated/DeauthEvent.js';
export type { HealthObservationEvent } from '../models/generated/HealthObservationEvent.js';
export type { HormoneEvent } from '../models/generated/HormoneEvent.js';
export type { LabReportCompletedEvent } from '../models/generated/LabReportCompletedEvent.js';
export type { LabReportFailedEvent } from '../models/generated/LabReportFailedEvent.js';
export type { LargeRequestProcessingEvent } from '../models/generated/LargeRequestProcessingEvent.js';
export type { LargeRequestSendingEvent } from '../models/generated/LargeRequestSendingEvent.js';
export type { MenstruationEvent } from '../models/generated/MenstruationEvent.js';
export type { NutritionEvent } from '../models/generated/NutritionEvent.js';
export type { PermissionChangeEvent } from '../models/generated/PermissionChangeEvent.js';
export type { PlannedWorkoutEvent } from '../models/generated/PlannedWorkoutEvent.js';
export type { S3PayloadEvent } from '../models/generated/S3PayloadEvent.js';
export type { SleepEvent } from '../models/generated/SleepEvent.js';
export type { TerraUser } from '../models/generated/TerraUser.js';
export type { UserReauthEvent } from '../models/generated/UserReauthEvent.js';
export type { RawBody } from './bytes.js';
export {
  checkTerraSignature,
  constructEvent,
  handleWebhook,
  handleWebhookRequest,
  ORDERING_TIMESTAMP_LEEWAY_MS,
  TerraWebhookResponse,
  type TerraWebhookResponseInit,
  verifyWebhook,
  type WebhookDelivery,
} from './delivery.js';
export {
  DEFAULT_BACKOFF_MS,
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_LEASE_MS,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_MAX_BACKOFF_MS,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_RETAIN_BODIES_MS,
  type DurableOptions,
  type MissingDeliveries,
} from './durable.js';
export {
  type GoogleNoDatasourceEvent,
  GoogleNoDatasourceEventSchema,
  type HealthcheckEvent,
  HealthcheckEventSchema,
  isAuthFailure,
  isKnownEventType,
  KNOWN_WEBHOOK_EVENT_TYPES,
  type KnownWebhookEventName,
  type LegacyAuthErrorEvent,
  LegacyAuthErrorEventSchema,
  type ParseEventOptions,
  type ProcessingEvent,
  ProcessingEventSchema,
  parseEvent,
  type RateLimitHitEvent,
  RateLimitHitEventSchema,
  type RequestCompletedEvent,
  RequestCompletedEventSchema,
  type RequestProcessingEvent,
  RequestProcessingEventSchema,
  type TerraWebhookEvent,
  type TerraWebhookEventName,
  type TerraWebhookEventOf,
  type UnknownWebhookEvent,
} from './events.js';
export {
  createWebhookHandler,
  DEFAULT_BODY_DEADLINE_MS,
  DEFAULT_DEADLINE_MS,
  DEFAULT_LOG_LINES_PER_MINUTE,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_BYTES_IN_FLIGHT,
  DEFAULT_MAX_DELIVERIES_IN_FLIGHT,
  DEFAULT_MAX_LATE_LISTENERS,
  type WebhookDriftContext,
  type WebhookDriftListener,
  type WebhookErrorContext,
  type WebhookErrorListener,
  type WebhookErrorPhase,
  WebhookHandler,
  type WebhookHandlerOptions,
  type WebhookListener,
} from './handler.js';
export { type HeadersLike, SIGNATURE_HEADER_NAMES, type SignatureHeaderInput } from './headers.js';
export type {
  ClaimedDelivery,
  DeliveryEffect,
  DeliveryFailure,
  DeliveryQueue,
  DeliveryToRecord,
  DurableErrorContext,
  DurableHost,
  DurableOutcome,
  DurableSettings,
  DurableWebhookStore,
  DurableWorker,
} from './queue.js';
export { OVERLOADED_RETRY_AFTER_SECONDS, type WaitUntil } from './receive.js';
export { DEFAULT_S3_TIMEOUT_MS, type FetchS3PayloadOptions, fetchS3Payload } from './s3.js';
export { type SignedWebhook, type SignOptions, type SignWebhookOptions, signPayload, signWebhook } from './sign.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  type VerifiedSignature,
  type VerifyOptions,
  verifySignature,
  type WebhookSecret,
} from './signature/verify.js';
export type { WebhookStore, WebhookStoreResult } from './store.js';
