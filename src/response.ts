/**
 * What every client method returns ({@link TerraApiResponse}), the four things a data request can
 * come back as ({@link DataReturned}, {@link SentToWebhook}, {@link NoDataReturned},
 * {@link RequestProcessing}), and the two a delete can ({@link Deleted}, {@link PartlyDeleted}).
 *
 * @packageDocumentation
 */
import { type RateLimitInfo, readRateLimit } from './internal/rate-limit.js';
import type { DataSentToWebhook, TerraUser } from './models/index.js';
import { NO_DRIFT, type SchemaDrift } from './models/parse.js';

export type { RateLimitInfo };

/**
 * The data types, declared once: every other list (the data reads, `User`'s `get<Type>` methods,
 * backfill's types) is derived from this one.
 */
export const TERRA_DATA_TYPES = ['activity', 'body', 'daily', 'sleep', 'nutrition', 'menstruation', 'athlete'] as const;

/** The kinds of data a data request asks for. */
export type TerraDataType = (typeof TERRA_DATA_TYPES)[number];

/** The data types read over a date range: all but the athlete profile. */
export type RangeDataType = Exclude<TerraDataType, 'athlete'>;

/** {@link RangeDataType} as a list, in the order of {@link TERRA_DATA_TYPES}. @internal */
export const RANGE_DATA_TYPES: readonly RangeDataType[] = TERRA_DATA_TYPES.filter(
  (type): type is RangeDataType => type !== 'athlete',
);

/** What a response holds (the request that produced it): a data type, or one of the other calls. */
export type TerraResponseType =
  | TerraDataType
  | 'providers'
  | 'providers_detailed'
  | 'auth_url'
  | 'widget_session'
  | 'auth_token'
  | 'deauth'
  | 'user_info'
  | 'users'
  | 'subscriptions'
  | 'user'
  | 'data_write'
  | 'data_delete'
  | 'workout'
  | 'workouts'
  | 'workout_plan'
  | 'planned_workout'
  | 'planned_workouts'
  | 'lab_report_upload'
  | 'lab_report'
  | 'lab_reports'
  | 'lab_report_deliveries'
  | 'lab_report_files'
  | 'request';

/** @internal */
export interface TerraApiResponseInit<T> {
  /** HTTP status. */
  status: number;
  headers: Headers;
  requestId: string | undefined;
  rawBody: string;
  dtype: TerraResponseType;
  json: unknown;
  parsed: T;
  drift?: readonly SchemaDrift[] | undefined;
}

/**
 * A response from Terra: the HTTP facts, the body as received, and the body validated and typed.
 *
 * @typeParam T - what {@link TerraApiResponse.getParsedResponse} returns.
 */
export class TerraApiResponse<T> {
  /** HTTP status (200, ...). */
  readonly status: number;
  /** Response headers. */
  readonly headers: Headers;
  /** The request id Terra returned, if any: quote it when you contact Terra. */
  readonly requestId: string | undefined;
  /** The body exactly as received. */
  readonly rawBody: string;
  /** What was asked for: `'activity'`, `'widget_session'`, ... */
  readonly dtype: TerraResponseType;
  /**
   * Where data that came back (`toWebhook: false`) differs from its schema beyond its identifying
   * `data` array (athlete: the `athlete` object): JSON paths and issue codes, never values. Empty when
   * it matches, and for every other kind of answer, which is checked strictly. The data is returned
   * anyway, as received; at these paths its values are not what the types say.
   */
  readonly drift: readonly SchemaDrift[];
  readonly #json: unknown;
  readonly #parsed: T;

  /** @internal */
  constructor(init: TerraApiResponseInit<T>) {
    this.status = init.status;
    this.headers = init.headers;
    this.requestId = init.requestId;
    this.rawBody = init.rawBody;
    this.dtype = init.dtype;
    this.drift = init.drift ?? NO_DRIFT;
    this.#json = init.json;
    this.#parsed = init.parsed;
  }

  /**
   * The body as JSON, as Terra sent it: never changed by validation, drift or not. Ids Terra sent as
   * JSON numbers (keys ending in `_id`) in the answers of calls with an effect and of workout reads
   * are read from the raw text as strings, every digit kept; `rawBody` has the text itself.
   */
  getJson(): unknown {
    return this.#json;
  }

  /**
   * The body validated against its schema and typed. Validation already happened when the request
   * completed, so this never throws: a body that breaks its schema rejected the call with a
   * `TerraValidationError`, except data whose identifying fields hold, and the answer of any call
   * that changed something at Terra (create, plan, upload, modify, write, delete, deauthenticate,
   * generate), which came back as received with its {@link TerraApiResponse.drift}.
   */
  getParsedResponse(): T {
    return this.#parsed;
  }

