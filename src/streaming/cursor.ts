/**
 * Where a consumer keeps its cursor (the last `seq` it processed) between runs.
 *
 * @packageDocumentation
 */

/**
 * A durable cursor: any object with `get` and `set`, each synchronous or returning a promise. The
 * consumer calls `get()` once when it starts (unless `after` is given) and `set(seq)` after each
 * item the caller has taken (when the caller asks for the next one, or leaves the loop), so a process
 * restarted after a crash resumes from the last item it finished: at least once across a crash
 * (the item being processed when it died comes again), exactly once within a run.
 *
 * Back it with anything that survives a restart: a row in your database (one per consumer name), a
 * file, a key in Redis.
 */
export interface StreamCursorStore {
  /** The saved cursor (a `seq` as decimal digits), or `undefined` when none is saved yet. */
  get(): string | undefined | Promise<string | undefined>;
  /** Saves `seq` (decimal digits) as the cursor. */
  set(seq: string): void | Promise<void>;
}

/** A {@link StreamCursorStore} in memory, for tests and for one process that keeps its stream open. */
export class MemoryCursorStore implements StreamCursorStore {
  #seq: string | undefined;

  /** @param seq - The cursor to start from, if any. */
  constructor(seq?: string) {
    this.#seq = seq;
  }

  /** The saved cursor. */
  get(): string | undefined {
    return this.#seq;
  }

  /** Saves the cursor. */
  set(seq: string): void {
    this.#seq = seq;
  }
}

/** A {@link MemoryCursorStore}, starting from `seq` if given. */
export function createMemoryCursorStore(seq?: string): MemoryCursorStore {
  return new MemoryCursorStore(seq);
}
