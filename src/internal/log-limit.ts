/**
 * A rate limit for log lines the SDK writes by default, so that a burst of deliveries cannot flood
 * an application's logs: at most `perMinute` lines in any one-minute window; the lines held back are
 * counted, and the count is told on the next line written.
 * @internal
 * @packageDocumentation
 */

/** Writes a line if the limit allows; returns whether it did. */
export type LimitedLog = (line: string) => boolean;

/** A log that writes through `write` at most `perMinute` lines a minute, on the clock `now`. */
export function limitedLog(write: (line: string) => void, perMinute: number, now: () => number): LimitedLog {
  let windowStart = Number.NEGATIVE_INFINITY;
  let written = 0;
  let heldBack = 0;
  return (line) => {
    const at = now();
    if (at - windowStart >= 60_000 || at < windowStart) {
      windowStart = at;
      written = 0;
    }
    if (written >= perMinute) {
      heldBack++;
      return false;
    }
    written++;
    const note = heldBack > 0 ? ` (${heldBack} similar line(s) held back in the last minute)` : '';
    heldBack = 0;
    write(`${line}${note}`);
    return true;
  };
}