  /** Rate-limit state, when Terra reported it (data requests), else `undefined`. */
  get rateLimit(): RateLimitInfo | undefined {
    return readRateLimit(this.headers);
  }
}

/**
 * The data came back in the response (`toWebhook: false`). `data` holds the records (for athlete,
 * the one profile). Other fields of the body are kept.
 *
 * @typeParam D - `Activity[]`, `Sleep[]`, ..., or `Athlete`.
 */
export interface DataReturned<D> {
  /** Which result this is: always `'DataReturned'`. */
  readonly kind: 'DataReturned';
  /** The data type Terra reports (`'activity'`, ...), if it did. */
  readonly type?: string | null | undefined;
  /** The connection the data belongs to. */
  readonly user?: TerraUser | undefined;
  /** The records; an empty list when there were none in the range. */
  readonly data: D;
  readonly [key: string]: unknown;
}

/**
 * Terra accepted the request and will deliver the data to your webhook (`toWebhook: true`, the
 * default). `reference` comes back as the `terra-reference` header of every delivery for this
 * request; `message` explains large requests, which arrive in chunks.
 */
export interface SentToWebhook extends DataSentToWebhook {
  /** Which result this is: always `'SentToWebhook'`. */
  readonly kind: 'SentToWebhook';
}

/** The provider has no such data for this user (`status: "not_available"`). */
export interface NoDataReturned {
  /** Which result this is: always `'NoDataReturned'`. */
  readonly kind: 'NoDataReturned';
  /** Terra's status for the request, such as `not_available`. */
  readonly status: string;
  /** Terra's explanation, for people. */
  readonly message?: string | null | undefined;
  /** The connection the request was about. */
  readonly user?: TerraUser | undefined;
  readonly [key: string]: unknown;
}

/**
 * The provider needs time: ask again after `retry_after_seconds` (Terra's older `retry_after` is
 * read into it too).
 */
export interface RequestProcessing {
  /** Which result this is: always `'RequestProcessing'`. */
  readonly kind: 'RequestProcessing';
  /** How long to wait before asking again, in seconds. */
  readonly retry_after_seconds?: number | undefined;
  /** Terra's explanation, for people. */
  readonly message?: string | null | undefined;
  /** The data type Terra reports, if it did. */
  readonly type?: string | null | undefined;
  /** The connection the request was about. */
  readonly user?: TerraUser | undefined;
  readonly [key: string]: unknown;
}

/** Every result of a data request. */
export type DataResult<D> = DataReturned<D> | SentToWebhook | NoDataReturned | RequestProcessing;
/** The results of a data request made with `toWebhook: false`. */
export type InlineDataResult<D> = DataReturned<D> | NoDataReturned | RequestProcessing;
/** The results of a data request made with `toWebhook: true` (the default). */
export type WebhookDataResult = SentToWebhook | NoDataReturned | RequestProcessing;

/**
 * The result type of a data request, from the `toWebhook` of its options: `false` gives the inline
 * results, `true` or no `toWebhook` the webhook ones, a `boolean` all of them.
 */
export type DataResultFor<O, D> = O extends InlineRequest
  ? InlineDataResult<D>
  : O extends WebhookRequest
    ? WebhookDataResult
    : 'toWebhook' extends keyof O
      ? O extends DefaultRequest
        ? WebhookDataResult
        : DataResult<D>
      : WebhookDataResult;

/** Options that ask for the data in the response. */
export interface InlineRequest {
  /** `false`: the data comes back in the response. */
  toWebhook: false;
}

/** Options that send the data to the webhook. */
export interface WebhookRequest {
  /** `true`: Terra sends the data to your webhook. */
  toWebhook: true;
}

/** Options that leave `toWebhook` to its default (the webhook). */
export interface DefaultRequest {
  /** Left out, or `undefined`: the default, `true`. */
  toWebhook?: undefined;
}

/** Terra deleted what was asked (usually a `204 No Content`): nothing more to do. */
export interface Deleted {
  /** Which result this is: always `'Deleted'`. */
  readonly kind: 'Deleted';
}

/**
 * Terra could not finish a workout delete (`207 Multi-Status`): some providers did not remove their
 * copy of a planned instance, so Terra kept the template. Call `delete` again later to finish the
 * cascade. Other fields of Terra's answer are kept.
 */
export interface PartlyDeleted {
  /** Which result this is: always `'PartlyDeleted'`. */
  readonly kind: 'PartlyDeleted';
  /** Terra's explanation of what did not complete, when it gave one. */
  readonly message: string | undefined;
  readonly [key: string]: unknown;
}

/** What deleting a workout template comes back as: done, or partly done (the template kept). */
export type WorkoutDeleteResult = Deleted | PartlyDeleted;
