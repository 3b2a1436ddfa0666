/**
 * Data reads: a user's activity, body, daily, sleep, nutrition and menstruation records over a date
 * range, and their athlete profile. The client's `get<Type>ForUser` methods and `User`'s
 * `get<Type>` methods are named for the data types and all land here.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TerraInvalidArgumentError } from '../errors.js';
import { type UserRef, userIdOf } from '../internal/arguments.js';
import type { Requester } from '../internal/caller.js';
import { parseDataResponse } from '../internal/data-response.js';
import { querySeconds, toQueryDate } from '../internal/dates.js';
import type { RequestOptions } from '../internal/http.js';
import { convertedBy, flag, optionsOf, parseArguments } from '../internal/options.js';
import type { Activity, Athlete, Body, Daily, Menstruation, Nutrition, Sleep } from '../models/index.js';
import { type DataResultFor, RANGE_DATA_TYPES, type RangeDataType, type TerraApiResponse } from '../response.js';

/** Options of a data request (`getActivity`, `getSleep`, ...). */
export interface DataRequestOptions {
  /**
   * First day or instant to read: a `Date` (sent as unix seconds), a `YYYY-MM-DD` date (read by
   * Terra as 00:00 UTC), or unix seconds.
   */
  readonly startDate: Date | string | number;
  /** End of the range, exclusive, in the same forms. Omitted, the range is one day. */
  readonly endDate?: Date | string | number | undefined;
  /**
   * `true` (the default): Terra sends the data to your webhook and the response is a
   * `SentToWebhook` acknowledgement. `false`: the data comes back in the response.
   */
  readonly toWebhook?: boolean | undefined;
  /** Include time series (heart-rate samples, GPS, ...). Default `true`. */
  readonly withSamples?: boolean | undefined;
}

/** Options of an athlete (profile) request. */
export interface AthleteRequestOptions {
  /** As for data requests: `true` (the default) sends the profile to your webhook. */
  readonly toWebhook?: boolean | undefined;
}

/** The model of each date-range data type's records. */
export interface RangeDataModels {
  /** A workout or other session. */
  activity: Activity;
  /** Body measurements of one day. */
  body: Body;
  /** The summary of one day. */
  daily: Daily;
  /** One sleep session. */
  sleep: Sleep;
  /** The meals and drinks of one day. */
  nutrition: Nutrition;
  /** One menstrual cycle's data. */
  menstruation: Menstruation;
}

/** What a date-range read of type `K` with options `O` resolves to. */
export type RangeRead<K extends RangeDataType, O> = Promise<TerraApiResponse<DataResultFor<O, RangeDataModels[K][]>>>;

const queryDate = (name: string) =>
  convertedBy((value) => {
    if (value === undefined) {
      throw new TerraInvalidArgumentError(name, `${name} is required: a Date, a YYYY-MM-DD date or unix seconds`);
    }
    return toQueryDate(value, name);
  });

const dataOptions = optionsOf<DataRequestOptions>()(() => ({
  startDate: queryDate('startDate'),
  endDate: z.optional(queryDate('endDate')),
  toWebhook: z._default(flag('toWebhook'), true),
  withSamples: z._default(flag('withSamples'), true),
})).check(
  z.superRefine((options, ctx) => {
    if (options.endDate !== undefined && querySeconds(options.endDate) < querySeconds(options.startDate)) {
      ctx.issues.push({ code: 'custom', path: ['endDate'], message: 'endDate is before startDate', input: options });
    }
  }),
);

const athleteOptions = optionsOf<AthleteRequestOptions>()(() => ({
  toWebhook: z._default(flag('toWebhook'), true),
}));

/** A user's data: one read per data type (`GET /activity`, `GET /sleep`, ..., `GET /athlete`). @internal */
export class DataReads {
  readonly #caller: Requester;

  /** @internal Made by the client: use `the client's data reads`. */
  constructor(caller: Requester) {
    this.#caller = caller;
  }

  /** A date-range read (`GET /<type>`); the result type follows the literal `toWebhook` of the options. */
  async range<K extends RangeDataType, const O extends DataRequestOptions>(
    type: K,
    user: UserRef,
    options: O,
    request?: RequestOptions,
  ): RangeRead<K, O> {
    const userId = userIdOf(user);
    const given = parseArguments(dataOptions, options, `get ${type} options`);
    const query = {
      user_id: userId,
      start_date: given.startDate,
      end_date: given.endDate,
      to_webhook: String(given.toWebhook),
      with_samples: String(given.withSamples),
    };
    return this.#caller.call(type, { method: 'GET', path: `/${type}`, query }, request, (json, answer) =>
      answer.tolerate(parseDataResponse(type, json, given.toWebhook, answer.subject)),
    ) as RangeRead<K, O>;
  }

  /** The user's profile (`GET /athlete`); with `toWebhook: false`, `data` holds the one profile. */
  async athlete<const O extends AthleteRequestOptions = Record<never, never>>(
    user: UserRef,
    options?: O,
    request?: RequestOptions,
  ): Promise<TerraApiResponse<DataResultFor<O, Athlete>>> {
    const userId = userIdOf(user);
    const { toWebhook } = parseArguments(athleteOptions, options, 'getAthleteForUser options');
    const query = { user_id: userId, to_webhook: String(toWebhook) };
    return this.#caller.call('athlete', { method: 'GET', path: '/athlete', query }, request, (json, answer) =>
      answer.tolerate(parseDataResponse('athlete', json, toWebhook, answer.subject)),
    ) as Promise<TerraApiResponse<DataResultFor<O, Athlete>>>;
  }
}

/**
 * Adds one method per date-range data type to a class, named by `name` from the capitalized type
 * (`getActivity` of `User`, `getActivityForUser` of `Terra`): the one place those methods are made.
 * Their types are declared by the mapped types `UserDataReads` and `UserRangeReads`; `read` gets the
 * type, its capitalized name and the call's arguments.
 * @internal
 */
export function addRangeReads<C>(
  prototype: C,
  name: (type: Capitalize<RangeDataType>) => string,
  read: (this: C, type: RangeDataType, typeName: Capitalize<RangeDataType>, ...args: never[]) => unknown,
): void {
  for (const type of RANGE_DATA_TYPES) {
    const capitalized = `${type.charAt(0).toUpperCase()}${type.slice(1)}` as Capitalize<RangeDataType>;
    const key = name(capitalized);
    // A computed key names the function after the method, for stack traces. The arguments are typed
    // `never` here: the mapped types give each method its real signature.
    const method = {
      [key](this: C, ...args: never[]) {
        return read.call(this, type, capitalized, ...args);
      },
    }[key];
    Object.defineProperty(prototype, key, { value: method, writable: true, configurable: true });
  }
}
