/**
 * `terra.backfill`: a user's history requested in pieces that keep Terra's rules, paced by its
 * rate-limit headers, delivered to the webhook, and tracked to the last chunk through a store.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TerraAbortError, TerraError, TerraInvalidArgumentError, TerraRateLimitError } from '../errors.js';
import { type UserRef, userIdOf } from '../internal/arguments.js';
import { DAY_MS, querySeconds, toQueryDate } from '../internal/dates.js';
import {
  abortSignal,
  convertedBy,
  flag,
  methods,
  milliseconds,
  optionsOf,
  parseArguments,
  wholeNumber,
} from '../internal/options.js';
import { poll, sleep } from '../internal/wait.js';
import { type DataResult, RANGE_DATA_TYPES, type RangeDataType, type TerraApiResponse } from '../response.js';
import type { DataReads } from './data.js';

/** The data types a backfill can request: those read over a date range. */
export type BackfillDataType = RangeDataType;

const BACKFILL_TYPES = RANGE_DATA_TYPES;

/** How far a request's data has arrived, as a store reports it. */
export interface BackfillProgress {
  /** Payloads to wait for; null until known (a large request before `large_request_sending`). */
  readonly expected: number | null;
  /** Payloads received. */
  readonly received: number;
  /** Whether every expected payload arrived. */
  readonly complete: boolean;
}

/**
 * What a backfill needs of a store, described by shape: the connection store of
 * `terra-sdk/connections` (`createConnectionStore`) is one. It must be the store your webhook
 * receivers write to, so that `done` sees chunks whichever receiver got them.
 */
export interface BackfillStore {
  /** Records that a request with this reference sends its data to the webhook. */
  expectRequest(
    reference: string,
    options?: { expected?: number | undefined; terraUserId?: string | undefined },
  ): Promise<unknown>;
  /** How far the request with this reference has arrived, or `undefined` if nothing is known of it. */
  largeRequest(reference: string): Promise<BackfillProgress | undefined>;
}

/** Options of {@link Terra.backfill}. */
export interface BackfillOptions {
  /** The first day of the history: a `Date`, a `YYYY-MM-DD` date (00:00 UTC) or unix seconds. */
  from: Date | string | number;
  /**
   * The end of the history, exclusive, in the same forms. Default: tomorrow 00:00 UTC, so today is
   * included.
   */
  to?: Date | string | number | undefined;
  /** The data types to request: `activity`, `body`, `daily`, `sleep`, `nutrition`, `menstruation`. */
  types: readonly BackfillDataType[];
  /**
   * Where each request's `terra-reference` is recorded, so that {@link Backfill.done} can tell when
   * every chunk arrived: the store your webhook handler writes to. Without it, `done` rejects.
   */
  store?: BackfillStore | undefined;
  /**
   * Days per request. Default: calendar months (UTC), which Terra sends in one delivery or, for a month
   * it treats as large, in chunks it announces. At most 1,825 (rule r1).
   */
  chunkDays?: number | undefined;
  /** Include time series (heart-rate samples, GPS, ...). Default `true`. */
  withSamples?: boolean | undefined;
  /** Stops the requests and any wait (for the rate limit or in `done`): rejects with `TerraAbortError`. */
  signal?: AbortSignal | undefined;
  /** How often `done` reads the store, in milliseconds. Default 2,000. */
  pollIntervalMs?: number | undefined;
  /**
   * How long `done` waits for the data, in milliseconds from when you first read it, before it
   * rejects with {@link TerraBackfillTimeoutError}. Default 30 minutes.
   */
  maxWaitMs?: number | undefined;
  /** Rate-limit waits (429 rule r2, or no days left in the window) allowed per request. Default 5. */
  maxRateLimitWaits?: number | undefined;
  /**
   * The most requests the backfill may send in all, retries after a rate limit or a "processing"
   * answer included. A history that needs more (ranges × types) is refused before the first request,
   * with a `TerraInvalidArgumentError` saying how many it needs; one that runs out on retries stops
   * with a `TerraError`. Default 1,000 (at most 100,000): over 13 years of months for six types.
   */
  maxRequests?: number | undefined;
  /**
   * The least time between the start of two requests, in milliseconds, so a backfill never floods
   * Terra even when its rate-limit headers say nothing. Default 100 (at most 10 requests a second); 0 to at most 60,000.
   */
  minIntervalMs?: number | undefined;
}

