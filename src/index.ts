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
  type TerraSummary,
  type WebhookVerifyOptions,
  type WidgetSessionOptions,
} from './client.js';
export * from './errors.js';
export type { RequestOptions } from './internal/http.js';
export * from './models/index.js';
export {
  type DataResult,
  type DataResultFor,
  type DataReturned,
  type DefaultRequest,
  type InlineDataResult,
  type InlineRequest,
  type NoDataReturned,
  type RateLimitInfo,
  type RequestProcessing,
  type SentToWebhook,
  TerraApiResponse,
  type TerraDataType,
  type TerraResponseType,
  type WebhookDataResult,
  type WebhookRequest,
} from './response.js';
export { type AthleteRequestOptions, type DataRequestOptions, User } from './user.js';
export * from './webhooks/index.js';
