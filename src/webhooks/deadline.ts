/**
 * Deadlines for reading request bodies. A timer per request costs a webhook endpoint about as much
 * as verifying a small delivery (Node's timer list is re-sorted on every insert and removal), so
 * deadlines of a second or more share one sweep that runs every {@link SWEEP_MS} while any is
 * pending: such a deadline fires up to that much late. Shorter ones get a timer of their own.
 *
 * Pending deadlines are a linked list rather than a `Set`: adding and removing one is a few field
 * writes, where a `Set` hashes each new entry (an identity hash is allocated for every object).
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
  prev: Pending | undefined;
  next: Pending | undefined;
  linked: boolean;
}

let head: Pending | undefined;
let tail: Pending | undefined;
let sweeper: ReturnType<typeof setInterval> | undefined;

function unlink(entry: Pending): void {
  if (!entry.linked) return;
  entry.linked = false;
  if (entry.prev) entry.prev.next = entry.next;
  else head = entry.next;
  if (entry.next) entry.next.prev = entry.prev;
  else tail = entry.prev;
  entry.prev = undefined;
  entry.next = undefined;
}

function sweep(): void {
  const now = Date.now();
  // Due entries first, then expired: an `expire` may stop or start other deadlines.
  const due: Pending[] = [];
  for (let entry = head; entry !== undefined; entry = entry.next) if (entry.at <= now) due.push(entry);
  for (const entry of due) {
    if (!entry.linked) continue;
    unlink(entry);
    entry.expire();
  }
  if (head === undefined && sweeper !== undefined) {
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
  const entry: Pending = { at: Date.now() + ms, expire, prev: tail, next: undefined, linked: true };
  if (tail) tail.next = entry;
  else head = entry;
  tail = entry;
  if (sweeper === undefined) {
    sweeper = setInterval(sweep, SWEEP_MS);
    // Node: a pending read keeps its socket, and so the process, alive; the sweep need not.
    (sweeper as { unref?: () => void }).unref?.();
  }
  return () => unlink(entry);
}
