/**
 * The argument checks every resource shares (request options, Terra ids, users, dates, models), as
 * schemas for the one options checker. Each resource's own options and their schemas live beside
 * its calls in `src/resources/`.
 * @internal
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TerraInvalidArgumentError, TerraValidationError } from '../errors.js';
import { parseStrict } from '../models/parse.js';
import { toQueryDate } from './dates.js';
import type { RequestOptions } from './http.js';
import {
  abortSignal,
  characterProblem,
  convertedBy,
  lazy,
  milliseconds,
  optionsOf,
  parseArguments,
  positiveNumber,
  renamedOption,
  text,
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
  timeoutMs: z.optional(milliseconds('timeoutMs')),
  timeout: z.optional(milliseconds('timeout')),
  maxRetries: z.optional(wholeNumber('maxRetries', 0, 10)),
  extraQuery: z.optional(extraQuery),
}));

/** Checks the last argument of a method: {@link requestOptions}, with `timeout` read as `timeoutMs`. */
export function checkRequestOptions(request: unknown) {
  const checked = parseArguments(requestOptions, request, 'request options');
  const timeoutMs = renamedOption<number>(checked, 'timeoutMs', 'timeout');
  if (timeoutMs.conflict !== undefined) throw new TerraInvalidArgumentError('timeoutMs', timeoutMs.conflict);
  return { ...checked, timeoutMs: timeoutMs.value, timeout: undefined };
}

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
    const problem = characterProblem(value, name, false);
    if (problem !== undefined) throw new TerraInvalidArgumentError(name, problem);
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

/** A user as the calls take it: a `User` (or any record with a `user_id`), or the user id itself. */
export type UserRef =
  | string
  | {
      /** The Terra user id. */
      readonly user_id: string;
    };

/** A user given as a `User`, a record with a `user_id`, or the user id itself. */
export function userIdOf(user: unknown, name = 'user'): string {
  const id =
    typeof user === 'object' && user !== null && 'user_id' in user ? (user as { user_id: unknown }).user_id : user;
  return parseArguments(text(typeof user === 'object' && user !== null ? `${name}.user_id` : name), id, name);
}

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

/** A non-empty list of ids (user ids, record ids to delete). */
export const idList = (name: string, what = 'ids') =>
  z
    .array(text(`${name}[]`), { error: `${name} must be a non-empty array of ${what}` })
    .check(z.minLength(1, { error: `${name} must be a non-empty array of ${what}` }));
