/**
 * The Terra API client: one method per call of Terra's API. Options resolve in `client-options.ts`,
 * arguments are checked in `internal/arguments.ts`, requests go through `internal/http.ts`, and data
 * responses are told apart in `internal/data-response.ts`.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { type Backfill, type BackfillOptions, runBackfill } from './backfill.js';
import { resolveTerraOptions, type TerraOptions } from './client-options.js';
import { TerraInvalidArgumentError, TerraNotFoundError } from './errors.js';
import {
  athleteOptions,
  authenticationUrlOptions,
  dataOptions,
  definedFields,
  iterateUsersOptions,
  listUsersOptions,
  modelListArgument,
  modifyUserOptions,
  providersDetailedOptions,
  rawRequestOptions,
  userIdList,
  userIdOf,
  widgetSessionOptions,
} from './internal/arguments.js';
import { type Answer, Caller, type CallOptions, type Parse } from './internal/caller.js';
import { DEFAULT_BASE_URL } from './internal/constants.js';
import { parseDataResponse } from './internal/data-response.js';
import { HttpClient, type HttpRequest, type RequestOptions } from './internal/http.js';
import { optionsOf, parseArguments, text } from './internal/options.js';
import { isWebRequest } from './internal/web-request.js';
import {
  type Activity,
  ActivitySchema,
  type Athlete,
  type AuthToken,
  AuthTokenSchema,
  type Body,
  BodySchema,
  type Daily,
  type DeleteDataResponse,
  DeleteDataResponseSchema,
  type IntegrationsResponse,
  IntegrationsResponseSchema,
  type Menstruation,
  type ModifyUserResponse,
  ModifyUserResponseSchema,
  type Nutrition,
  NutritionSchema,
  type ProvidersResponse,
  ProvidersResponseSchema,
  type Sleep,
  SubscribedUsersPageSchema,
  SubscribedUsersSchema,
  type TerraUser,
  type UserAuthUrl,
  UserAuthUrlSchema,
  type UserDeauthResp,
  UserDeauthRespSchema,
  type UserInfo,
  UserInfoSchema,
  UsersResponseSchema,
  type WidgetSession,
  WidgetSessionSchema,
  type WriteDataResponse,
  WriteDataResponseSchema,
} from './models/index.js';
import { parseStrict } from './models/parse.js';
import { LabReports } from './resources/lab-reports.js';
import { PlannedWorkouts } from './resources/planned-workouts.js';
import { StreamingResource } from './resources/streaming.js';
import { Workouts } from './resources/workouts.js';
import type { DataResultFor, TerraApiResponse, TerraDataType, TerraResponseType } from './response.js';
import {
  type AthleteRequestOptions,
  type BoundSubscribedUsers,
  type BoundSubscribedUsersPage,
  type DataRequestOptions,
  type ModifyUserOptions,
  type ModifyUserResult,
  User,
} from './user.js';
import type { RawBody } from './webhooks/bytes.js';
import { checkTerraSignature, type TerraWebhookResponse, verifyWebhook } from './webhooks/delivery.js';
import { type SignatureHeaderInput, type VerifyOptions, verifySettingsShape } from './webhooks/signature.js';

export type { TerraOptions };
export { DEFAULT_BASE_URL };

/** Options of {@link Terra.generateAuthenticationUrl}. */
export interface AuthenticationUrlOptions {
  /** The provider to connect, as Terra names it (`FITBIT`, `GARMIN`, `OURA`, ...). */
  resource: string;
  /** Your id for the person connecting; Terra returns it on the user and in every event. */
  referenceId?: string | undefined;
  /** Where to send the person after a successful connection. */
  authSuccessRedirectUrl?: string | undefined;
  /** Where to send the person if the connection fails. */
  authFailureRedirectUrl?: string | undefined;
  /** Language of Terra's pages (`en`, `fr`, ...). */
  language?: string | undefined;
}

