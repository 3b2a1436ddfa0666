import type * as z from 'zod/mini';
import {
  TerraApiError,
  TerraConfigurationError,
  TerraInvalidArgumentError,
  TerraNotFoundError,
  TerraValidationError,
} from './errors.js';
import { DEFAULT_BASE_URL } from './internal/constants.js';
import { querySeconds, toQueryDate } from './internal/dates.js';
import { readEnv } from './internal/env.js';
import { HttpClient, type HttpRequest, type RequestOptions, requestIdOf } from './internal/http.js';
import {
  checkOptions,
  optionalBoolean,
  optionalInteger,
  optionalString,
  optionalUrl,
  requireString,
} from './internal/options.js';
import {
  type Activity,
  ActivityCollectionSchema,
  type Athlete,
  AthleteCollectionSchema,
  type AuthToken,
  AuthTokenSchema,
  type Body,
  BodyCollectionSchema,
  type Daily,
  DailyCollectionSchema,
  DataSentToWebhookSchema,
  type IntegrationsResponse,
  IntegrationsResponseSchema,
  type Menstruation,
  MenstruationCollectionSchema,
  type Nutrition,
  NutritionCollectionSchema,
  type ProvidersResponse,
  ProvidersResponseSchema,
  type Sleep,
  SleepCollectionSchema,
  type SubscribedUsers,
  type SubscribedUsersPage,
  SubscribedUsersPageSchema,
  SubscribedUsersSchema,
  type UserAuthUrl,
  UserAuthUrlSchema,
  type UserDeauthResp,
  UserDeauthRespSchema,
  type UserInfo,
  UserInfoSchema,
  type UsersResponse,
  UsersResponseSchema,
  type WidgetSession,
  WidgetSessionSchema,
} from './models/index.js';
import { parseModel } from './models/parse.js';
import {
  type DataBodyParsers,
  type DataResultFor,
  parseDataBody,
  TerraApiResponse,
  type TerraDataType,
  type TerraResponseType,
} from './response.js';
import { type AthleteRequestOptions, type DataRequestOptions, User } from './user.js';
import type { RawBody } from './webhooks/bytes.js';
import {
  checkTerraSignature,
  handleWebhook,
  handleWebhookRequest,
  type TerraWebhookResponse,
} from './webhooks/response.js';
import type { SignatureHeaderInput, VerifyOptions } from './webhooks/signature.js';

export { DEFAULT_BASE_URL };

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RETRIES = 2;
/** setTimeout's ceiling; a longer time limit would fire at once. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** Options of {@link Terra}. Every credential falls back to an environment variable. */
export interface TerraOptions {
  /** Your API key. Default: env `TERRA_API_KEY`. */
  apiKey?: string | undefined;
  /** Your developer id. Default: env `TERRA_DEV_ID`. */
  devId?: string | undefined;
  /**
   * The signing secret of your webhook destination, or several during a rotation (any may match).
   * Needed only to verify webhooks. Default: env `TERRA_WEBHOOK_SECRET`.
   */
  secret?: string | readonly string[] | undefined;
  /** Default: env `TERRA_BASE_URL`, else `https://access.tryterra.co/api/v2`. */
  baseUrl?: string | undefined;
  /** Time limit of each attempt, in milliseconds. Default 60,000. */
  timeout?: number | undefined;
  /** Retries of a failed GET or DELETE (POST is never retried). Default 2. */
  maxRetries?: number | undefined;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof globalThis.fetch | undefined;
}

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

const DATA_OPTIONS = ['startDate', 'endDate', 'toWebhook', 'withSamples'] as const;
const REQUEST_OPTIONS = ['signal', 'timeout', 'maxRetries'] as const;

const COLLECTIONS = {
  activity: ActivityCollectionSchema,
  body: BodyCollectionSchema,
  daily: DailyCollectionSchema,
  menstruation: MenstruationCollectionSchema,
  nutrition: NutritionCollectionSchema,
  sleep: SleepCollectionSchema,
} satisfies Record<Exclude<TerraDataType, 'athlete'>, z.ZodMiniType>;

function resolveTimeout(value: unknown, option: string, Err: new (o: string, m: string) => Error): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new Err(option, `${option} must be a number of milliseconds between 1 and ${MAX_TIMEOUT_MS}`);
  }
  return value;
}

