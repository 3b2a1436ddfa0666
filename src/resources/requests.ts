/**
 * `terra.request`: a call to any path of Terra's API, for what this version of the SDK has no
 * method for, with everything every method gets (credentials, retries, time limits, typed errors).
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TerraInvalidArgumentError } from '../errors.js';
import type { Parse, Requester } from '../internal/caller.js';
import type { RequestOptions } from '../internal/http.js';
import { convertedBy, lazy, optionsOf, parseArguments } from '../internal/options.js';
import { parseStrict } from '../models/parse.js';
import type { TerraApiResponse } from '../response.js';

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

/** A path below the base URL: no other origin, no way out of it, no query. */
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

const rawRequestOptions = optionsOf<TerraRequest<unknown>>()(() => ({
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

/** Sends a {@link TerraRequest}: the body of {@link Terra.request}. @internal */
export async function sendRawRequest<T>(
  caller: Requester,
  options: TerraRequest<T>,
  request: RequestOptions | undefined,
): Promise<TerraApiResponse<T | unknown>> {
  const given = parseArguments(rawRequestOptions, options, 'request');
  if (given.body !== undefined && given.method === 'GET') {
    throw new TerraInvalidArgumentError('body', 'a GET request cannot have a body: send parameters in query');
  }
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(given.query ?? {})) if (value !== undefined) query[key] = String(value);
  const { schema } = given;
  const parse: Parse<unknown> = (json, answer) => (schema ? parseStrict(schema, json, answer.subject) : json);
  return caller.call('request', { method: given.method, path: given.path, query, body: given.body }, request, parse);
}
