/** Waiting in tests: for something another process, a timer or a queue does, or for the test's say-so. */

/**
 * Resolves once `check` holds, looking every `everyMs`; rejects with "timed out waiting for `what`"
 * after `timeoutMs`.
 */
export async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what = 'the condition',
  everyMs = 5,
): Promise<void> {
  // A monotonic clock: the wall clock of a virtual machine can jump, ending the wait early.
  const end = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A promise that stays pending until `release()` (a listener held running, a body held back). */
export function gate(): { promise: Promise<void>; release: () => void } {
  let release = () => {};
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}
