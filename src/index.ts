/**
 * terra-sdk: the typed TypeScript SDK for the Terra health-data API.
 *
 * @module terra-sdk
 */

export { DEFAULT_BASE_URL, Terra, type TerraOptions, type TerraSummary } from './client.js';
export * from './errors.js';
export type { UserRef } from './internal/arguments.js';
export type { RequestOptions } from './internal/http.js';
export { MAX_REDIRECTS } from './internal/redirects.js';
export * from './models/index.js';
export {
  Auth,
  type AuthenticationUrlOptions,
  type DetailedProvidersResponse,
  type WidgetSessionOptions,
} from './resources/auth.js';
export {
  type Backfill,
  type BackfillDataType,
  type BackfillOptions,
  type BackfillProgress,
  type BackfillRequest,
  type BackfillResult,
  type BackfillStore,
  TerraBackfillTimeoutError,
} from './resources/backfill.js';
export type { AthleteRequestOptions, DataRequestOptions, RangeDataModels, RangeRead } from './resources/data.js';
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
export type { TerraRequest } from './resources/requests.js';
export { StreamingResource, type StreamingResourceInit, type StreamToken } from './resources/streaming.js';
export { type ListUsersPageOptions, Users } from './resources/users.js';
export type { WebhookVerifyOptions } from './resources/webhooks.js';
export { type PlanWorkoutOptions, Workouts } from './resources/workouts.js';
export { Writes } from './resources/writes.js';
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
  type RangeDataType,
  type RateLimitInfo,
  type RequestProcessing,
  type SentToWebhook,
  TERRA_DATA_TYPES,
  TerraApiResponse,
  type TerraDataType,
  type TerraResponseType,
  type WebhookDataResult,
  type WebhookRequest,
  type WorkoutDeleteResult,
} from './response.js';
export * from './streaming/index.js';
export {
  type BoundSubscribedUsers,
  type BoundSubscribedUsersPage,
  type ModifyUserOptions,
  type ModifyUserResult,
  type RangeReadForUser,
  type RangeReadOfUser,
  User,
  type UserDataReads,
  type UserDataSource,
  type UserRangeReads,
} from './user.js';
export * from './webhooks/index.js';
