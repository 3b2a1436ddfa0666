/**
 * Waiting: the one abortable sleep (retries, rate limits, polls) and the one poll loop (lab reports'
 * `waitForResult`, backfill's `done`).
 * @internal
 * @packageDocumentation
 */

/** Resolves after `ms`, or rejects with `abortError()` as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined, abortError: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** How {@link poll} looks and when it gives up. */
export interface PollOptions {
  /** Time between two looks, in milliseconds (the last wait is cut short by the deadline). */
  intervalMs: number;
  /** How long to look in all, in milliseconds, counted from the call. */
  maxWaitMs: number;
  /** Stops the waits between looks. */
  signal: AbortSignal | undefined;
  /** The error to reject with when `signal` aborts. */
  aborted: () => Error;
  /** The error to reject with when `maxWaitMs` has passed and the last look found nothing. */
  timedOut: () => Error;
}

/**
 * Calls `look` until it returns something other than `undefined`, waiting `intervalMs` between
 * looks; the first look is immediate and a look is always made before giving up.
 */
export async function poll<T>(look: () => Promise<T | undefined>, options: PollOptions): Promise<T> {
  const deadline = Date.now() + options.maxWaitMs;
  for (;;) {
    const found = await look();
    if (found !== undefined) return found;
    const left = deadline - Date.now();
    if (left <= 0) throw options.timedOut();
    await sleep(Math.min(options.intervalMs, left), options.signal, options.aborted);
  }
}
