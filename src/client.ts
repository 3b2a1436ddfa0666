/**
 * The Terra API client: the table of contents of the API. Each area is a resource in
 * `src/resources/` holding its calls, options and checks; `Terra` constructs them and keeps
 * terra-python's method names as one-line delegates. Options resolve in `client-options.ts`.
 *
 * @packageDocumentation
 */
import type * as z from 'zod/mini';
import { resolveTerraOptions, type TerraOptions, type TerraSummary } from './client-options.js';
import { Caller } from './internal/caller.js';
import { DEFAULT_BASE_URL } from './internal/constants.js';
import { HttpClient, type RequestOptions } from './internal/http.js';
import type * as Model from './models/index.js';
import { Auth, type AuthenticationUrlOptions, type WidgetSessionOptions } from './resources/auth.js';
import { type Backfill, type BackfillOptions, runBackfill } from './resources/backfill.js';
import { type AthleteRequestOptions, addRangeReads, DataReads } from './resources/data.js';
import { LabReports } from './resources/lab-reports.js';
import { PlannedWorkouts } from './resources/planned-workouts.js';
import { sendRawRequest, type TerraRequest } from './resources/requests.js';
import { StreamingResource } from './resources/streaming.js';
import { type ListUsersPageOptions, Users } from './resources/users.js';
import { WebhookChecks, type WebhookVerifyOptions } from './resources/webhooks.js';
import { Workouts } from './resources/workouts.js';
import { Writes } from './resources/writes.js';
import type { DataResultFor, TerraApiResponse } from './response.js';
import type {
  BoundSubscribedUsers,
  BoundSubscribedUsersPage,
  ModifyUserOptions,
  User,
  UserDataSource,
  UserRangeReads,
} from './user.js';
import type { RawBody } from './webhooks/bytes.js';
import type { TerraWebhookResponse } from './webhooks/delivery.js';
import type { SignatureHeaderInput } from './webhooks/signature/verify.js';

export type { TerraOptions, TerraSummary };
export { DEFAULT_BASE_URL };

/** The client's date-range reads, one per data type (added to the class from that one list). */
export interface Terra extends UserRangeReads {}

