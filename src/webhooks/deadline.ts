/**
 * Deadlines for reading request bodies. A timer per request costs a webhook endpoint about as much
 * as verifying a small delivery (Node's timer list is re-sorted on every insert and removal), so
 * deadlines of a second or more share one sweep that runs every {@link SWEEP_MS} while any is
 * pending: such a deadline fires up to that much late. Shorter ones get a timer of their own.
 *
 * @internal
 * @packageDocumentation
 */

/** How often pending deadlines are checked, in milliseconds. */
export const SWEEP_MS = 100;
/** Deadlines at least this long share the sweep. */
const SHARED_FROM_MS = 1_000;

interface Pending {
  at: number;
  expire: () => void;
}

const pending = new Set<Pending>();
let sweeper: ReturnType<typeof setInterval> | undefined;

function sweep(): void {
  const now = Date.now();
  for (const entry of pending) {
    if (entry.at <= now) {
      pending.delete(entry);
      entry.expire();
    }
  }
  if (pending.size === 0 && sweeper !== undefined) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** Calls `expire` once `ms` milliseconds have passed, unless the returned function is called first. */
export function startDeadline(ms: number, expire: () => void): () => void {
  if (ms < SHARED_FROM_MS) {
    const timer = setTimeout(expire, ms);
    return () => clearTimeout(timer);
  }
  const entry: Pending = { at: Date.now() + ms, expire };
  pending.add(entry);
  if (sweeper === undefined) {
    sweeper = setInterval(sweep, SWEEP_MS);
    // Node: a pending read keeps its socket, and so the process, alive; the sweep need not.
    (sweeper as { unref?: () => void }).unref?.();
  }
  return () => {
    pending.delete(entry);
  };
}
