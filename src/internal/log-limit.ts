/**
 * A rate limit for the log lines the SDK writes by default (failed deliveries, drift), so that a
 * burst of requests to a public endpoint cannot flood an application's logs: at most `perMinute`
 * lines in any one-minute window. The lines left out are counted, and the count is written as one
 * line when the window is over (or with the next line, whichever comes first).
 * @internal
 * @packageDocumentation
 */

/** Writes a line if the limit allows; returns whether it did. */
export type LimitedLog = (line: string) => boolean;

/** How a {@link limitedLog} writes, and what it says about the lines it left out. */
export interface LimitedLogOptions {
  /** Where lines go. */
  write: (line: string) => void;
  /** Lines a minute, at most. */
  perMinute: number;
  /** The line that counts the lines left out in a window. */
  leftOut: (count: number) => string;
  /** The clock that starts and ends windows. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/** A log that writes at most `perMinute` lines a minute. */
export function limitedLog({ write, perMinute, leftOut, now = Date.now }: LimitedLogOptions): LimitedLog {
  let windowStart = Number.NEGATIVE_INFINITY;
  let written = 0;
  let counted = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tell = () => {
    clearTimeout(timer);
    timer = undefined;
    if (counted > 0) write(leftOut(counted));
    counted = 0;
  };
  return (line) => {
    const at = now();
    if (at - windowStart >= 60_000 || at < windowStart) {
      tell();
      windowStart = at;
      written = 0;
    }
    if (written < perMinute) {
      written++;
      write(line);
      return true;
    }
    counted++;
    if (timer === undefined) {
      timer = setTimeout(tell, Math.max(0, windowStart + 60_000 - at));
      // Node: the count must not keep alive a process that has nothing else to do.
      (timer as { unref?: () => void }).unref?.();
    }
    return false;
  };
}
