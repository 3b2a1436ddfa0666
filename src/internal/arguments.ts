/**
 * The arguments and options of the client's methods, as schemas for the one options checker: what
 * each accepts, the messages for what it refuses, and the values each resolves to (defaults, query
 * dates), so the methods themselves only build requests.
 * @internal
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import type { AuthenticationUrlOptions, ListUsersPageOptions, TerraRequest, WidgetSessionOptions } from '../client.js';
import { TerraInvalidArgumentError, TerraValidationError } from '../errors.js';
import { parseStrict } from '../models/parse.js';
import type { AthleteRequestOptions, DataRequestOptions, ModifyUserOptions } from '../user.js';
import { querySeconds, toQueryDate } from './dates.js';
import type { RequestOptions } from './http.js';
import {
  abortSignal,
  convertedBy,
  flag,
  lazy,
  milliseconds,
  optionsOf,
  parseArguments,
  positiveNumber,
  text,
  url,
  wholeNumber,
} from './options.js';

/** `extraQuery`: query parameters as strings, from strings, finite numbers and booleans. */
const extraQuery = lazy(() =>
  convertedBy((value): Record<string, string> => {
    const example = '{ retry_if_rate_limited: true }';
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new TerraInvalidArgumentError(
        'extraQuery',
        `extraQuery must be an object of query parameters, such as ${example}`,
      );
    }
    const query: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key.trim() === '' || key.trim() !== key) {
        throw new TerraInvalidArgumentError('extraQuery', 'extraQuery has an empty or padded parameter name');
      }
      if (item === undefined) continue;
      const ok =
        typeof item === 'string' || typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item));
      if (!ok) {
        throw new TerraInvalidArgumentError(
          `extraQuery.${key}`,
          `extraQuery.${key} must be a string, a finite number or a boolean`,
        );
      }
      query[key] = String(item);
    }
    return query;
  }),
);

/** The last argument of every method. */
export const requestOptions = optionsOf<RequestOptions>()(() => ({
  signal: z.optional(abortSignal('signal')),
  timeout: z.optional(milliseconds('timeout')),
  maxRetries: z.optional(wholeNumber('maxRetries', 0, 10)),
  extraQuery: z.optional(extraQuery),
}));

/**
 * An id Terra issued (a workout, a planned workout, a lab-report session): a string, since such ids
 * can exceed 2^53 and lose digits as numbers. Sent as one path segment, encoded.
 */
export function terraId(name: string) {
  return convertedBy((value): string => {
    if (typeof value === 'number' || typeof value === 'bigint') {
      throw new TerraInvalidArgumentError(
        name,
        `${name} must be the id as the string Terra returned: ids can exceed 2^53, where numbers lose digits`,
      );
    }
    if (typeof value !== 'string' || value.trim() === '') {
      throw new TerraInvalidArgumentError(name, `${name} must be a non-empty string`);
    }
    if (value.trim() !== value) {
      throw new TerraInvalidArgumentError(name, `${name} has leading or trailing whitespace; remove it`);
    }
    // URLs resolve these two even when encoded: they would address another path.
    if (value === '.' || value === '..') throw new TerraInvalidArgumentError(name, `${name} cannot be . or ..`);
    return value;
  });
}

/** An id from {@link terraId}, checked, as an encoded path segment. */
export function pathSegment(schema: z.ZodMiniType<string>, value: unknown, name: string): string {
  return encodeURIComponent(parseArguments(schema, value, name));
}

/** A `YYYY-MM-DD` calendar date (planned workouts, lab-report filters); a Date would be ambiguous about its zone. */
export function calendarDay(name: string) {
  return convertedBy((value): string => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      throw new TerraInvalidArgumentError(
        name,
        `${name} must be a YYYY-MM-DD date string, such as 2026-07-01 (the day in the user's own calendar)`,
      );
    }
    return toQueryDate(value, name);
  });
}

/** A user given as a `User`, a record with a `user_id`, or the user id itself. */
export function userIdOf(user: unknown, name = 'user'): string {
  const id =
    typeof user === 'object' && user !== null && 'user_id' in user ? (user as { user_id: unknown }).user_id : user;
  return parseArguments(text(typeof user === 'object' && user !== null ? `${name}.user_id` : name), id, name);
}

const redirectUrl = (name: string) =>
  z.optional(url(name, 'any', 'https://app.example/connected or yourapp://connected'));

export const authenticationUrlOptions = optionsOf<AuthenticationUrlOptions>()(() => ({
  resource: text('resource'),
  referenceId: z.optional(text('referenceId')),
  authSuccessRedirectUrl: redirectUrl('authSuccessRedirectUrl'),
  authFailureRedirectUrl: redirectUrl('authFailureRedirectUrl'),
  language: z.optional(text('language')),
}));

const providerList = lazy(() =>
  z.pipe(
    z.array(
      text('providers[]').check(
        z.refine((name) => !name.includes(','), { error: 'a provider name cannot contain a comma' }),
      ),
      { error: 'providers must be an array of provider names' },
    ),
    // Terra takes one comma-separated string; an empty list means the dashboard's selection.
    z.transform((names) => (names.length > 0 ? names.join(',') : undefined)),
  ),
);

export const widgetSessionOptions = optionsOf<WidgetSessionOptions>()(() => ({
  providers: z.optional(providerList),
  referenceId: z.optional(text('referenceId')),
  authSuccessRedirectUrl: redirectUrl('authSuccessRedirectUrl'),
  authFailureRedirectUrl: redirectUrl('authFailureRedirectUrl'),
  language: z.optional(text('language')),
}));

