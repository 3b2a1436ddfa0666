/**
 * The client's retry policy, in small functions of its own: which answers are retried and how long
 * to wait before each retry.
 *
 * GET and DELETE retry on 408, 429 with rule r2, 5xx, time-outs and network errors; POST and the
 * other methods never. The wait before retry n (from 1) is a jittered exponential backoff (about
 * 0.5 s, 1 s, 2 s, ... at most 8 s), or, on 408, 429 and 503, the answer's `Retry-After` when it is
 * readable and not in the past, capped at 60 s. An unreadable one (`soon-ish`), a negative one or a
 * date already past falls back to the backoff.
 *
 * @internal
 * @packageDocumentation
 */
import { rateLimitRule, retryAfterMs } from './rate-limit.js';

/** Methods that are retried; the others (POST, PATCH, uploads) never are. */
export const RETRIED_METHODS: ReadonlySet<string> = new Set(['GET', 'DELETE']);
/** The longest `Retry-After` honoured, in milliseconds; a longer one is cut to this. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** The longest backoff between retries, in milliseconds. */
export const BACKOFF_LIMIT_MS = 8_000;

/** Whether an error answer is worth another attempt (for a method that is retried at all). */
export function isRetriedStatus(status: number, headers: Headers): boolean {
  if (status === 429) return rateLimitRule(headers) === 'r2';
  return status === 408 || (status >= 500 && status <= 599);
}

/** Backoff before retry `n` (from 1): 0.5 s × 2^(n-1), at most 8 s, with equal jitter. */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  const delay = Math.min(500 * 2 ** (retry - 1), BACKOFF_LIMIT_MS);
  return delay / 2 + (random() * delay) / 2;
}

/**
 * How long to wait before retry `n` (from 1): the answer's `Retry-After` on 408, 429 and 503 when
 * it is readable, capped at {@link MAX_RETRY_AFTER_MS}; otherwise {@link backoffMs}.
 */
export function retryDelayMs(
  retry: number,
  answer: { status: number; headers: Headers } | undefined,
  random: () => number = Math.random,
): number {
  if (answer && (answer.status === 408 || answer.status === 429 || answer.status === 503)) {
    const asked = retryAfterMs(answer.headers);
    if (asked !== undefined) return Math.min(asked, MAX_RETRY_AFTER_MS);
  }
  return backoffMs(retry, random);
}