/** Options of {@link Terra.generateWidgetSession}. */
export interface WidgetSessionOptions {
  /** Providers to offer; default: those enabled on your dashboard. */
  providers?: readonly string[] | undefined;
  /** Your id for the person connecting. */
  referenceId?: string | undefined;
  /** Where to send the person after a successful connection. */
  authSuccessRedirectUrl?: string | undefined;
  /** Where to send the person if the connection fails. */
  authFailureRedirectUrl?: string | undefined;
  /** Language of the widget (`en`, `fr`, ...). */
  language?: string | undefined;
}

/** Options of {@link Terra.listUsers} with paging. */
export interface ListUsersPageOptions {
  /** The page, from 0. */
  page: number;
  /** Users per page (Terra's default is 500). */
  perPage?: number | undefined;
}

/** Options of {@link Terra.handleWebhook} and {@link Terra.checkTerraSignature}; the secret is the client's. */
export type WebhookVerifyOptions = Omit<VerifyOptions, 'secret'>;

/** What `JSON.stringify(terra)` shows: the settings, never the credentials. */
export interface TerraSummary {
  /** The API's base URL. */
  baseUrl: string;
  /** Time limit of each attempt, in milliseconds. */
  timeout: number;
  /** Retries of a failed GET or DELETE. */
  maxRetries: number;
}

/** Terra's name for the integrations response with details. */
export type DetailedProvidersResponse = IntegrationsResponse;

/**
 * A request to any path of Terra's API, for {@link Terra.request}: calls this version of the SDK has
 * no method for.
 *
 * @typeParam T - what the answer is validated as, when `schema` is given.
 */
export interface TerraRequest<T = unknown> {
  /** The HTTP method, upper case. */
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The path below the base URL, starting with `/` (`/lab-reports/123/reprocess`). Encode ids in it. */
  path: string;
  /** Query parameters; `undefined` values are left out, booleans sent as `true`/`false`. */
  query?: Readonly<Record<string, string | number | boolean | undefined>> | undefined;
  /** A JSON body (not for GET). */
  body?: unknown;
  /**
   * A zod schema (from `zod` or `zod/mini`, such as the SDK's `LabReportSessionSchema`) to validate
   * the answer with; without it, `getParsedResponse()` is the JSON as received.
   */
  schema?: z.core.$ZodType<T> | undefined;
}

/**
 * The Terra API client.
 *
 * @example
 * ```ts
 * import { Terra } from 'terra-sdk';
 * const terra = new Terra(); // TERRA_API_KEY, TERRA_DEV_ID from the environment
 * const session = await terra.generateWidgetSession({ referenceId: 'user-123' });
 * console.log(session.getParsedResponse().url);
 * ```
 */
export class Terra {
  /** The API's base URL. */
  readonly baseUrl: string;
  /** Time limit of each attempt, in milliseconds. */
  readonly timeout: number;
  /** Retries of a failed GET or DELETE. */
  readonly maxRetries: number;
  /** Workout templates, and planning them onto a user's calendar. See {@link Workouts}. */
  readonly workouts: Workouts;
  /** The workouts on a user's calendar: list, get, reschedule, delete. See {@link PlannedWorkouts}. */
  readonly plannedWorkouts: PlannedWorkouts;
  /** Lab reports: upload, follow the processing, read the results. See {@link LabReports}. */
  readonly labReports: LabReports;
  /** Terra's real-time stream: tokens, the consumer stream, the producer. See {@link StreamingResource}. */
  readonly streaming: StreamingResource;
  readonly #caller: Caller;
  readonly #secrets: readonly string[] | undefined;

