/**
 * Terra's rate-limit headers (`X-Terra-RateLimit-*`, `Retry-After`), read in one place for the
 * successful responses (`TerraApiResponse.rateLimit`), the 429 errors and the retry policy.
 * @internal
 * @packageDocumentation
 */

/** Rate-limit state Terra reports on data requests (`X-Terra-RateLimit-*`). */
export interface RateLimitInfo {
  /** Days that may be requested per window (`X-Terra-RateLimit-Limit`). */
  readonly limit: number | undefined;
  /** Days left in the window (`X-Terra-RateLimit-Remaining`). */
  readonly remaining: number | undefined;
  /** Milliseconds until the window resets (`X-Terra-RateLimit-Reset-After`). */
  readonly resetAfterMs: number | undefined;
}

/** A header holding a finite number, or `undefined`. */
export function numberHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** The `X-Terra-RateLimit-*` headers, or `undefined` when Terra sent none. */
export function readRateLimit(headers: Headers): RateLimitInfo | undefined {
  const limit = numberHeader(headers, 'x-terra-ratelimit-limit');
  const remaining = numberHeader(headers, 'x-terra-ratelimit-remaining');
  const resetAfter = numberHeader(headers, 'x-terra-ratelimit-reset-after');
  if (limit === undefined && remaining === undefined && resetAfter === undefined) return undefined;
  return { limit, remaining, resetAfterMs: resetAfter === undefined ? undefined : resetAfter * 1000 };
}

/** The rule a 429 names (`X-Terra-RateLimit-Rule`: `r1` or `r2`), lowercased. */
export function rateLimitRule(headers: Headers): string | undefined {
  return headers.get('x-terra-ratelimit-rule')?.trim().toLowerCase() || undefined;
}

/**
 * `Retry-After` in milliseconds: seconds or an HTTP date. `undefined` when it is absent, unreadable
 * (`soon-ish`) or negative: the caller then falls back to its own backoff.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