function resolveRetries(value: unknown, option: string, Err: new (o: string, m: string) => Error): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10) {
    throw new Err(option, `${option} must be a whole number from 0 to 10`);
  }
  return value;
}

function credential(value: unknown, option: string, env: string): string {
  const resolved = value ?? readEnv(env);
  if (resolved === undefined || resolved === '') {
    throw new TerraConfigurationError(option, `Missing ${option}: pass { ${option} } to new Terra() or set ${env}`);
  }
  if (typeof resolved !== 'string') throw new TerraConfigurationError(option, `${option} must be a string`);
  if (resolved.trim() !== resolved) {
    throw new TerraConfigurationError(option, `${option} has leading or trailing whitespace; remove it`);
  }
  return resolved;
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
  readonly #http: HttpClient;
  readonly #secrets: readonly string[] | undefined;

  /**
   * @throws {@link TerraConfigurationError} when a credential is missing (naming the option and its
   * environment variable) or an option is invalid.
   */
  constructor(options: TerraOptions = {}) {
    checkOptions(options, ['apiKey', 'devId', 'secret', 'baseUrl', 'timeout', 'maxRetries', 'fetch'], 'Terra options');
    const apiKey = credential(options.apiKey, 'apiKey', 'TERRA_API_KEY');
    const devId = credential(options.devId, 'devId', 'TERRA_DEV_ID');
    const secret = options.secret ?? readEnv('TERRA_WEBHOOK_SECRET');
    if (secret !== undefined && typeof secret !== 'string' && !Array.isArray(secret)) {
      throw new TerraConfigurationError('secret', 'secret must be a string or an array of strings');
    }
    this.#secrets = secret === undefined ? undefined : typeof secret === 'string' ? [secret] : [...secret];
    const baseUrl = options.baseUrl ?? readEnv('TERRA_BASE_URL') ?? DEFAULT_BASE_URL;
    if (typeof baseUrl !== 'string' || !/^https?:\/\//i.test(baseUrl) || !URL.canParse(baseUrl)) {
      throw new TerraConfigurationError(
        'baseUrl',
        'baseUrl must be an http(s) URL, such as https://access.tryterra.co/api/v2',
      );
    }
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeout = resolveTimeout(options.timeout, 'timeout', TerraConfigurationError) ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = resolveRetries(options.maxRetries, 'maxRetries', TerraConfigurationError) ?? DEFAULT_MAX_RETRIES;
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw new TerraConfigurationError('fetch', 'fetch must be a function');
    }
    this.#http = new HttpClient({
      baseUrl: this.baseUrl,
      apiKey,
      devId,
      timeout: this.timeout,
      maxRetries: this.maxRetries,
      fetch: options.fetch,
    });
  }

  // ----------------------------------------------------------------------------------------------
  // Integrations

  /** The providers Terra supports (`GET /integrations`). */
  listProviders(request?: RequestOptions): Promise<TerraApiResponse<ProvidersResponse>> {
    return this.#call('providers', { method: 'GET', path: '/integrations', apiKey: false }, request, (json, subject) =>
      parseModel(ProvidersResponseSchema, json, { subject }),
    );
  }

  /**
   * The providers with details: name, icon, setup, whether enabled for you, and which data types
   * each offers (`GET /integrations/detailed`).
   *
   * @param options.sdk include providers reached through Terra's mobile SDKs (Apple Health, ...).
   */
  listProvidersDetailed(
    options: { sdk?: boolean | undefined } = {},
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DetailedProvidersResponse>> {
    checkOptions(options, ['sdk'], 'listProvidersDetailed options');
    const sdk = optionalBoolean(options.sdk, 'sdk');
    return this.#call(
      'providers_detailed',
      { method: 'GET', path: '/integrations/detailed', query: { sdk: sdk?.toString() }, apiKey: false },
      request,
      (json, subject) => parseModel(IntegrationsResponseSchema, json, { subject }),
    );
  }

  // ----------------------------------------------------------------------------------------------
  // Connecting users

  /**
   * A link that connects one provider directly, without Terra's widget
   * (`POST /auth/authenticateUser`). Redirect the person to `auth_url`. The `user_id` returned is
   * the connection's id once the person completes the flow (an `auth` event confirms it).
   */
  generateAuthenticationUrl(
    options: AuthenticationUrlOptions,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<UserAuthUrl>> {
    checkOptions(
      options,
      ['resource', 'referenceId', 'authSuccessRedirectUrl', 'authFailureRedirectUrl', 'language'],
      'generateAuthenticationUrl options',
    );
    const resource = requireString(options?.resource, 'resource');
    const body = {
      reference_id: optionalString(options.referenceId, 'referenceId'),
      auth_success_redirect_url: optionalUrl(options.authSuccessRedirectUrl, 'authSuccessRedirectUrl'),
      auth_failure_redirect_url: optionalUrl(options.authFailureRedirectUrl, 'authFailureRedirectUrl'),
      language: optionalString(options.language, 'language'),
    };
    return this.#call(
      'auth_url',
      { method: 'POST', path: '/auth/authenticateUser', query: { resource }, body: withoutUndefined(body) },
      request,
      (json, subject) => parseModel(UserAuthUrlSchema, json, { subject }),
    );
  }

  /**
   * A session of Terra's hosted widget, where the person picks a provider and connects it
   * (`POST /auth/generateWidgetSession`). Redirect them to `url`; it expires after `expires_in` seconds.
   */
  generateWidgetSession(
    options: WidgetSessionOptions = {},
    request?: RequestOptions,
  ): Promise<TerraApiResponse<WidgetSession>> {
    checkOptions(
      options,
      ['providers', 'referenceId', 'authSuccessRedirectUrl', 'authFailureRedirectUrl', 'language'],
      'generateWidgetSession options',
    );
    let providers: string | undefined;
    if (options.providers !== undefined) {
      if (!Array.isArray(options.providers)) {
        throw new TerraInvalidArgumentError('providers', 'providers must be an array of provider names');
      }
      for (const provider of options.providers) {
        if (requireString(provider, 'providers[]').includes(',')) {
          throw new TerraInvalidArgumentError('providers', 'a provider name cannot contain a comma');
        }
      }
      providers = options.providers.length > 0 ? options.providers.join(',') : undefined;
    }
    const body = {
      providers,
      reference_id: optionalString(options.referenceId, 'referenceId'),
      auth_success_redirect_url: optionalUrl(options.authSuccessRedirectUrl, 'authSuccessRedirectUrl'),
      auth_failure_redirect_url: optionalUrl(options.authFailureRedirectUrl, 'authFailureRedirectUrl'),
      language: optionalString(options.language, 'language'),
    };
    return this.#call(
      'widget_session',
      { method: 'POST', path: '/auth/generateWidgetSession', body: withoutUndefined(body) },
      request,
      (json, subject) => parseModel(WidgetSessionSchema, json, { subject }),
    );
  }

  /**
   * A short-lived token for Terra's mobile SDKs (`initConnection`), to connect Apple Health, Samsung
   * Health and the like (`POST /auth/generateAuthToken`). Create it on your server and hand it to
   * the app; never ship your API key in an app.
   */
  generateAuthToken(request?: RequestOptions): Promise<TerraApiResponse<AuthToken>> {
    return this.#call('auth_token', { method: 'POST', path: '/auth/generateAuthToken' }, request, (json, subject) =>
      parseModel(AuthTokenSchema, json, { subject }),
    );
  }

  /**
   * Disconnects a user and deletes every record Terra holds for it (`DELETE /auth/deauthenticateUser`).
   * A `deauth` event follows.
   */
  deauthenticateUser(user: User | string, request?: RequestOptions): Promise<TerraApiResponse<UserDeauthResp>> {
    const userId = userIdOf(user);
    return this.#call(
      'deauth',
      { method: 'DELETE', path: '/auth/deauthenticateUser', query: { user_id: userId } },
      request,
      (json, subject) => parseModel(UserDeauthRespSchema, json, { subject }),
    );
  }

  // ----------------------------------------------------------------------------------------------
  // Users

  /** One user's record, with Terra's polling times (`GET /userInfo?user_id=`). */
  getUserInfo(user: User | string, request?: RequestOptions): Promise<TerraApiResponse<UserInfo>> {
    const userId = userIdOf(user);
    return this.#call(
      'user_info',
      { method: 'GET', path: '/userInfo', query: { user_id: userId } },
      request,
      (json, subject) => parseModel(UserInfoSchema, json, { subject }),
    );
  }

  /**
   * Every connection made under one of your ids: one person with several providers, or several
   * accounts (`GET /userInfo?reference_id=`). Check each one's `active` flag.
   */
  getUsersByReferenceId(referenceId: string, request?: RequestOptions): Promise<TerraApiResponse<UsersResponse>> {
    const id = requireString(referenceId, 'referenceId');
    return this.#call('users', { method: 'GET', path: '/userInfo', query: { reference_id: id } }, request, (json, s) =>
      parseModel(UsersResponseSchema, unwrapUsers(json), { subject: s }),
    );
  }

  /** The records of several users at once (`POST /bulkUserInfo`). */
  getUsersInfo(userIds: readonly string[], request?: RequestOptions): Promise<TerraApiResponse<UsersResponse>> {
    if (!Array.isArray(userIds) || userIds.length === 0) {
      throw new TerraInvalidArgumentError('userIds', 'userIds must be a non-empty array of user ids');
    }
    const ids = userIds.map((id) => requireString(id, 'userIds[]'));
    return this.#call('users', { method: 'POST', path: '/bulkUserInfo', body: ids }, request, (json, subject) =>
      parseModel(UsersResponseSchema, json, { subject }),
    );
  }

  /**
   * Your users (`GET /subscriptions`). Without options, every user in one response (`users`); with
   * `page`, one page (`data.results`, and `data.next`, the next page or `null`). To walk every page,
   * use {@link Terra.iterateUsers}.
   */
  listUsers(options?: undefined, request?: RequestOptions): Promise<TerraApiResponse<SubscribedUsers>>;
  listUsers(options: ListUsersPageOptions, request?: RequestOptions): Promise<TerraApiResponse<SubscribedUsersPage>>;
  listUsers(
    options?: ListUsersPageOptions,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<SubscribedUsers | SubscribedUsersPage>> {
    checkOptions(options, ['page', 'perPage'], 'listUsers options');
    const page = optionalInteger(options?.page, 'page', 0);
    const perPage = optionalInteger(options?.perPage, 'perPage', 1);
    if (page === undefined && perPage !== undefined) {
      throw new TerraInvalidArgumentError('perPage', 'perPage needs page (Terra pages only when page is given)');
    }
    const query = { page: page?.toString(), per_page: perPage?.toString() };
    return this.#call<SubscribedUsers | SubscribedUsersPage>(
      'subscriptions',
      { method: 'GET', path: '/subscriptions', query },
      request,
      (json, subject) =>
        page === undefined
          ? parseModel(SubscribedUsersSchema, json, { subject })
          : parseModel(SubscribedUsersPageSchema, json, { subject }),
    );
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
    checkOptions(options, ['perPage'], 'iterateUsers options');
    const perPage = optionalInteger(options.perPage, 'perPage', 1);
    let page: number | null | undefined = 0;
    while (typeof page === 'number') {
      const response: TerraApiResponse<SubscribedUsersPage> = await this.listUsers({ page, perPage }, request);
      const data = response.getParsedResponse().data;
      for (const user of data?.results ?? []) yield new User(this, user);
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
    const response = await this.getUserInfo(requireString(userId, 'userId'), request);
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

  // ----------------------------------------------------------------------------------------------
  // Data

  /**
   * Activities (workouts and other sessions with a start and an end) in a date range (`GET /activity`).
   * With `toWebhook: false` they come back in the response; by default Terra sends them to your webhook.
   */
  getActivityForUser<const O extends DataRequestOptions>(
    user: User | string,
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Activity[]>>> {
    return this.#data('activity', user, options, request);
  }

  /** Body measurements in a date range (`GET /body`). See {@link Terra.getActivityForUser}. */
  getBodyForUser<const O extends DataRequestOptions>(
    user: User | string,
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Body[]>>> {
    return this.#data('body', user, options, request);
  }

  /** Daily summaries in a date range (`GET /daily`). See {@link Terra.getActivityForUser}. */
  getDailyForUser<const O extends DataRequestOptions>(
    user: User | string,
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Daily[]>>> {
    return this.#data('daily', user, options, request);
  }

  /** Sleep sessions in a date range (`GET /sleep`). See {@link Terra.getActivityForUser}. */
  getSleepForUser<const O extends DataRequestOptions>(
    user: User | string,
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Sleep[]>>> {
    return this.#data('sleep', user, options, request);
  }

  /** Meals and drinks in a date range (`GET /nutrition`). See {@link Terra.getActivityForUser}. */
  getNutritionForUser<const O extends DataRequestOptions>(
    user: User | string,
    options: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Nutrition[]>>> {
    return this.#data('nutrition', user, options, request);
  }

  /** Menstrual cycle data in a date range (`GET /menstruation`). See {@link Terra.getActivityForUser}. */
  getMenstruationForUser<const O extends DataRequestOptions>(
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
  getAthleteForUser<const O extends AthleteRequestOptions = Record<never, never>>(
    user: User | string,
    options?: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Athlete>>> {
    checkOptions(options, ['toWebhook'], 'getAthleteForUser options');
    const userId = userIdOf(user);
    const toWebhook = optionalBoolean(options?.toWebhook, 'toWebhook') ?? true;
    return this.#call(
      'athlete',
      { method: 'GET', path: '/athlete', query: { user_id: userId, to_webhook: String(toWebhook) } },
      request,
      (json, subject) => parseDataBody(json, toWebhook, 'athlete', subject, ATHLETE_PARSERS) as never,
    );
  }

  #data<D>(
    dtype: Exclude<TerraDataType, 'athlete'>,
    user: User | string,
    options: DataRequestOptions,
    request: RequestOptions | undefined,
  ): Promise<TerraApiResponse<never>> {
    const userId = userIdOf(user);
    if (options === undefined || options === null) {
      throw new TerraInvalidArgumentError('options', `get ${dtype} needs options with at least { startDate }`);
    }
    checkOptions(options, DATA_OPTIONS, `${dtype} request options`);
    if (options.startDate === undefined) {
      throw new TerraInvalidArgumentError(
        'startDate',
        `get ${dtype} needs a startDate (a Date, YYYY-MM-DD or unix seconds)`,
      );
    }
    const start = toQueryDate(options.startDate, 'startDate');
    const end = options.endDate === undefined ? undefined : toQueryDate(options.endDate, 'endDate');
    if (end !== undefined && querySeconds(end) < querySeconds(start)) {
      throw new TerraInvalidArgumentError('endDate', 'endDate is before startDate');
    }
    const toWebhook = optionalBoolean(options.toWebhook, 'toWebhook') ?? true;
    const withSamples = optionalBoolean(options.withSamples, 'withSamples') ?? true;
    const schema = COLLECTIONS[dtype] as z.ZodMiniType<{ data?: unknown }>;
    const parsers: DataBodyParsers = {
      ...BASE_PARSERS,
      data: (body, subject) => {
        const parsed = parseModel(schema, body, { subject }) as Record<string, unknown>;
        return { body: parsed, data: parsed.data };
      },
    };
    return this.#call(
      dtype,
      {
        method: 'GET',
        path: `/${dtype}`,
        query: {
          user_id: userId,
          start_date: start,
          end_date: end,
          to_webhook: String(toWebhook),
          with_samples: String(withSamples),
        },
      },
      request,
      (json, subject) => parseDataBody<D>(json, toWebhook, 'data', subject, parsers) as never,
    );
  }

  // ----------------------------------------------------------------------------------------------
  // Webhooks

  /**
   * Verifies a webhook delivery with the client's `secret` and parses its event, as terra-python's
   * `handle_webhook` does (but throwing instead of returning nothing when the signature is wrong).
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
   * @throws {@link TerraValidationError} when a known event breaks its schema.
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
    if (isWebRequest(body)) {
      return handleWebhookRequest(body, { ...(signatureOrOptions as WebhookVerifyOptions), secret: this.#secrets });
    }
    return handleWebhook(body, signatureOrOptions as SignatureHeaderInput, { ...options, secret: this.#secrets });
  }

  /**
   * Whether a delivery carries a valid Terra signature for the client's `secret` (terra-python's
   * `check_terra_signature`).
   *
   * @throws {@link TerraWebhookVerificationError} when no secret is configured or the body given is not
   * the raw body: those are setup mistakes, not forged deliveries.
   */
  checkTerraSignature(
    rawBody: RawBody,
    signature: SignatureHeaderInput,
    options?: WebhookVerifyOptions,
  ): Promise<boolean> {
    return checkTerraSignature(rawBody, signature, { ...options, secret: this.#secrets });
  }

  // ----------------------------------------------------------------------------------------------

  async #call<T>(
    dtype: TerraResponseType,
    req: HttpRequest,
    request: RequestOptions | undefined,
    parse: (json: unknown, subject: string) => T,
  ): Promise<TerraApiResponse<T>> {
    const options = checkOptions(request, REQUEST_OPTIONS, 'request options') as RequestOptions;
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
      throw new TerraInvalidArgumentError('signal', 'signal must be an AbortSignal');
    }
    const perCall: RequestOptions = {
      signal: options.signal,
      timeout: resolveTimeout(options.timeout, 'timeout', TerraInvalidArgumentError),
      maxRetries: resolveRetries(options.maxRetries, 'maxRetries', TerraInvalidArgumentError),
    };
    const response = await this.#http.request(req, perCall);
    const subject = `The ${req.method} ${req.path} response`;
    const json = parseJsonBody(response.rawBody, subject);
    const requestId = requestIdOf(response.headers);
    // Terra's older endpoints answer some failures with 200 and {"status": "error", "message": ...}.
    if (typeof json === 'object' && json !== null && (json as { status?: unknown }).status === 'error') {
      const message = (json as { message?: unknown }).message;
      const init = {
        status: response.status,
        headers: response.headers,
        requestId,
        body: json,
        method: req.method,
        path: req.path,
        detail: typeof message === 'string' ? message : 'Terra reported an error',
      };
      throw dtype === 'user_info' ? new TerraNotFoundError(init) : new TerraApiError(init);
    }
    return new TerraApiResponse({ ...response, requestId, dtype, json, parsed: parse(json, subject) });
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

const BASE_PARSERS: Omit<DataBodyParsers, 'data'> = {
  sent: (body, subject) => parseModel(DataSentToWebhookSchema, body, { subject }),
  validate: (schema, body, subject) => parseModel(schema, body, { subject }),
};

const ATHLETE_PARSERS: DataBodyParsers = {
  ...BASE_PARSERS,
  data: (body, subject) => {
    const parsed = parseModel(AthleteCollectionSchema, body, { subject }) as Record<string, unknown>;
    if (parsed.athlete === undefined) {
      throw new TerraValidationError({
        subject,
        model: 'AthleteCollection',
        issues: [
          { path: '$.athlete', pathSegments: ['athlete'], code: 'invalid_type', message: 'expected the profile' },
        ],
      });
    }
    return { body: parsed, data: parsed.athlete };
  },
};

/** A Web `Request` (rather than a raw body: a string, bytes or a Node Buffer). */
function isWebRequest(value: unknown): value is Request {
  if (typeof Request !== 'undefined' && value instanceof Request) return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    !ArrayBuffer.isView(value) &&
    typeof (value as Request).arrayBuffer === 'function' &&
    typeof (value as Request).headers === 'object' &&
    typeof (value as Request).method === 'string'
  );
}

function userIdOf(user: User | string): string {
  if (user instanceof User) return user.user_id;
  if (typeof user === 'object' && user !== null && typeof (user as { user_id?: unknown }).user_id === 'string') {
    return requireString((user as { user_id: string }).user_id, 'user.user_id');
  }
  return requireString(user, 'user');
}

function withoutUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A reference-id lookup answers with an array; an `{users: [...]}` wrapper is accepted too. */
function unwrapUsers(json: unknown): unknown {
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && 'users' in json) {
    return (json as { users: unknown }).users;
  }
  return json;
}

function parseJsonBody(raw: string, subject: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new TerraValidationError({
      subject,
      issues: [{ path: '$', pathSegments: [], code: 'invalid_json', message: 'expected a JSON body' }],
    });
  }
}