  /**
   * @throws {@link TerraConfigurationError} when a credential is missing (naming the option and its
   * environment variable) or an option is invalid.
   */
  constructor(options: TerraOptions = {}) {
    const resolved = resolveTerraOptions(options);
    this.baseUrl = resolved.baseUrl;
    this.timeout = resolved.timeout;
    this.maxRetries = resolved.maxRetries;
    this.#secrets = resolved.secrets;
    const { apiKey, devId, baseUrl, timeout, maxRetries, fetch } = resolved;
    this.#caller = new Caller(new HttpClient({ apiKey, devId, baseUrl, timeout, maxRetries, fetch }));
    this.workouts = new Workouts(this.#caller);
    this.plannedWorkouts = new PlannedWorkouts(this.#caller);
    this.labReports = new LabReports(this.#caller);
    const { streamingBaseUrl } = resolved;
    this.streaming = new StreamingResource({
      caller: new Caller(new HttpClient({ apiKey, devId, baseUrl: streamingBaseUrl, timeout, maxRetries, fetch })),
      streamingBaseUrl,
    });
  }

  // ----------------------------------------------------------------------------------------------
  // Integrations

  /** The providers Terra supports (`GET /integrations`). */
  async listProviders(request?: RequestOptions): Promise<TerraApiResponse<ProvidersResponse>> {
    return this.#call(
      'providers',
      { method: 'GET', path: '/integrations', apiKey: false },
      request,
      ProvidersResponseSchema,
    );
  }

  /**
   * The providers with details: name, icon, setup, whether enabled for you, and which data types
   * each offers (`GET /integrations/detailed`).
   *
   * @param options.sdk include providers reached through Terra's mobile SDKs (Apple Health, ...).
   */
  async listProvidersDetailed(
    options: { sdk?: boolean | undefined } = {},
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DetailedProvidersResponse>> {
    const { sdk } = parseArguments(providersDetailedOptions, options, 'listProvidersDetailed options');
    return this.#call(
      'providers_detailed',
      { method: 'GET', path: '/integrations/detailed', query: { sdk: sdk?.toString() }, apiKey: false },
      request,
      IntegrationsResponseSchema,
    );
  }

  // ----------------------------------------------------------------------------------------------
  // Connecting users

  /**
   * A link that connects one provider directly, without Terra's widget
   * (`POST /auth/authenticateUser`). Redirect the person to `auth_url`. The `user_id` returned is
   * the connection's id once the person completes the flow (an `auth` event confirms it).
   */
  async generateAuthenticationUrl(
    options: AuthenticationUrlOptions,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<UserAuthUrl>> {
    const { resource, ...given } = parseArguments(
      authenticationUrlOptions,
      options,
      'generateAuthenticationUrl options',
    );
    return this.#call(
      'auth_url',
      { method: 'POST', path: '/auth/authenticateUser', query: { resource }, body: connectionBody(given) },
      request,
      UserAuthUrlSchema,
    );
  }

  /**
   * A session of Terra's hosted widget, where the person picks a provider and connects it
   * (`POST /auth/generateWidgetSession`). Redirect them to `url`; it expires after `expires_in` seconds.
   */
  async generateWidgetSession(
    options: WidgetSessionOptions = {},
    request?: RequestOptions,
  ): Promise<TerraApiResponse<WidgetSession>> {
    const { providers, ...given } = parseArguments(widgetSessionOptions, options, 'generateWidgetSession options');
    const body = { ...(providers === undefined ? {} : { providers }), ...connectionBody(given) };
    return this.#call(
      'widget_session',
      { method: 'POST', path: '/auth/generateWidgetSession', body },
      request,
      WidgetSessionSchema,
    );
  }

  /**
   * A short-lived token for Terra's mobile SDKs (`initConnection`), to connect Apple Health, Samsung
   * Health and the like (`POST /auth/generateAuthToken`). Create it on your server and hand it to
   * the app; never ship your API key in an app.
   */
  async generateAuthToken(request?: RequestOptions): Promise<TerraApiResponse<AuthToken>> {
    return this.#call('auth_token', { method: 'POST', path: '/auth/generateAuthToken' }, request, AuthTokenSchema);
  }

  /**
   * Disconnects a user and deletes every record Terra holds for it (`DELETE /auth/deauthenticateUser`).
   * A `deauth` event follows.
   */
  async deauthenticateUser(user: User | string, request?: RequestOptions): Promise<TerraApiResponse<UserDeauthResp>> {
    const query = { user_id: userIdOf(user) };
    return this.#call(
      'deauth',
      { method: 'DELETE', path: '/auth/deauthenticateUser', query },
      request,
      UserDeauthRespSchema,
    );
  }

  // ----------------------------------------------------------------------------------------------
  // Users