/** One request a backfill made. */
export interface BackfillRequest {
  /** The data type requested. */
  readonly type: BackfillDataType;
  /** The first day requested, as sent (`YYYY-MM-DD`, or unix seconds for a start inside a day). */
  readonly startDate: string;
  /** The end, exclusive, as sent. */
  readonly endDate: string;
  /** Days it counts for against rule r2. */
  readonly days: number;
  /**
   * What Terra answered: `sent` (one delivery will follow), `large` (chunks will follow, announced
   * by `large_request_sending`), `no_data` (Terra has nothing for the range: nothing follows),
   * `returned` (the data came in the answer itself).
   */
  readonly outcome: 'sent' | 'large' | 'no_data' | 'returned';
  /** The `terra-reference` the deliveries will carry (`sent` and `large`). */
  readonly reference: string | undefined;
}

/** What {@link Backfill.done} resolves to. */
export interface BackfillResult {
  /** The requests made. */
  readonly requests: readonly BackfillRequest[];
  /** Payloads received for them, as the store counted (each delivery once). */
  readonly payloads: number;
}

/** A backfill whose requests Terra accepted. Made by {@link Terra.backfill}. */
export interface Backfill {
  /** The Terra user id the history was requested for. */
  readonly userId: string;
  /** Every request made, newest range first. */
  readonly requests: readonly BackfillRequest[];
  /**
   * Resolves once every request's data has arrived at your webhook receivers, as the store tells:
   * for a request Terra sends in one delivery, when that delivery arrived; for a large request, when
   * every payload its `large_request_sending` announced arrived. A request Terra answered with no data
   * (`no_data`) or with the data itself (`returned`) has nothing to wait for and counts as arrived at
   * once; a backfill of only such requests is done at once. The store is read every `pollIntervalMs`,
   * so receivers in other processes count. Rejects with {@link TerraBackfillTimeoutError} after
   * `maxWaitMs`, with `TerraAbortError` when `signal` aborts, and with `TerraInvalidArgumentError` when
   * the backfill has no `store`. Read it when you want to wait: nothing runs until then.
   */
  readonly done: Promise<BackfillResult>;
}

/**
 * The data of a backfill did not all arrive within `maxWaitMs`. Says how many requests are still
 * missing and lists their references (Terra's ids, no data), to look them up in the store.
 */
export class TerraBackfillTimeoutError extends TerraError {
  /** Always `'TerraBackfillTimeoutError'`, the class name, as in stack traces. */
  override name = 'TerraBackfillTimeoutError';
  /** The `terra-reference` of each request whose data has not all arrived. */
  readonly missing: readonly string[];

  constructor(missing: readonly string[], waitedMs: number) {
    super(
      `backfill: the data of ${missing.length} request(s) did not all arrive within ${waitedMs} ms. ` +
        'Check that Terra can reach your webhook and that your receivers write to the store given to backfill; ' +
        'store.largeRequest(reference) shows how far each one got.',
    );
    this.missing = missing;
  }
}

const MONTHS = 0;
const DEFAULT_POLL_MS = 2_000;
const DEFAULT_MAX_REQUESTS = 1_000;
const MAX_MAX_REQUESTS = 100_000;
const DEFAULT_MIN_INTERVAL_MS = 100;
const DEFAULT_MAX_WAIT_MS = 30 * 60_000;
/** Waits for Terra's "still processing" answer per request. */
const MAX_PROCESSING_WAITS = 5;
/** The longest single wait for a rate limit or a processing answer. */
const MAX_WAIT_STEP_MS = 60 * 60_000;

const instant = (name: string) =>
  convertedBy((value) => {
    if (value === undefined)
      throw new TerraInvalidArgumentError(name, `${name} is required: a Date, a YYYY-MM-DD date or unix seconds`);
    return querySeconds(toQueryDate(value, name)) * 1000;
  });

const backfillOptions = optionsOf<BackfillOptions>()(() => ({
  from: instant('from'),
  to: z.optional(instant('to')),
  types: z
    .array(
      z.enum(BACKFILL_TYPES as [BackfillDataType, ...BackfillDataType[]], {
        error: `types must be a non-empty array of ${BACKFILL_TYPES.join(', ')}`,
      }),
      {
        error: `types must be a non-empty array of ${BACKFILL_TYPES.join(', ')}`,
      },
    )
    .check(
      z.refine((types) => types.length > 0 && new Set(types).size === types.length, {
        error: `types must be a non-empty array of ${BACKFILL_TYPES.join(', ')}, each once`,
      }),
    ),
  store: z.optional(methods<BackfillStore>('store', ['expectRequest', 'largeRequest'])),
  chunkDays: z.optional(wholeNumber('chunkDays', 1, 1825)),
  withSamples: z._default(flag('withSamples'), true),
  signal: z.optional(abortSignal('signal')),
  pollIntervalMs: z._default(milliseconds('pollIntervalMs'), DEFAULT_POLL_MS),
  maxWaitMs: z._default(milliseconds('maxWaitMs'), DEFAULT_MAX_WAIT_MS),
  maxRateLimitWaits: z._default(wholeNumber('maxRateLimitWaits', 0, 100), 5),
  maxRequests: z._default(wholeNumber('maxRequests', 1, MAX_MAX_REQUESTS), DEFAULT_MAX_REQUESTS),
  minIntervalMs: z._default(wholeNumber('minIntervalMs', 0, 60_000), DEFAULT_MIN_INTERVAL_MS),
}));

