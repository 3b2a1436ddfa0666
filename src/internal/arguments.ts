/**
 * The arguments and options of the client's methods, as schemas for the one options checker: what
 * each accepts, the messages for what it refuses, and the values each resolves to (defaults, query
 * dates), so the methods themselves only build requests.
 * @internal
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import type { AuthenticationUrlOptions, ListUsersPageOptions, WidgetSessionOptions } from '../client.js';
import { TerraInvalidArgumentError } from '../errors.js';
import type { AthleteRequestOptions, DataRequestOptions } from '../user.js';
import { querySeconds, toQueryDate } from './dates.js';
import type { RequestOptions } from './http.js';
import {
  abortSignal,
  convertedBy,
  flag,
  milliseconds,
  optionsOf,
  parseArguments,
  text,
  url,
  wholeNumber,
} from './options.js';

/** The last argument of every method. */
export const requestOptions = optionsOf<RequestOptions>()({
  signal: z.optional(abortSignal('signal')),
  timeout: z.optional(milliseconds('timeout')),
  maxRetries: z.optional(wholeNumber('maxRetries', 0, 10)),
});

/** A user given as a `User`, a record with a `user_id`, or the user id itself. */
export function userIdOf(user: unknown, name = 'user'): string {
  const id =
    typeof user === 'object' && user !== null && 'user_id' in user ? (user as { user_id: unknown }).user_id : user;
  return parseArguments(text(typeof user === 'object' && user !== null ? `${name}.user_id` : name), id, name);
}

const redirectUrl = (name: string) =>
  z.optional(url(name, 'any', 'https://app.example/connected or yourapp://connected'));

export const authenticationUrlOptions = optionsOf<AuthenticationUrlOptions>()({
  resource: text('resource'),
  referenceId: z.optional(text('referenceId')),
  authSuccessRedirectUrl: redirectUrl('authSuccessRedirectUrl'),
  authFailureRedirectUrl: redirectUrl('authFailureRedirectUrl'),
  language: z.optional(text('language')),
});

const providerList = z.pipe(
  z.array(
    text('providers[]').check(
      z.refine((name) => !name.includes(','), { error: 'a provider name cannot contain a comma' }),
    ),
    { error: 'providers must be an array of provider names' },
  ),
  // Terra takes one comma-separated string; an empty list means the dashboard's selection.
  z.transform((names) => (names.length > 0 ? names.join(',') : undefined)),
);

export const widgetSessionOptions = optionsOf<WidgetSessionOptions>()({
  providers: z.optional(providerList),
  referenceId: z.optional(text('referenceId')),
  authSuccessRedirectUrl: redirectUrl('authSuccessRedirectUrl'),
  authFailureRedirectUrl: redirectUrl('authFailureRedirectUrl'),
  language: z.optional(text('language')),
});

export const listUsersOptions = optionsOf<Partial<ListUsersPageOptions>>()({
  page: z.optional(wholeNumber('page', 0)),
  perPage: z.optional(wholeNumber('perPage', 1)),
}).check(
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

export const iterateUsersOptions = optionsOf<{ perPage?: number | undefined }>()({
  perPage: z.optional(wholeNumber('perPage', 1)),
});

export const providersDetailedOptions = optionsOf<{ sdk?: boolean | undefined }>()({
  sdk: z.optional(flag('sdk')),
});

const queryDate = (name: string) =>
  convertedBy((value) => {
    if (value === undefined) {
      throw new TerraInvalidArgumentError(name, `${name} is required: a Date, a YYYY-MM-DD date or unix seconds`);
    }
    return toQueryDate(value, name);
  });

export const dataOptions = optionsOf<DataRequestOptions>()({
  startDate: queryDate('startDate'),
  endDate: z.optional(queryDate('endDate')),
  toWebhook: z._default(flag('toWebhook'), true),
  withSamples: z._default(flag('withSamples'), true),
}).check(
  z.superRefine((options, ctx) => {
    if (options.endDate !== undefined && querySeconds(options.endDate) < querySeconds(options.startDate)) {
      ctx.issues.push({ code: 'custom', path: ['endDate'], message: 'endDate is before startDate', input: options });
    }
  }),
);

export const athleteOptions = optionsOf<AthleteRequestOptions>()({
  toWebhook: z._default(flag('toWebhook'), true),
});

/** A list of user ids (`POST /bulkUserInfo`). */
export const userIdList = z
  .array(text('userIds[]'), { error: 'userIds must be a non-empty array of user ids' })
  .check(z.minLength(1, { error: 'userIds must be a non-empty array of user ids' }));