export const listUsersOptions = optionsOf<Partial<ListUsersPageOptions>>()(() => ({
  page: z.optional(wholeNumber('page', 0)),
  perPage: z.optional(wholeNumber('perPage', 1)),
})).check(
  z.superRefine((options, ctx) => {
    if (options.page === undefined && options.perPage !== undefined) {
      ctx.issues.push({
        code: 'custom',
        path: ['perPage'],
        message: 'perPage needs page (Terra pages only when page is given)',
        input: options,
      });
    }
  }),
);

export const iterateUsersOptions = optionsOf<{ perPage?: number | undefined }>()(() => ({
  perPage: z.optional(wholeNumber('perPage', 1)),
}));

export const providersDetailedOptions = optionsOf<{ sdk?: boolean | undefined }>()(() => ({
  sdk: z.optional(flag('sdk')),
}));

const queryDate = (name: string) =>
  convertedBy((value) => {
    if (value === undefined) {
      throw new TerraInvalidArgumentError(name, `${name} is required: a Date, a YYYY-MM-DD date or unix seconds`);
    }
    return toQueryDate(value, name);
  });

export const dataOptions = optionsOf<DataRequestOptions>()(() => ({
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

export const athleteOptions = optionsOf<AthleteRequestOptions>()(() => ({
  toWebhook: z._default(flag('toWebhook'), true),
}));

/** A list of user ids (`POST /bulkUserInfo`). */
export const userIdList = lazy(() =>
  z
    .array(text('userIds[]'), { error: 'userIds must be a non-empty array of user ids' })
    .check(z.minLength(1, { error: 'userIds must be a non-empty array of user ids' })),
);

/**
 * A model given as an argument (a workout template, records to write), checked against its schema
 * before any request: the first problem becomes a {@link TerraInvalidArgumentError} naming its path.
 */
export function modelArgument<T>(schema: z.ZodMiniType<T>, value: unknown, name: string): T {
  try {
    return parseStrict(schema, value, name);
  } catch (error) {
    if (!(error instanceof TerraValidationError)) throw error;
    const first = error.issues[0];
    const where = first && first.path !== '$' ? `${name}${first.path.slice(1)}` : name;
    const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more)` : '';
    const model = error.model ? ` a ${error.model}` : ' valid';
    throw new TerraInvalidArgumentError(
      where,
      `${name} is not${model}: at ${where}: ${first?.message ?? 'invalid'}${more}`,
    );
  }
}

/** A non-empty list of models of one schema (records to write), each checked. */
export function modelListArgument<T>(schema: z.ZodMiniType<T>, value: unknown, name: string): T[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new TerraInvalidArgumentError(name, `${name} must be a non-empty array`);
  }
  return value.map((item, i) => modelArgument(schema, item, `${name}[${i}]`));
}

/** An optional finite number above zero (an athlete's threshold, a pool's length). */
export const optionalNumber = (name: string) => z.optional(positiveNumber(name));

/** An object without its `undefined` fields, for JSON bodies: options left out are not sent. */
export function definedFields<T extends Record<string, unknown>>(
  object: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** `modifyUser`: at least one of the two changes. */
export const modifyUserOptions = lazy(() =>
  optionsOf<ModifyUserOptions>()(() => ({
    referenceId: z.optional(text('referenceId')),
    active: z.optional(flag('active')),
  })).check(
    z.superRefine((options, ctx) => {
      if (options.referenceId === undefined && options.active === undefined) {
        ctx.issues.push({
          code: 'custom',
          path: [],
          message: 'modifyUser options must give referenceId, active or both: there is nothing to change',
          input: options,
        });
      }
    }),
  ),
);

/** A path below the base URL for `terra.request`: no other origin, no way out of it, no query. */
const apiPath = lazy(() =>
  convertedBy((value): string => {
    const example = 'such as /lab-reports/123/reprocess';
    if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) {
      throw new TerraInvalidArgumentError('path', `path must start with a single /, below the base URL (${example})`);
    }
    if (/[?#\\\s]/.test(value) || /\p{Cc}/u.test(value)) {
      throw new TerraInvalidArgumentError(
        'path',
        'path cannot hold ?, #, \\ or whitespace: pass parameters in query, and encode ids with encodeURIComponent',
      );
    }
    if (value.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) {
      throw new TerraInvalidArgumentError('path', 'path cannot hold . or .. segments: they would leave the base URL');
    }
    return value;
  }),
);

const queryValue = (name: string) =>
  z.union([z.string(), z.number().check(z.refine(Number.isFinite)), z.boolean(), z.undefined()], {
    error: `${name} values must be strings, finite numbers or booleans`,
  });

/** `terra.request`'s description of the request. */
export const rawRequestOptions = optionsOf<TerraRequest<unknown>>()(() => ({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], {
    error: 'method must be GET, POST, PUT, PATCH or DELETE (upper case)',
  }),
  path: apiPath,
  query: z.optional(z.record(z.string(), queryValue('query'), { error: 'query must be an object of parameters' })),
  body: z.optional(z.unknown()),
  schema: z.optional(
    z.custom<z.core.$ZodType<unknown>>((value) => typeof value === 'object' && value !== null && '_zod' in value, {
      error: 'schema must be a zod schema (such as LabReportSessionSchema)',
    }),
  ),
}));