/** A query date for an instant: `YYYY-MM-DD` at midnight UTC, unix seconds otherwise. */
function queryDate(ms: number): string {
  return ms % DAY_MS === 0 ? new Date(ms).toISOString().slice(0, 10) : String(Math.floor(ms / 1000));
}

/** A query date as the data methods take it: a calendar date string, or unix seconds as a number. */
const asSent = (query: string): string | number => (/^\d+$/.test(query) ? Number(query) : query);

/** The first instant (UTC) of the month holding `ms`, for any year (`Date.UTC` reads 0-99 as 19xx). */
function monthStart(ms: number): number {
  const date = new Date(ms);
  date.setUTCDate(1);
  date.setUTCHours(0, 0, 0, 0);
  return date.getTime();
}

/**
 * The ranges to request, newest first: calendar months, or `chunkDays` days each. Stops after
 * `limit + 1` ranges (enough to tell the caller there are too many), and on any range that would not
 * move back in time, so it always ends.
 */
export function backfillRanges(
  fromMs: number,
  toMs: number,
  chunkDays = MONTHS,
  limit = Number.POSITIVE_INFINITY,
): { start: number; end: number }[] {
  const ranges: { start: number; end: number }[] = [];
  let end = toMs;
  while (end > fromMs && ranges.length <= limit) {
    const start = Math.max(chunkDays === MONTHS ? monthStart(end - 1) : end - chunkDays * DAY_MS, fromMs);
    // Only a non-finite bound could get here; a range that does not move back would repeat forever.
    if (!(start < end)) break;
    ranges.push({ start, end });
    end = start;
  }
  return ranges;
}

/** The abort error of a backfill's waits. */
const aborted = (what: string) => () => new TerraAbortError('WAIT', what);

