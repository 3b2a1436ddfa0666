/**
 * The replay merge: how a DISPATCH is placed so that every `seq` is delivered once and in order.
 *
 * After any reconnect (or a start from a saved cursor) the consumer waits for the first live
 * DISPATCH on the new socket, then asks REPLAY for the exclusive range `(last seq seen, first live
 * seq)` and sends a HEARTBEAT right after it. Replayed frames (below the first live seq) are
 * delivered as they come; live frames are held until the ACK of that heartbeat, which the gateway
 * sends after the replay because it answers a socket's frames in order. Anything at or below the
 * last `seq` seen is a duplicate and dropped. On a quiet stream (no live frame in time) the replay
 * reaches up to the newest frame and everything is held and sorted until its barrier.
 *
 * @packageDocumentation
 */
import type { StreamStats, StreamWarning } from './consumer-options.js';
import { clientFrame, compareSeq, MAX_SEQ, type StreamItem } from './protocol.js';
import { type Session, sendHeartbeat } from './session.js';

/** What the merge reads and calls on the stream it feeds. @internal */
export interface MergeTarget<T> {
  /** The highest seq kept so far. */
  readonly seen: string | undefined;
  /** Items waiting for the caller, held live frames included. */
  readonly buffered: number;
  /** `maxBufferedFrames`. */
  readonly max: number;
  /** The stream's counters, updated in place. */
  readonly stats: StreamStats;
  /** Keeps a new frame (queued for the caller); may end the session on overflow. */
  keep(session: Session, item: StreamItem<T>, replayed: boolean): void;
  /** Ends the session because the buffer is full, to resume with REPLAY later. */
  overflow(session: Session): void;
  /** Reports something the stream survived. */
  warn(warning: StreamWarning): void;
}

/** Places one DISPATCH of `session` according to its phase. Returns false for a DISPATCH before READY. @internal */
export function mergeDispatch<T>(target: MergeTarget<T>, session: Session, item: StreamItem<T>): boolean {
  const seen = target.seen;
  switch (session.phase) {
    case 'live':
      if (seen !== undefined && compareSeq(item.seq, seen) <= 0) {
        if (session.before !== undefined && compareSeq(item.seq, session.before) < 0) {
          // A replayed frame after the replay's barrier: too late to keep the order.
          target.stats.lateReplays++;
          target.warn({ code: 'late_replay', message: 'A replayed frame arrived after the replay had ended' });
        } else target.stats.duplicates++;
        return true;
      }
      target.keep(session, item, false);
      return true;
    case 'replaying': {
      const before = session.before;
      if (before === undefined) {
        // A replay up to the newest: replayed and live frames are told apart only by sorting.
        if (target.buffered >= target.max) {
          quietOverflow(target, session);
          return true;
        }
        hold(target, session, item);
        return true;
      }
      if (compareSeq(item.seq, before) < 0) {
        if (seen !== undefined && compareSeq(item.seq, seen) <= 0) {
          target.stats.duplicates++;
          return true;
        }
        target.keep(session, item, true);
        return true;
      }
      if (target.buffered >= target.max) {
        target.overflow(session);
        return true;
      }
      hold(target, session, item);
      return true;
    }
    case 'awaiting': {
      if (seen === undefined || compareSeq(item.seq, seen) <= 0) {
        session.phase = 'live';
        return mergeDispatch(target, session, item);
      }
      // The first live frame bounds the gap: fetch (seen, item.seq), then a heartbeat as a barrier.
      clearTimeout(session.quietTimer);
      session.phase = 'replaying';
      session.before = item.seq;
      session.held.push(item);
      try {
        session.socket.send(clientFrame.replay(seen, item.seq));
      } catch {
        return true;
      }
      sendHeartbeat(session);
      session.barrier = session.heartbeatsSent;
      return true;
    }
    default:
      // A DISPATCH before READY: the gateway's business, not the caller's.
      return false;
  }
}

function hold<T>(target: MergeTarget<T>, session: Session, item: StreamItem<T>): void {
  session.held.push(item);
  if (target.buffered > target.stats.maxBuffered) target.stats.maxBuffered = target.buffered;
}

/** The ACK of the replay's barrier came: deliver the held frames in order and go live. @internal */
export function endReplay<T>(target: MergeTarget<T>, session: Session): void {
  session.phase = 'live';
  const held = session.held;
  session.held = [];
  const quiet = session.before === undefined;
  if (quiet) {
    held.sort((a, b) => compareSeq(a.seq, b.seq));
    // Later frames above this are live; a late replayed frame is one below it.
    session.before = held.at(-1)?.seq;
  }
  keepAll(target, session, held as StreamItem<T>[], quiet);
}

/** No live frame came to bound the gap: replay up to the newest frame the gateway keeps. @internal */
export function quietReplay<T>(target: MergeTarget<T>, session: Session): void {
  const seen = target.seen;
  if (session.ended || session.phase !== 'awaiting' || seen === undefined) return;
  session.phase = 'replaying';
  session.before = undefined;
  try {
    session.socket.send(clientFrame.replay(seen, MAX_SEQ));
  } catch {
    return;
  }
  sendHeartbeat(session);
  session.barrier = session.heartbeatsSent;
}

/**
 * A replay up to the newest filled the buffer before it ended: keep the lower half of what came
 * (sorted), which the replay covers completely unless live frames took more than half the buffer
 * during it, and resume from there later.
 */
function quietOverflow<T>(target: MergeTarget<T>, session: Session): void {
  const held = session.held;
  session.held = [];
  held.sort((a, b) => compareSeq(a.seq, b.seq));
  const keep = held.slice(0, Math.max(1, Math.floor(held.length / 2)));
  keepAll(target, session, keep as StreamItem<T>[], true);
  if (!session.ended) target.overflow(session);
}

/** Keeps frames in order, dropping those already seen, until the session ends. */
function keepAll<T>(target: MergeTarget<T>, session: Session, items: StreamItem<T>[], replayed: boolean): void {
  for (const item of items) {
    const seen = target.seen;
    if (seen !== undefined && compareSeq(item.seq, seen) <= 0) target.stats.duplicates++;
    else target.keep(session, item, replayed);
    if (session.ended) return;
  }
}
