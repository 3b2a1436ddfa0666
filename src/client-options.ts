/**
 * The options of {@link Terra} and how they resolve: the value given, else the environment variable,
 * else the default; checked once, at construction.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TerraConfigurationError } from './errors.js';
import { DEFAULT_BASE_URL } from './internal/constants.js';
import { readEnv } from './internal/env.js';
import {
  callback,
  lazy,
  milliseconds,
  optionsOf,
  parseConfig,
  renamedOption,
  secrets,
  text,
  url,
  wholeNumber,
} from './internal/options.js';
import { DEFAULT_STREAMING_BASE_URL } from './streaming/url.js';

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
  /**
   * Time limit of each attempt, in milliseconds, from sending the request to the last byte of the
   * answer (redirects on the API's origin included). Default 60,000. A call takes at most
   * `timeoutMs × (maxRetries + 1)` plus the waits between attempts, each at most 60 s (`Retry-After`)
   * or 8 s (backoff); a POST, which is never retried, at most `timeoutMs`.
   */
  timeoutMs?: number | undefined;
  /**
   * The former name of {@link TerraOptions.timeoutMs}, still accepted; giving both with different
   * values is a `TerraConfigurationError`.
   * @deprecated Use `timeoutMs`; `timeout` is removed in 0.3.
   */
  timeout?: number | undefined;
  /**
   * Retries of a failed GET or DELETE (POST is never retried), on 408, 429 with rule r2, 5xx,
   * time-outs and network errors. Default 2.
   */
  maxRetries?: number | undefined;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * The real-time streaming gateway (its token endpoints; the socket is this address with `wss`/`ws`
   * and `/connect`). Default: env `TERRA_STREAMING_BASE_URL`, else `https://ws.tryterra.co`.
   */
  streamingBaseUrl?: string | undefined;
}

/** What `JSON.stringify(terra)` shows: the settings, never the credentials. */
export interface TerraSummary {
  /** The API's base URL. */
  baseUrl: string;
  /** Time limit of each attempt, in milliseconds. */
  timeout: number;
  /** Retries of a failed GET or DELETE. */
  maxRetries: number;
}

/** The default time limit of each attempt, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** The default number of retries of a failed GET or DELETE. */
export const DEFAULT_MAX_RETRIES = 2;

const BASE_URL_EXAMPLE = DEFAULT_BASE_URL;

const schema = optionsOf<TerraOptions>()(() => ({
  apiKey: z.optional(text('apiKey')),
  devId: z.optional(text('devId')),
  secret: z.optional(secrets()),
  baseUrl: z.optional(url('baseUrl', 'http', BASE_URL_EXAMPLE)),
  timeoutMs: z.optional(milliseconds('timeoutMs')),
  timeout: z.optional(milliseconds('timeout')),
  maxRetries: z.optional(wholeNumber('maxRetries', 0, 10)),
  fetch: z.optional(callback<typeof globalThis.fetch>('fetch')),
  streamingBaseUrl: z.optional(url('streamingBaseUrl', 'http', DEFAULT_STREAMING_BASE_URL)),
}));

/** The same checks for values read from the environment, named after their variables. */
const environment = lazy(() =>
  z.object({
    apiKey: z.optional(text('TERRA_API_KEY')),
    devId: z.optional(text('TERRA_DEV_ID')),
    secret: z.optional(secrets()),
    baseUrl: z.optional(url('TERRA_BASE_URL', 'http', BASE_URL_EXAMPLE)),
    streamingBaseUrl: z.optional(url('TERRA_STREAMING_BASE_URL', 'http', DEFAULT_STREAMING_BASE_URL)),
  }),
);

/** {@link TerraOptions} resolved: every value present and checked. @internal */
export interface ResolvedTerraOptions {
  apiKey: string;
  devId: string;
  /** The webhook secrets, or `undefined` when none is configured (only webhooks need one). */
  secrets: readonly string[] | undefined;
  /** Without a trailing slash. */
  baseUrl: string;
  timeout: number;
  maxRetries: number;
  fetch: typeof globalThis.fetch | undefined;
  /** Without a trailing slash. */
  streamingBaseUrl: string;
}

/**
 * Resolves and checks the options of `new Terra(options)`.
 * @throws {@link TerraConfigurationError} naming the option (and its environment variable).
 * @internal
 */
export function resolveTerraOptions(options: unknown): ResolvedTerraOptions {
  const given = parseConfig(schema, options, 'Terra options');
  const env = parseConfig(
    environment,
    {
      apiKey: given.apiKey === undefined ? readEnv('TERRA_API_KEY') : undefined,
      devId: given.devId === undefined ? readEnv('TERRA_DEV_ID') : undefined,
      secret: given.secret === undefined ? readEnv('TERRA_WEBHOOK_SECRET') : undefined,
      baseUrl: given.baseUrl === undefined ? readEnv('TERRA_BASE_URL') : undefined,
      streamingBaseUrl: given.streamingBaseUrl === undefined ? readEnv('TERRA_STREAMING_BASE_URL') : undefined,
    },
    'the environment',
  );
  const timeoutMs = renamedOption<number>(given, 'timeoutMs', 'timeout');
  if (timeoutMs.conflict !== undefined) throw new TerraConfigurationError('timeoutMs', timeoutMs.conflict);
  const credential = (option: 'apiKey' | 'devId', variable: string): string => {
    const value = given[option] ?? env[option];
    if (value === undefined) {
      throw new TerraConfigurationError(
        option,
        `Missing ${option}: pass { ${option} } to new Terra() or set ${variable}`,
      );
    }
    return value;
  };
  return {
    apiKey: credential('apiKey', 'TERRA_API_KEY'),
    devId: credential('devId', 'TERRA_DEV_ID'),
    secrets: given.secret ?? env.secret,
    baseUrl: (given.baseUrl ?? env.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    timeout: timeoutMs.value ?? DEFAULT_TIMEOUT_MS,
    maxRetries: given.maxRetries ?? DEFAULT_MAX_RETRIES,
    fetch: given.fetch,
    streamingBaseUrl: (given.streamingBaseUrl ?? env.streamingBaseUrl ?? DEFAULT_STREAMING_BASE_URL).replace(
      /\/+$/,
      '',
    ),
  };
}
