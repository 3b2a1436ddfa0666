/**
 * The stop signal of one network attempt, shared by the client and `fetchS3Payload`: it aborts when
 * the attempt's time is up or when the caller's own signal aborts, and says which of the two it was.
 * @internal
 * @packageDocumentation
 */

/** One attempt's stop signal. Call `end()` once the attempt is over, whatever its outcome. */
export interface AttemptStop {
  /** Aborts at `timeout` or with the caller's signal. */
  readonly signal: AbortSignal;
  /** Whether the time ran out (rather than the caller aborting). */
  timedOut(): boolean;
  /** Clears the timer and stops listening to the caller's signal. */
  end(): void;
}

/** A stop signal for an attempt of at most `timeout` milliseconds, also stopped by `signal`. */
export function stopAfter(timeout: number, signal: AbortSignal | undefined): AttemptStop {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeout);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    end() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}
