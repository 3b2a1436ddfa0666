/**
 * terra-sdk: the typed TypeScript SDK for the Terra health-data API.
 *
 * @module terra-sdk
 */
export {
  type Backfill,
  type BackfillDataType,
  type BackfillOptions,
  type BackfillProgress,
  type BackfillRequest,
  type BackfillResult,
  type BackfillStore,
  TerraBackfillTimeoutError,
} from './backfill.js';
export {
  type AuthenticationUrlOptions,
  DEFAULT_BASE_URL,
  type DetailedProvidersResponse,
  type ListUsersPageOptions,
  Terra,
  type TerraOptions,
  type TerraRequest,
  type TerraSummary,
  type WebhookVerifyOptions,
  type WidgetSessionOptions,
} from './client.js';
export * from './errors.js';
export type { RequestOptions } from './internal/http.js';
export * from './models/index.js';
export {
  LAB_REPORT_MAX_BYTES,
  LAB_REPORT_MIN_POLL_INTERVAL_MS,
  LAB_REPORT_TERMINAL_STATUSES,
  type LabReportListFilters,
  LabReports,
  type LabReportUploadOptions,
  type UploadFile,
  type WaitForResultOptions,
} from './resources/lab-reports.js';
export { type PlannedWorkoutListOptions, PlannedWorkouts } from './resources/planned-workouts.js';
export { StreamingResource, type StreamingResourceInit, type StreamToken } from './resources/streaming.js';
export { type PlanWorkoutOptions, Workouts } from './resources/workouts.js';
export {
  type DataResult,
  type DataResultFor,
  type DataReturned,
  type DefaultRequest,
  type Deleted,
  type InlineDataResult,
  type InlineRequest,
  type NoDataReturned,
  type PartlyDeleted,
  type RateLimitInfo,
  type RequestProcessing,
  type SentToWebhook,
  TerraApiResponse,
  type TerraDataType,
  type TerraResponseType,
  type WebhookDataResult,
  type WebhookRequest,
  type WorkoutDeleteResult,
} from './response.js';
export * from './streaming/index.js';
export {
  type AthleteRequestOptions,
  type BoundSubscribedUsers,
  type BoundSubscribedUsersPage,
  type DataRequestOptions,
  type ModifyUserOptions,
  type ModifyUserResult,
  User,
} from './user.js';
export * from './webhooks/index.js';
