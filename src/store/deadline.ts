/**
 * The store's time limit on its operations, kept with one timer for all of them.
 *
 * Every operation of a store has the same limit, so operations expire in the order they started:
 * they wait in a queue in that order, and one timer is set for the oldest one still running. A
 * timer per operation (`setTimeout`, `clearTimeout` and a `Promise.race`) was measured at about a
 * fiftieth of a data delivery's time on PostgreSQL. The timer holds the process open only while an
 * operation runs, as a timer per operation did.
 * @internal
 */

interface Waiting {
  /** `performance.now()` at which the operation expires. */
  readonly at: number;
  settled: boolean;
  readonly expire: () => void;
}

/** Runs `work` within the limit: `expired()` is the rejection when it is not settled in time. */
export type Within = <T>(work: Promise<T>, expired: () => Error) => Promise<T>;

/**
 * Whether `timer` holds the process open. Node's and Bun's timers can be told; where `setTimeout`
 * returns a number (a browser, an edge runtime) there is no process to hold.
 */
function hold(timer: ReturnType<typeof setTimeout> | undefined, held: boolean): void {
  const handle = timer as { ref?: unknown; unref?: unknown } | undefined;
  if (typeof handle !== 'object' || handle === null) return;
  const method = held ? handle.ref : handle.unref;
  if (typeof method === 'function') method.call(handle);
}

/** Past this many settled operations at the queue's front, it is compacted (not popped one by one). */
const COMPACT_AFTER = 1024;

/**
 * The limit of `timeoutMs` milliseconds, measured on the monotonic clock (this machine's wall
 * clock may jump).
 */
export function deadline(timeoutMs: number): Within {
  const queue: Waiting[] = [];
  let head = 0;
  /** Operations started and not settled. */
  let running = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** Drops settled operations from the front of the queue. */
  const dropSettled = () => {
    while (head < queue.length && (queue[head] as Waiting).settled) head++;
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else if (head > COMPACT_AFTER && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
  };

  /** Sets the timer for the oldest running operation, when there is one and no timer is set. */
  const arm = () => {
    if (timer !== undefined || head === queue.length) return;
    timer = setTimeout(expireDue, Math.max(0, (queue[head] as Waiting).at - performance.now()));
  };

  /** Rejects every operation whose time is up, then waits for the next one. */
  const expireDue = () => {
    timer = undefined;
    const now = performance.now();
    while (head < queue.length) {
      const waiting = queue[head] as Waiting;
      if (!waiting.settled) {
        if (waiting.at > now) break;
        waiting.settled = true;
        running--;
        waiting.expire();
      }
      head++;
    }
    dropSettled();
    arm();
  };

  return <T>(work: Promise<T>, expired: () => Error) =>
    new Promise<T>((resolve, reject) => {
      const waiting: Waiting = {
        at: performance.now() + timeoutMs,
        settled: false,
        expire: () => reject(expired()),
      };
      queue.push(waiting);
      running++;
      // A timer set for an earlier operation stays: when it fires, it sets the next one. It holds
      // the process open again now that an operation runs.
      if (timer === undefined) arm();
      else if (running === 1) hold(timer, true);
      const settle = (): boolean => {
        if (waiting.settled) return false;
        waiting.settled = true;
        running--;
        if (running === 0) hold(timer, false);
        dropSettled();
        return true;
      };
      // Handled either way: a failure after the limit must not become an unhandled rejection.
      work.then(
        (value) => {
          if (settle()) resolve(value);
        },
        (error: unknown) => {
          if (settle()) reject(error);
        },
      );
    });
}