/** Runs a backfill: the body of {@link Terra.backfill}. @internal */
export async function runBackfill(data: DataReads, user: UserRef, options: BackfillOptions): Promise<Backfill> {
  const userId = userIdOf(user);
  const given = parseArguments(backfillOptions, options, 'backfill options');
  const toMs = given.to ?? (Math.floor(Date.now() / DAY_MS) + 1) * DAY_MS;
  if (toMs <= given.from)
    throw new TerraInvalidArgumentError('to', 'to must be after from (to is exclusive, as Terra reads end_date)');
  const { signal, store } = given;
  const perRequest = given.types.length;
  const ranges = backfillRanges(given.from, toMs, given.chunkDays, Math.ceil(given.maxRequests / perRequest));
  if (ranges.length * perRequest > given.maxRequests)
    throw new TerraInvalidArgumentError(
      'maxRequests',
      `backfill: this history needs more than ${given.maxRequests} requests (maxRequests); ` +
        'ask for a shorter range, fewer types, a larger chunkDays, or raise maxRequests',
    );
  const requests: BackfillRequest[] = [];
  // What Terra last said of the user's rule-r2 window.
  let window: { remaining: number; resetAt: number } | undefined;
  let sentCount = 0;
  let lastSentAt = Number.NEGATIVE_INFINITY;

  for (const range of ranges) {
    const days = Math.max(1, Math.ceil((range.end - range.start) / DAY_MS));
    const startDate = queryDate(range.start);
    const endDate = queryDate(range.end);
    for (const type of given.types) {
      const what = `/${type}`;
      let rateLimitWaits = 0;
      let processingWaits = 0;
      for (;;) {
        if (window !== undefined && window.remaining < days) {
          const wait = window.resetAt - Date.now();
          window = undefined;
          if (wait > 0) {
            if (rateLimitWaits++ >= given.maxRateLimitWaits) throw tooManyWaits(type, startDate);
            await sleep(Math.min(wait, MAX_WAIT_STEP_MS), signal, aborted(what));
          }
        }
        if (sentCount >= given.maxRequests)
          throw new TerraError(
            `backfill: stopped after ${sentCount} requests (maxRequests) while retrying GET /${type} from ${startDate}; run the backfill again later, or with a higher maxRequests.`,
          );
        // The pace: a wait (abortable) so requests start at least minIntervalMs apart.
        const pause = lastSentAt + given.minIntervalMs - Date.now();
        if (pause > 0) await sleep(pause, signal, aborted(what));
        else if (signal?.aborted) throw aborted(what)();
        sentCount++;
        lastSentAt = Date.now();
        let response: TerraApiResponse<DataResult<unknown>>;
        try {
          response = await data.range(
            type,
            userId,
            { startDate: asSent(startDate), endDate: asSent(endDate), toWebhook: true, withSamples: given.withSamples },
            { signal },
          );
        } catch (error) {
          // Rule r1 cannot be waited out; r2 can, for as long as Terra says.
          if (!(error instanceof TerraRateLimitError) || error.rule === 'r1') throw error;
          if (rateLimitWaits++ >= given.maxRateLimitWaits) throw error;
          await sleep(
            Math.min(error.retryAfterMs ?? error.resetAfterMs ?? 60_000, MAX_WAIT_STEP_MS),
            signal,
            aborted(what),
          );
          continue;
        }
        const limits = response.rateLimit;
        // Paced only when Terra says when the window resets; otherwise a 429 says how long to wait.
        if (limits?.remaining !== undefined && limits.resetAfterMs !== undefined)
          window = { remaining: limits.remaining, resetAt: Date.now() + limits.resetAfterMs };
        const result = response.getParsedResponse();
        if (result.kind === 'RequestProcessing') {
          if (processingWaits++ >= MAX_PROCESSING_WAITS)
            throw new TerraError(
              `backfill: Terra still answered "processing" to GET /${type} from ${startDate} after ${MAX_PROCESSING_WAITS} waits; run the backfill again later.`,
            );
          await sleep(Math.min((result.retry_after_seconds ?? 10) * 1000, MAX_WAIT_STEP_MS), signal, aborted(what));
          continue;
        }
        const reference = result.kind === 'SentToWebhook' ? result.reference : undefined;
        const outcome: BackfillRequest['outcome'] =
          result.kind === 'NoDataReturned'
            ? 'no_data'
            : result.kind === 'DataReturned'
              ? 'returned'
              : typeof result.message === 'string' && result.message.trim() !== ''
                ? 'large'
                : 'sent';
        // Terra adds a message to its answer only for a large request, which announces its payloads.
        if (store !== undefined && reference !== undefined)
          await store.expectRequest(reference, { expected: outcome === 'large' ? undefined : 1, terraUserId: userId });
        requests.push({ type, startDate, endDate, days, outcome, reference });
        break;
      }
    }
  }

  let done: Promise<BackfillResult> | undefined;
  return {
    userId,
    requests,
    get done() {
      done ??= waitForData(requests, store, given.pollIntervalMs, given.maxWaitMs, signal);
      return done;
    },
  };
}

function tooManyWaits(type: string, startDate: string): TerraError {
  return new TerraError(
    `backfill: GET /${type} from ${startDate} still had no rate-limit room after the allowed waits (maxRateLimitWaits); run the backfill again later, or with a higher maxRateLimitWaits.`,
  );
}

async function waitForData(
  requests: readonly BackfillRequest[],
  store: BackfillStore | undefined,
  pollIntervalMs: number,
  maxWaitMs: number,
  signal: AbortSignal | undefined,
): Promise<BackfillResult> {
  const tracked = requests.filter((r) => r.reference !== undefined).map((r) => r.reference as string);
  if (tracked.length === 0) return { requests, payloads: 0 };
  if (store === undefined)
    throw new TerraInvalidArgumentError(
      'store',
      'backfill.done needs a store to tell when the data arrived: pass { store } (the one your webhook handler writes to) to backfill.',
    );
  const received = new Map<string, number>();
  let pending = [...new Set(tracked)];
  return poll(
    async () => {
      const still: string[] = [];
      for (const reference of pending) {
        const progress = await store.largeRequest(reference);
        received.set(reference, progress?.received ?? 0);
        if (!progress?.complete) still.push(reference);
      }
      pending = still;
      if (pending.length > 0) return undefined;
      let payloads = 0;
      for (const count of received.values()) payloads += count;
      return { requests, payloads };
    },
    {
      intervalMs: pollIntervalMs,
      maxWaitMs,
      signal,
      aborted: aborted('backfill.done'),
      timedOut: () => new TerraBackfillTimeoutError(pending, maxWaitMs),
    },
  );
}