/**
 * The Terra API client. Every area of the API is a namespace (`terra.users`, `terra.auth`,
 * `terra.writes`, `terra.workouts`, `terra.plannedWorkouts`, `terra.labReports`); terra-python's
 * names (`getUserInfo`, `generateWidgetSession`, `getActivityForUser`, ...) are methods of the client.
 *
 * @example
 * ```ts
 * import { Terra } from 'terra-sdk';
 * const terra = new Terra(); // TERRA_API_KEY, TERRA_DEV_ID from the environment
 * const session = await terra.generateWidgetSession({ referenceId: 'user-123' });
 * console.log(session.getParsedResponse().url);
 * ```
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: see the interface above.
export class Terra implements UserDataSource {
  /** The API's base URL. */
  readonly baseUrl: string;
  /** Time limit of each attempt, in milliseconds. */
  readonly timeoutMs: number;
  /** @deprecated Use {@link Terra.timeoutMs}; removed in 0.3. */
  readonly timeout: number;
  /** Retries of a failed GET or DELETE. */
  readonly maxRetries: number;
  /** Your users: look up, list, change, disconnect. See {@link Users}. */
  readonly users: Users;
  /** Connecting people: providers, authentication links, widget sessions, mobile-SDK tokens. See {@link Auth}. */
  readonly auth: Auth;
  /** Writing records to a provider account and deleting them. See {@link Writes}. */
  readonly writes: Writes;
  /** Workout templates, and planning them onto a user's calendar. See {@link Workouts}. */
  readonly workouts: Workouts;
  /** The workouts on a user's calendar: list, get, reschedule, delete. See {@link PlannedWorkouts}. */
  readonly plannedWorkouts: PlannedWorkouts;
  /** Lab reports: upload, follow the processing, read the results. See {@link LabReports}. */
  readonly labReports: LabReports;
  /** Terra's real-time stream: tokens, the consumer stream, the producer. See {@link StreamingResource}. */
  readonly streaming: StreamingResource;
  readonly #caller: Caller;
  readonly #data: DataReads;
  readonly #webhooks: WebhookChecks;

  /**
   * @throws {@link TerraConfigurationError} when a credential is missing (naming the option and its
   * environment variable) or an option is invalid.
   */
  constructor(options: TerraOptions = {}) {
    const resolved = resolveTerraOptions(options);
    this.baseUrl = resolved.baseUrl;
    this.timeoutMs = this.timeout = resolved.timeout;
    this.maxRetries = resolved.maxRetries;
    const { apiKey, devId, baseUrl, timeout, maxRetries, fetch } = resolved;
    this.#caller = new Caller(new HttpClient({ apiKey, devId, baseUrl, timeout, maxRetries, fetch }));
    this.#data = new DataReads(this.#caller);
    this.#webhooks = new WebhookChecks(resolved.secrets);
    this.users = new Users(this.#caller, this);
    this.auth = new Auth(this.#caller);
    this.writes = new Writes(this.#caller);
    this.workouts = new Workouts(this.#caller);
    this.plannedWorkouts = new PlannedWorkouts(this.#caller);
    this.labReports = new LabReports(this.#caller);
    const streamingBaseUrl = resolved.streamingBaseUrl;
    const tokens = new HttpClient({ apiKey, devId, baseUrl: streamingBaseUrl, timeout, maxRetries, fetch });
    this.streaming = new StreamingResource({ caller: new Caller(tokens), streamingBaseUrl });
  }

  // Integrations and connecting users (terra.auth)
  /** {@inheritDoc Auth.listProviders} */
  listProviders(request?: RequestOptions): Promise<TerraApiResponse<Model.ProvidersResponse>> {
    return this.auth.listProviders(request);
  }
  /** {@inheritDoc Auth.listProvidersDetailed} */
  listProvidersDetailed(options: { sdk?: boolean | undefined } = {}, request?: RequestOptions) {
    return this.auth.listProvidersDetailed(options, request);
  }
  /** {@inheritDoc Auth.generateAuthenticationUrl} */
  generateAuthenticationUrl(options: AuthenticationUrlOptions, request?: RequestOptions) {
    return this.auth.generateAuthenticationUrl(options, request) as Promise<TerraApiResponse<Model.UserAuthUrl>>;
  }
  /** {@inheritDoc Auth.generateWidgetSession} */
  generateWidgetSession(options?: WidgetSessionOptions, request?: RequestOptions) {
    return this.auth.generateWidgetSession(options, request) as Promise<TerraApiResponse<Model.WidgetSession>>;
  }
  /** {@inheritDoc Auth.generateAuthToken} */
  generateAuthToken(request?: RequestOptions): Promise<TerraApiResponse<Model.AuthToken>> {
    return this.auth.generateAuthToken(request);
  }

  // Users (terra.users)
  /** {@inheritDoc Users.deauthenticateUser} */
  deauthenticateUser(user: User | string, request?: RequestOptions): Promise<TerraApiResponse<Model.UserDeauthResp>> {
    return this.users.deauthenticateUser(user, request);
  }
  /** {@inheritDoc Users.getUserInfo} */
  getUserInfo(user: User | string, request?: RequestOptions): Promise<TerraApiResponse<Model.UserInfo>> {
    return this.users.getUserInfo(user, request);
  }
  /** {@inheritDoc Users.getUsersByReferenceId} */
  getUsersByReferenceId(referenceId: string, request?: RequestOptions): Promise<TerraApiResponse<User[]>> {
    return this.users.getUsersByReferenceId(referenceId, request);
  }
  /** {@inheritDoc Users.getUsersInfo} */
  getUsersInfo(userIds: readonly string[], request?: RequestOptions): Promise<TerraApiResponse<User[]>> {
    return this.users.getUsersInfo(userIds, request);
  }
  /** {@inheritDoc Users.listUsers} */
  listUsers(options?: undefined, request?: RequestOptions): Promise<TerraApiResponse<BoundSubscribedUsers>>;
  listUsers(
    options: ListUsersPageOptions,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<BoundSubscribedUsersPage>>;
  listUsers(options?: ListUsersPageOptions, request?: RequestOptions) {
    return this.users.listUsers(options as ListUsersPageOptions, request);
  }
  /** {@inheritDoc Users.iterateUsers} */
  iterateUsers(options?: { perPage?: number | undefined }, request?: RequestOptions): AsyncGenerator<User, void> {
    return this.users.iterateUsers(options, request);
  }
  /** {@inheritDoc Users.fromUserId} */
  fromUserId(userId: string, request?: RequestOptions): Promise<User> {
    return this.users.fromUserId(userId, request);
  }
  /** {@inheritDoc Users.modifyUser} */
  modifyUser(user: User | string, options: ModifyUserOptions, request?: RequestOptions) {
    return this.users.modifyUser(user, options, request);
  }

  // Data: getActivityForUser, getBodyForUser, getDailyForUser, getSleepForUser, getNutritionForUser and
  // getMenstruationForUser (see UserRangeReads) are added from the one list of data types.
  static {
    addRangeReads(
      Terra.prototype,
      (name) => `get${name}ForUser`,
      function (type, _name, user, options, request) {
        return this.#data.range(type, user, options, request);
      },
    );
  }

  /** The user's profile: name, birth date, sex, ... (`GET /athlete`); with `toWebhook: false`, `data` holds it. */
  getAthleteForUser<const O extends AthleteRequestOptions = Record<never, never>>(
    user: User | string,
    options?: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Model.Athlete>>> {
    return this.#data.athlete(user, options, request);
  }

  /**
   * Requests a user's history from `from` to `to` (exclusive) to your webhook, in pieces that keep
   * Terra's rules (a month or `chunkDays` per request and type; rules r1 and r2, paced by the
   * rate-limit headers). Resolves once Terra accepted every request; with a `store` (the one your
   * receivers write to), `done` resolves when every chunk arrived. See {@link BackfillOptions}.
   *
   * @example
   * ```ts
   * const backfill = await terra.backfill(userId, { from: '2024-01-01', types: ['activity', 'sleep'], store });
   * await backfill.done; // every chunk arrived, whichever receiver got it
   * ```
   * @throws {@link TerraInvalidArgumentError} for bad options; a request's errors (`TerraRateLimitError` after
   *   `maxRateLimitWaits` waits); `TerraAbortError` on `signal`; `TerraStoreError` when the store fails.
   */
  async backfill(user: User | string, options: BackfillOptions): Promise<Backfill> {
    return runBackfill(this.#data, user, options);
  }

  // Writing and deleting data (terra.writes)
  /** {@inheritDoc Writes.postActivity} */
  postActivity(activities: readonly Model.Activity[], request?: RequestOptions) {
    return this.writes.postActivity(activities, request);
  }
  /** {@inheritDoc Writes.postBody} */
  postBody(bodies: readonly Model.Body[], request?: RequestOptions) {
    return this.writes.postBody(bodies, request);
  }
  /** {@inheritDoc Writes.postNutrition} */
  postNutrition(meals: readonly Model.Nutrition[], request?: RequestOptions) {
    return this.writes.postNutrition(meals, request);
  }
  /** {@inheritDoc Writes.deleteBody} */
  deleteBody(user: User | string, logIds: readonly string[], request?: RequestOptions) {
    return this.writes.deleteBody(user, logIds, request) as Promise<TerraApiResponse<Model.DeleteDataResponse>>;
  }
  /** {@inheritDoc Writes.deleteNutrition} */
  deleteNutrition(user: User | string, ids: readonly string[], request?: RequestOptions) {
    return this.writes.deleteNutrition(user, ids, request) as Promise<TerraApiResponse<Model.DeleteDataResponse>>;
  }

  // Webhooks
  /**
   * terra-python's `handle_webhook`: {@link verifyWebhook} with the client's `secret`. Pass a Web
   * `Request`, or the raw body as received (a string or bytes, never parsed JSON) and the
   * `terra-signature` header or the request's headers (then the response carries `traceId`,
   * `reference` and `orderingTimestamp`). Example: `(await terra.handleWebhook(request)).getParsedResponse()`.
   *
   * @throws {@link TerraWebhookVerificationError} (answer 401) when the delivery is not Terra's, the
   * secret is missing, or the body is not the raw body.
   */
  handleWebhook(request: Request, options?: WebhookVerifyOptions): Promise<TerraWebhookResponse>;
  handleWebhook(
    rawBody: RawBody,
    signature: SignatureHeaderInput,
    options?: WebhookVerifyOptions,
  ): Promise<TerraWebhookResponse>;
  handleWebhook(
    body: Request | RawBody,
    signatureOrOptions?: SignatureHeaderInput | WebhookVerifyOptions,
    options?: WebhookVerifyOptions,
  ): Promise<TerraWebhookResponse> {
    return this.#webhooks.handle(body, signatureOrOptions, options);
  }

  /**
   * Whether a delivery carries a valid Terra signature for the client's `secret` (terra-python's
   * `check_terra_signature`).
   *
   * @throws {@link TerraWebhookVerificationError} when no secret is configured or the body given is not
   * the raw body: those are setup mistakes, not forged deliveries.
   */
  checkTerraSignature(rawBody: RawBody, signature: SignatureHeaderInput, options?: WebhookVerifyOptions) {
    return this.#webhooks.check(rawBody, signature, options);
  }

  /**
   * Calls any path of Terra's API, for what this version has no method for (a parameter in beta). The
   * call gets what every method gets: the credentials, the retry rules (GET and DELETE only), time
   * limits, typed errors and a {@link TerraApiResponse}; with `schema`, the answer is validated and typed.
   * Example: `await terra.request({ method: 'POST', path: '/lab-reports/ID/reprocess', schema })`.
   * @throws {@link TerraInvalidArgumentError} for a path that is not below the base URL (absolute, with
   *   `..`, a query or a fragment: pass `query` instead), or a body on a GET.
   */
  request<T>(
    options: TerraRequest<T> & { schema: z.core.$ZodType<T> },
    request?: RequestOptions,
  ): Promise<TerraApiResponse<T>>;
  request(options: TerraRequest, request?: RequestOptions): Promise<TerraApiResponse<unknown>>;
  request<T>(options: TerraRequest<T>, request?: RequestOptions): Promise<TerraApiResponse<T | unknown>> {
    return sendRawRequest(this.#caller, options, request);
  }

  /** A summary without credentials, for logs. */
  toJSON(): TerraSummary {
    return { baseUrl: this.baseUrl, timeout: this.timeout, maxRetries: this.maxRetries };
  }

  /** A summary without credentials. */
  toString(): string {
    return `Terra { baseUrl: ${this.baseUrl} }`;
  }

  /** What `util.inspect` and `console.log` show: no credentials. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Terra ${JSON.stringify(this.toJSON())}`;
  }
}