  /** One user's record, with Terra's polling times (`GET /userInfo?user_id=`). */
  async getUserInfo(user: User | string, request?: RequestOptions): Promise<TerraApiResponse<UserInfo>> {
    const query = { user_id: userIdOf(user) };
    return this.#call('user_info', { method: 'GET', path: '/userInfo', query }, request, UserInfoSchema, {
      notFoundInBody: true,
    });
  }

  /**
   * Every connection made under one of your ids: one person with several providers, or several
   * accounts (`GET /userInfo?reference_id=`). Check each one's `active` flag.
   */
  async getUsersByReferenceId(referenceId: string, request?: RequestOptions): Promise<TerraApiResponse<User[]>> {
    const query = { reference_id: parseArguments(text('referenceId'), referenceId, 'referenceId') };
    return this.#call('users', { method: 'GET', path: '/userInfo', query }, request, this.#users(UsersResponseSchema), {
      prepare: unwrapUsers,
    });
  }

  /**
   * The records of several users at once (`POST /bulkUserInfo`), each a {@link User} bound to this
   * client.
   */
  async getUsersInfo(userIds: readonly string[], request?: RequestOptions): Promise<TerraApiResponse<User[]>> {
    const body = parseArguments(userIdList, userIds, 'userIds');
    return this.#call(
      'users',
      { method: 'POST', path: '/bulkUserInfo', body },
      request,
      this.#users(UsersResponseSchema),
    );
  }

  /**
   * Your users (`GET /subscriptions`), each a {@link User} bound to this client (as terra-python's
   * `list_users`; `getJson()` keeps the records as sent). Without options, every user in one
   * response (`users`); with `page`, one page (`data.results`, and `data.next`, the next page or
   * `null`). To walk every page, use {@link Terra.iterateUsers}.
   */
  listUsers(options?: undefined, request?: RequestOptions): Promise<TerraApiResponse<BoundSubscribedUsers>>;
  listUsers(
    options: ListUsersPageOptions,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<BoundSubscribedUsersPage>>;
  async listUsers(
    options?: ListUsersPageOptions,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<BoundSubscribedUsers | BoundSubscribedUsersPage>> {
    const { page, perPage } = parseArguments(listUsersOptions, options, 'listUsers options');
    const query = { page: page?.toString(), per_page: perPage?.toString() };
    const parse: Parse<BoundSubscribedUsers | BoundSubscribedUsersPage> =
      page === undefined
        ? (json, answer) => {
            const { users, ...rest } = parseStrict(SubscribedUsersSchema, json, answer.subject);
            return { ...rest, ...(users ? { users: this.#bind(users) } : {}) };
          }
        : (json, answer) => {
            const { data, ...rest } = parseStrict(SubscribedUsersPageSchema, json, answer.subject);
            if (!data) return rest;
            const { results, ...more } = data;
            return { ...rest, data: { ...more, ...(results ? { results: this.#bind(results) } : {}) } };
          };
    return this.#call('subscriptions', { method: 'GET', path: '/subscriptions', query }, request, parse);
  }

  /**
   * Every user, page by page, each bound to this client.
   *
   * @example
   * ```ts
   * for await (const user of terra.iterateUsers()) console.log(user.user_id, user.provider);
   * ```
   */
  async *iterateUsers(
    options: { perPage?: number | undefined } = {},
    request?: RequestOptions,
  ): AsyncGenerator<User, void, undefined> {
    const { perPage } = parseArguments(iterateUsersOptions, options, 'iterateUsers options');
    let page: number | null | undefined = 0;
    while (typeof page === 'number') {
      const response: TerraApiResponse<BoundSubscribedUsersPage> = await this.listUsers({ page, perPage }, request);
      const data = response.getParsedResponse().data;
      for (const user of data?.results ?? []) yield user;
      const next: number | null | undefined = data?.next;
      // A next page that does not move forward would loop forever; stop instead.
      page = typeof next === 'number' && next > page ? next : null;
    }
  }

  /**
   * The user with this id, bound to this client (`GET /userInfo`).
   *
   * @throws {@link TerraNotFoundError} when Terra has no such user.
   */
  async fromUserId(userId: string, request?: RequestOptions): Promise<User> {
    const response = await this.getUserInfo(parseArguments(text('userId'), userId, 'userId'), request);
    const info = response.getParsedResponse();
    if (!info.user) {
      throw new TerraNotFoundError({
        status: response.status,
        headers: response.headers,
        requestId: response.requestId,
        body: response.getJson(),
        method: 'GET',
        path: '/userInfo',
        detail: 'Terra returned no user for this user id',
      });
    }
    return new User(this, info.user);
  }

  /**
   * Changes a user's `reference_id` or `active` flag (`PATCH /users/{user_id}`); the answer's `user`
   * is the user as it is now, bound to this client. Also `user.modify(...)`. This call is not in
   * Terra's OpenAPI description: it is the one Terra's own SDKs make (`modifyuser`).
   *
   * @example
   * ```ts
   * const { user: moved } = (await terra.modifyUser(userId, { referenceId: 'user-456' })).getParsedResponse();
   * ```
   * @throws {@link TerraInvalidArgumentError} when neither `referenceId` nor `active` is given.
   */
  async modifyUser(
    user: User | string,
    options: ModifyUserOptions,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<ModifyUserResult>> {
    const path = `/users/${encodeURIComponent(userIdOf(user))}`;
    const given = parseArguments(modifyUserOptions, options, 'modifyUser options');
    const body = definedFields({ reference_id: given.referenceId, active: given.active });
    return this.#call('user', { method: 'PATCH', path, body }, request, (json, answer) => {
      const { user: changed, ...rest } = parseStrict<ModifyUserResponse>(
        ModifyUserResponseSchema,
        json,
        answer.subject,
      );
      return { ...rest, ...(changed ? { user: new User(this, changed) } : {}) };
    });
  }

  // ----------------------------------------------------------------------------------------------
  // Data

  /**
   * Activities (workouts and other sessions with a start and an end) in a date range (`GET /activity`).
   * With `toWebhook: false` they come back in the response; by default Terra sends them to your webhook.
   */
  async getActivityForUser<const O extends DataRequestOptions>(
    user: User | string,
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Activity[]>>> {
    return this.#data('activity', user, options, request);
  }

  /** Body measurements in a date range (`GET /body`). See {@link Terra.getActivityForUser}. */
  async getBodyForUser<const O extends DataRequestOptions>(
    user: User | string,
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Body[]>>> {
    return this.#data('body', user, options, request);
  }

  /** Daily summaries in a date range (`GET /daily`). See {@link Terra.getActivityForUser}. */
  async getDailyForUser<const O extends DataRequestOptions>(
    user: User | string,
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Daily[]>>> {
    return this.#data('daily', user, options, request);
  }

  /** Sleep sessions in a date range (`GET /sleep`). See {@link Terra.getActivityForUser}. */
  async getSleepForUser<const O extends DataRequestOptions>(
    user: User | string,
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Sleep[]>>> {
    return this.#data('sleep', user, options, request);
  }

  /** Meals and drinks in a date range (`GET /nutrition`). See {@link Terra.getActivityForUser}. */
  async getNutritionForUser<const O extends DataRequestOptions>(
    user: User | string,
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Nutrition[]>>> {
    return this.#data('nutrition', user, options, request);
  }

  /** Menstrual cycle data in a date range (`GET /menstruation`). See {@link Terra.getActivityForUser}. */
  async getMenstruationForUser<const O extends DataRequestOptions>(
    user: User | string,
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Menstruation[]>>> {
    return this.#data('menstruation', user, options, request);
  }

  /**
   * The user's profile: name, birth date, sex, ... (`GET /athlete`). With `toWebhook: false`,
   * `data` holds the one profile.
   */
  async getAthleteForUser<const O extends AthleteRequestOptions = Record<never, never>>(
    user: User | string,
    options?: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Athlete>>> {
    const userId = userIdOf(user);
    const { toWebhook } = parseArguments(athleteOptions, options, 'getAthleteForUser options');
    const query = { user_id: userId, to_webhook: String(toWebhook) };
    return this.#call('athlete', { method: 'GET', path: '/athlete', query }, request, (json, answer) =>
      answer.tolerate(parseDataResponse('athlete', json, toWebhook, answer.subject)),
    ) as Promise<TerraApiResponse<DataResultFor<O, Athlete>>>;
  }

  /**
   * Requests a user's history from `from` to `to` (exclusive) to your webhook, in pieces that keep
   * Terra's rules: a calendar month (or `chunkDays`) per request and data type, never over 1,825 days
   * (rule r1), paced by the `X-Terra-RateLimit-*` headers and waiting out a 429 of rule r2 for as long
   * as Terra says. Resolves once Terra has accepted every request (which can take an hour for a long
   * history: rule r2 allows 6,000 days per user per hour). With a `store` (the one your webhook
   * receivers write to, such as `createConnectionStore` of `terra-sdk/connections`), each request's
   * `terra-reference` is recorded, and `done` resolves when every chunk has arrived.
   *
   * @example
   * ```ts
   * const backfill = await terra.backfill(userId, { from: '2024-01-01', types: ['activity', 'sleep'], store });
   * console.log(`${backfill.requests.length} requests accepted`);
   * await backfill.done; // every chunk arrived, whichever receiver got it
   * ```
   * @throws {@link TerraInvalidArgumentError} for bad options; the client's errors for a request that
   *   fails (a `TerraRateLimitError` after `maxRateLimitWaits` waits); `TerraAbortError` when `signal`
   *   aborts; `TerraStoreError` when the store cannot record a reference.
   */
  async backfill(user: User | string, options: BackfillOptions): Promise<Backfill> {
    return runBackfill(this, user, options);
  }

  // ----------------------------------------------------------------------------------------------
  // Writing and deleting data (calls of Terra's own SDKs, not in its OpenAPI description)

  /**
   * Writes activities to the user's provider account (`POST /activity`, body `{data: [...]}`). Terra
   * supports this for users connected through **Wahoo** only. Each activity is checked against
   * {@link Activity} before anything is sent; the answer's `log_ids` are the provider's ids of the
   * records, in order.
   *
   * No `user_id` is sent: the request is exactly the one Terra's own SDKs make, which send none (it
   * is not in Terra's OpenAPI description, so this is unverified against the live API). If Terra asks
   * for one, add it with `{ extraQuery: { user_id } }` as the request options.
   */
  async postActivity(
    activities: readonly Activity[],
    request?: RequestOptions,
  ): Promise<TerraApiResponse<WriteDataResponse>> {
    const data = modelListArgument(ActivitySchema, activities, 'activities');
    return this.#write('/activity', data, request);
  }

  /**
   * Writes body measurements to the user's provider account (`POST /body`, body `{data: [...]}`).
   * Terra supports this for users connected through **Google Fit** only. As
   * {@link Terra.postActivity}: checked first, no `user_id` sent (use `extraQuery` if needed).
   */
  async postBody(bodies: readonly Body[], request?: RequestOptions): Promise<TerraApiResponse<WriteDataResponse>> {
    const data = modelListArgument(BodySchema, bodies, 'bodies');
    return this.#write('/body', data, request);
  }

  /**
   * Writes meals and drinks to the user's provider account (`POST /nutrition`, body `{data: [...]}`).
   * Terra supports this for users connected through **Fitbit** only. As {@link Terra.postActivity}:
   * checked first, no `user_id` sent (use `extraQuery` if needed).
   */
  async postNutrition(
    meals: readonly Nutrition[],
    request?: RequestOptions,
  ): Promise<TerraApiResponse<WriteDataResponse>> {
    const data = modelListArgument(NutritionSchema, meals, 'meals');
    return this.#write('/nutrition', data, request);
  }

  /**
   * Deletes body records written with {@link Terra.postBody} (Google Fit), by the `log_ids` the write
   * returned (`DELETE /body?user_id=`, body `{log_ids: [...]}`). Check each entry of
   * `processed_data`: a delete can succeed for some ids only.
   */
  async deleteBody(
    user: User | string,
    logIds: readonly string[],
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DeleteDataResponse>> {
    const query = { user_id: userIdOf(user) };
    const body = { log_ids: parseArguments(idList('logIds'), logIds, 'logIds') };
    return this.#call(
      'data_delete',
      { method: 'DELETE', path: '/body', query, body },
      request,
      DeleteDataResponseSchema,
    );
  }

  /**
   * Deletes nutrition records written with {@link Terra.postNutrition} (Fitbit), by the ids the write
   * returned (`DELETE /nutrition?user_id=`). Unlike {@link Terra.deleteBody}, Terra takes this list
   * under the key `data` (`{data: [...]}`), not `log_ids`; the SDK sends each as Terra expects.
   */
  async deleteNutrition(
    user: User | string,
    ids: readonly string[],
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DeleteDataResponse>> {
    const query = { user_id: userIdOf(user) };
    const body = { data: parseArguments(idList('ids'), ids, 'ids') };
    return this.#call(
      'data_delete',
      { method: 'DELETE', path: '/nutrition', query, body },
      request,
      DeleteDataResponseSchema,
    );
  }

  #write(
    path: string,
    data: unknown[],
    request: RequestOptions | undefined,
  ): Promise<TerraApiResponse<WriteDataResponse>> {
    return this.#call('data_write', { method: 'POST', path, body: { data } }, request, WriteDataResponseSchema);
  }

  /** A data request: its result type follows the literal `toWebhook` of the caller's options. */
  async #data<R>(
    dtype: Exclude<TerraDataType, 'athlete'>,
    user: User | string,
    options: DataRequestOptions,
    request: RequestOptions | undefined,
  ): Promise<TerraApiResponse<R>> {
    const userId = userIdOf(user);
    const given = parseArguments(dataOptions, options, `get ${dtype} options`);
    const query = {
      user_id: userId,
      start_date: given.startDate,
      end_date: given.endDate,
      to_webhook: String(given.toWebhook),
      with_samples: String(given.withSamples),
    };
    return this.#call(dtype, { method: 'GET', path: `/${dtype}`, query }, request, (json, answer) =>
      answer.tolerate(parseDataResponse(dtype, json, given.toWebhook, answer.subject)),
    ) as Promise<TerraApiResponse<R>>;
  }

  // ----------------------------------------------------------------------------------------------
  // Webhooks

  /**
   * Verifies a webhook delivery with the client's `secret` and parses its event: terra-python's
   * `handle_webhook`, here an alias of {@link verifyWebhook} (throwing instead of returning nothing
   * when the signature is wrong).
   *
   * Pass the raw body, exactly as received (a string or bytes, never parsed JSON), and the
   * `terra-signature` header value or the request's headers; or pass a Web `Request`. Given headers
   * or a request, the response also carries `traceId`, `reference` and `orderingTimestamp`.
   *
   * @example
   * ```ts
   * const hook = await terra.handleWebhook(request); // a Web Request (Next.js, Hono, Workers, Bun, Deno)
   * const event = hook.getParsedResponse();
   * if (event.type === 'activity') for (const a of event.data) console.log(a.metadata.summary_id);
   * ```
   * @throws {@link TerraWebhookVerificationError} (answer 401) when the delivery is not Terra's, the
   * secret is missing, or the body is not the raw body.
   */
  handleWebhook(request: Request, options?: WebhookVerifyOptions): Promise<TerraWebhookResponse>;
  handleWebhook(
    rawBody: RawBody,
    signature: SignatureHeaderInput,
    options?: WebhookVerifyOptions,
  ): Promise<TerraWebhookResponse>;
  async handleWebhook(
    body: Request | RawBody,
    signatureOrOptions?: SignatureHeaderInput | WebhookVerifyOptions,
    options?: WebhookVerifyOptions,
  ): Promise<TerraWebhookResponse> {
    if (isWebRequest(body)) return verifyWebhook(body, this.#verifyOptions(signatureOrOptions));
    return verifyWebhook(body, signatureOrOptions as SignatureHeaderInput, this.#verifyOptions(options));
  }

  /**
   * Whether a delivery carries a valid Terra signature for the client's `secret` (terra-python's
   * `check_terra_signature`).
   *
   * @throws {@link TerraWebhookVerificationError} when no secret is configured or the body given is not
   * the raw body: those are setup mistakes, not forged deliveries.
   */
  async checkTerraSignature(
    rawBody: RawBody,
    signature: SignatureHeaderInput,
    options?: WebhookVerifyOptions,
  ): Promise<boolean> {
    return checkTerraSignature(rawBody, signature, this.#verifyOptions(options));
  }

  /** The caller's verify options, checked, with the client's secret. */
  #verifyOptions(options: unknown): VerifyOptions {
    return { ...parseArguments(webhookVerifyOptions, options, 'webhook options'), secret: this.#secrets };
  }

  // ----------------------------------------------------------------------------------------------

  // ----------------------------------------------------------------------------------------------
  // Anything else

  /**
   * Calls any path of Terra's API, for what this version has no method for (Terra's
   * `POST /lab-reports/{id}/reprocess`, a parameter in beta). The call gets what every method gets:
   * the credentials, the retry rules (GET and DELETE only), time limits, typed errors and a
   * {@link TerraApiResponse}; with `schema`, the answer is validated and typed.
   *
   * @example
   * ```ts
   * import { LabReportReprocessResponseSchema } from 'terra-sdk';
   * const again = await terra.request({
   *   method: 'POST',
   *   path: `/lab-reports/${encodeURIComponent(sessionId)}/reprocess`,
   *   schema: LabReportReprocessResponseSchema,
   * });
   * console.log(again.getParsedResponse().current_status);
   * ```
   * @throws {@link TerraInvalidArgumentError} for a path that is not below the base URL (absolute, with
   *   `..`, a query or a fragment: pass `query` instead), or a body on a GET.
   */
  request<T>(
    options: TerraRequest<T> & { schema: z.core.$ZodType<T> },
    request?: RequestOptions,
  ): Promise<TerraApiResponse<T>>;
  request(options: TerraRequest, request?: RequestOptions): Promise<TerraApiResponse<unknown>>;
  async request<T>(options: TerraRequest<T>, request?: RequestOptions): Promise<TerraApiResponse<T | unknown>> {
    const given = parseArguments(rawRequestOptions, options, 'request');
    if (given.body !== undefined && given.method === 'GET') {
      throw new TerraInvalidArgumentError('body', 'a GET request cannot have a body: send parameters in query');
    }
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(given.query ?? {})) if (value !== undefined) query[key] = String(value);
    const { schema } = given;
    const parse: Parse<unknown> = (json, answer) => (schema ? parseStrict(schema, json, answer.subject) : json);
    return this.#call('request', { method: given.method, path: given.path, query, body: given.body }, request, parse);
  }

  /** Sends a request through the one caller the namespaces share. */
  #call<T>(
    dtype: TerraResponseType,
    req: HttpRequest,
    request: RequestOptions | undefined,
    parse: Parse<T>,
    options?: CallOptions,
  ): Promise<TerraApiResponse<T>> {
    return this.#caller.call(dtype, req, request, parse, options);
  }

  /** Terra user records, each bound to this client. */
  #bind(users: readonly TerraUser[]): User[] {
    return users.map((user) => new User(this, user));
  }

  /** A parser of a bare list of users that binds each to this client. */
  #users(schema: z.ZodMiniType<TerraUser[]>): (json: unknown, answer: Answer) => User[] {
    return (json, answer) => this.#bind(parseStrict(schema, json, answer.subject));
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

const webhookVerifyOptions = optionsOf<WebhookVerifyOptions>()(verifySettingsShape);

/** A non-empty list of record ids to delete. */
const idList = (name: string) =>
  z
    .array(text(`${name}[]`), { error: `${name} must be a non-empty array of ids` })
    .check(z.minLength(1, { error: `${name} must be a non-empty array of ids` }));

/** The JSON body fields shared by the auth URL and the widget session, without the ones not given. */
function connectionBody(options: Omit<AuthenticationUrlOptions, 'resource'>): Record<string, string> {
  const body = {
    reference_id: options.referenceId,
    auth_success_redirect_url: options.authSuccessRedirectUrl,
    auth_failure_redirect_url: options.authFailureRedirectUrl,
    language: options.language,
  };
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** A reference-id lookup answers with an array; an `{users: [...]}` wrapper is accepted too. */
function unwrapUsers(json: unknown): unknown {
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && 'users' in json) {
    return (json as { users: unknown }).users;
  }
  return json;
}
