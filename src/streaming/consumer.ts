/**
 * The consumer stream: one WebSocket to the gateway at a time, kept open across failures,
 * delivering every `seq` exactly once and in increasing order. This file is the public class and
 * its bounded buffer; the options are in `consumer-options.ts`, one socket's handshake and
 * heartbeats in `session.ts`, the reconnect rules in `reconnect.ts`, and how replayed and live
 * frames are merged without a gap in `replay-merge.ts`.
 *
 * How memory stays bounded: at most `maxBufferedFrames` items wait (delivered-to-be and held live
 * frames together). At half of it the consumer stops reading the socket where the runtime allows it
 * (`ws`); a frame that would pass the limit is dropped and the socket closed, and once the caller has
 * worked the buffer down to a quarter the consumer reconnects and REPLAYs from the last `seq` it kept.
 * So a slow caller costs replays, never memory.
 *
 * @packageDocumentation
 */
import { TerraAbortError, type TerraInvalidArgumentError } from '../errors.js';
import {
  type CheckedOptions,
  checkOptions,
  type StreamConnectOptions,
  type StreamEndpoint,
  type StreamStats,
  type StreamWarning,
} from './consumer-options.js';
import type { StreamCursorStore } from './cursor.js';
import { TerraStreamError } from './errors.js';
import { FrameQueue } from './frame-queue.js';
import {
  clientFrame,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  dispatchItem,
  helloIntervalMs,
  readFrame,
  StreamCloseCode,
  type StreamFrameIssue,
  type StreamItem,
  StreamOp,
  StreamRole,
  toSeq,
} from './protocol.js';
import { afterClose, backoffMs, type CloseCounts, isRetriedTokenError, sleepUnlessAborted } from './reconnect.js';
import { endReplay, type MergeTarget, mergeDispatch, quietReplay } from './replay-merge.js';
import {
  clearSession,
  closeSessionSocket,
  FRAME_ISSUE_MESSAGES,
  heartbeatTick,
  newSession,
  type Session,
  type SessionEnd,
} from './session.js';
import { loadSocketFactory, type SocketFactory } from './socket.js';

const ITERATOR_DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * A live stream of {@link StreamItem}s, from `terra.streaming.connect()`. Iterate it with
 * `for await`; leaving the loop (or `close()`) closes the socket with 1000.
 *
 * @example
 * ```ts
 * const stream = terra.streaming.connect({ cursorStore });
 * for await (const item of stream) {
 *   console.log(item.seq, item.userId, item.type, item.data);
 * }
 * ```
 */
export class TerraStream<T = unknown> implements AsyncIterableIterator<StreamItem<T>> {
  readonly #endpoint: StreamEndpoint;
  /** The checked options; the hot ones are copied to fields below. */
  readonly #options: CheckedOptions;
  readonly #includeSynthetic: boolean;
  readonly #store: StreamCursorStore | undefined;
  readonly #max: number;
  readonly #onWarning: ((warning: StreamWarning) => void) | undefined;

  /** Items waiting for the caller. */
  readonly #queue = new FrameQueue<StreamItem<T>>();
  /** The highest seq kept (queued, delivered, or the starting cursor). */
  #seen: string | undefined;
  #cursor: string | undefined;
  /** The seq of the item the caller took last, saved to the store when the caller comes back. */
  #unsaved: string | undefined;
  #waiter: { resolve: () => void } | undefined;
  #drained: (() => void) | undefined;
  #paused = false;
  readonly #stopping = new AbortController();
  #started = false;
  #stopped = false;
  #error: Error | undefined;
  #session: Session | undefined;
  /** What `replay-merge.ts` sees of this stream. */
  readonly #merge: MergeTarget<T>;
  #stats: StreamStats = {
    connects: 0,
    received: 0,
    delivered: 0,
    replayed: 0,
    duplicates: 0,
    syntheticSkipped: 0,
    frameIssues: 0,
    lateReplays: 0,
    overflows: 0,
    maxBuffered: 0,
  };

  /** @internal Built by `terra.streaming.connect()`. */
  constructor(endpoint: StreamEndpoint, options?: StreamConnectOptions) {
    this.#endpoint = endpoint;
    let checked: CheckedOptions;
    try {
      checked = checkOptions(options);
    } catch (error) {
      // Refused through the first next(), as every async call of the SDK rejects rather than throws.
      checked = checkOptions(undefined);
      this.#error = error as Error;
      this.#started = true;
      this.#stopped = true;
    }
    this.#options = checked;
    this.#includeSynthetic = checked.includeSynthetic;
    this.#store = checked.cursorStore;
    this.#max = checked.maxBufferedFrames;
    this.#onWarning = checked.onWarning;
    const stream = this;
    this.#merge = {
      get seen() {
        return stream.#seen;
      },
      get buffered() {
        return stream.buffered;
      },
      max: this.#max,
      stats: this.#stats,
      keep: (session, item, replayed) => this.#keep(session, item, replayed),
      overflow: (session) => this.#overflow(session),
      warn: (warning) => this.#warn(warning),
    };
  }

  /** The `seq` of the last item delivered (or the starting cursor); `undefined` before any. */
  get cursor(): string | undefined {
    return this.#cursor;
  }

  /** A snapshot of the stream's counters. */
  get stats(): Readonly<StreamStats> {
    return { ...this.#stats };
  }

  /** Items waiting for the caller right now (never more than `maxBufferedFrames`). */
  get buffered(): number {
    return this.#queue.length + (this.#session?.held.length ?? 0);
  }

  /** The stream itself: it is its own iterator, to be iterated once. */
  [Symbol.asyncIterator](): this {
    return this;
  }

  /** The next item; resolves `done` after `close()`, rejects when the stream fails or is aborted. */
  next(): Promise<IteratorResult<StreamItem<T>, undefined>> {
    if (this.#unsaved !== undefined && this.#store !== undefined) {
      const seq = this.#unsaved;
      this.#unsaved = undefined;
      return Promise.resolve()
        .then(() => this.#store?.set(seq))
        .then(
          () => this.next(),
          (error: unknown) => {
            // A cursor that cannot be saved ends the stream: going on would lose the position.
            this.#stop(error instanceof Error ? error : new TerraStreamError('The cursor store failed'));
            throw error;
          },
        );
    }
    if (!this.#started) this.#start();
    if (this.#queue.length > 0) return Promise.resolve({ done: false, value: this.#take() });
    if (this.#error !== undefined) {
      const error = this.#error;
      return Promise.reject(error);
    }
    if (this.#stopped) return Promise.resolve(ITERATOR_DONE);
    const waiting = this.#waiter;
    if (waiting !== undefined) return new Promise<void>((resolve) => this.#chain(resolve)).then(() => this.next());
    return new Promise<void>((resolve) => {
      this.#waiter = { resolve };
    }).then(() => this.next());
  }

  /** Leaves the stream: saves the cursor of the last item taken and closes the socket with 1000. */
  async return(): Promise<IteratorReturnResult<undefined>> {
    await this.close();
    return ITERATOR_DONE;
  }

  /** Closes the stream (as {@link TerraStream.return}); the error is not kept. */
  async throw(): Promise<IteratorReturnResult<undefined>> {
    await this.close();
    return ITERATOR_DONE;
  }

  /** Closes the socket with 1000 and ends the iteration; saves the cursor of the last item taken. */
  async close(): Promise<void> {
    this.#stop(undefined);
    if (this.#unsaved !== undefined && this.#store !== undefined) {
      const seq = this.#unsaved;
      this.#unsaved = undefined;
      await this.#store.set(seq);
    }
  }

  #chain(resolve: () => void): void {
    const previous = this.#waiter;
    this.#waiter = {
      resolve: () => {
        previous?.resolve();
        resolve();
      },
    };
  }

  #take(): StreamItem<T> {
    const item = this.#queue.shift();
    this.#cursor = item.seq;
    this.#unsaved = item.seq;
    this.#stats.delivered++;
    const left = this.#queue.length;
    if (left <= this.#max / 4) {
      if (this.#paused) {
        this.#paused = false;
        this.#session?.socket.resume?.();
      }
      if (this.#drained !== undefined) {
        const drained = this.#drained;
        this.#drained = undefined;
        drained();
      }
    }
    return item;
  }

  #wake(): void {
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.resolve();
    }
  }

  #warn(warning: StreamWarning): void {
    try {
      this.#onWarning?.(warning);
    } catch {
      // A failing listener must not end the stream.
    }
  }

  /** Ends the stream: with `error` (next() rejects with it) or quietly. */
  #stop(error: Error | undefined): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (error !== undefined) this.#error = error;
    // Ends a wait before reconnecting and a token request in flight: nothing outlives close().
    this.#stopping.abort();
    const session = this.#session;
    if (session !== undefined)
      this.#endSession(session, { code: StreamCloseCode.NORMAL, reason: 'closed', ready: session.ready }, true);
    this.#drained?.();
    this.#wake();
  }

  #start(): void {
    this.#started = true;
    const signal = this.#options.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.#stop(new TerraAbortError('GET', '/connect'));
        return;
      }
      signal.addEventListener(
        'abort',
        () => {
          // An aborted stream delivers nothing more, not even what was waiting.
          this.#queue.clear();
          this.#stop(new TerraAbortError('GET', '/connect'));
        },
        { once: true },
      );
    }
    this.#run().catch((error: unknown) => {
      this.#stop(error instanceof Error ? error : new TerraStreamError('The stream failed'));
    });
  }

  async #run(): Promise<void> {
    const start = this.#options.after ?? (this.#store === undefined ? undefined : await this.#store.get());
    if (start !== undefined) {
      const seq = toSeq(start);
      if (seq === undefined) throw new TerraStreamError('The cursor store returned something that is not a seq');
      this.#seen = seq;
      this.#cursor = seq;
    }
    const factory = this.#endpoint.socketFactory ?? (await loadSocketFactory());
    let failures = 0;
    const counts: CloseCounts = { refusals: 0, limits: 0 };
    while (!this.#stopped) {
      if (failures > 0)
        await sleepUnlessAborted(
          backoffMs(failures, this.#options.minReconnectDelayMs, this.#options.maxReconnectDelayMs),
          this.#stopping.signal,
        );
      if (this.#stopped) return;
      let token: string;
      try {
        token = await this.#endpoint.token(this.#stopping.signal);
      } catch (error) {
        if (this.#stopped) return;
        if (!isRetriedTokenError(error)) throw error;
        failures++;
        continue;
      }
      if (this.#stopped) return;
      this.#stats.connects++;
      const end = await this.#open(factory, token);
      if (this.#stopped) return;
      if (end.ready) {
        failures = 0;
        counts.refusals = 0;
        counts.limits = 0;
      }
      if (end.dropped === 'overflow') {
        // Reconnect once the caller has caught up; REPLAY then fetches what was dropped.
        await new Promise<void>((resolve) => {
          if (this.#queue.length <= this.#max / 4) resolve();
          else this.#drained = resolve;
        });
        continue;
      }
      const next = afterClose(end, counts);
      if (next.wait) failures++;
      this.#warn(next.warning);
    }
  }

  /** Opens one socket and resolves when it ends. */
  #open(factory: SocketFactory, token: string): Promise<SessionEnd> {
    return new Promise<SessionEnd>((resolve) => {
      const session = newSession(resolve);
      this.#session = session;
      session.handshakeTimer = setTimeout(() => {
        this.#endSession(
          session,
          { code: StreamCloseCode.CLIENT_RECONNECT, reason: 'handshake timeout', ready: false, dropped: 'handshake' },
          true,
        );
      }, this.#options.handshakeTimeoutMs);
      try {
        session.socket = factory(this.#endpoint.socketUrl, {
          open: () => undefined,
          message: (text) => {
            if (!session.ended) this.#onMessage(session, text, token);
          },
          close: (code, reason) => {
            if (!session.ended) this.#endSession(session, { code, reason, ready: session.ready }, false);
          },
        });
      } catch {
        this.#endSession(session, { code: StreamCloseCode.ABNORMAL, reason: 'could not open', ready: false }, false);
      }
    });
  }

  /** Ends a session once: stops its timers, drops what it held, closes its socket if asked. */
  #endSession(session: Session, end: SessionEnd, close: boolean): void {
    if (session.ended) return;
    session.ended = true;
    clearSession(session);
    if (this.#session === session) this.#session = undefined;
    if (this.#paused) this.#paused = false;
    if (close) closeSessionSocket(session, end.code);
    session.end(end);
  }

  #onMessage(session: Session, text: string, token: string): void {
    const frame = readFrame(text);
    if (typeof frame === 'string') {
      this.#issue(frame);
      return;
    }
    switch (frame.op) {
      case StreamOp.DISPATCH: {
        const item = dispatchItem(frame, text);
        if (item === undefined) {
          this.#issue('missing_seq');
          return;
        }
        this.#stats.received++;
        if (!mergeDispatch(this.#merge, session, item as StreamItem<T>)) this.#issue('unexpected_op');
        return;
      }
      case StreamOp.HEARTBEAT_ACK:
        session.acks++;
        if (session.phase === 'replaying' && session.acks >= session.barrier) endReplay(this.#merge, session);
        return;
      case StreamOp.HELLO: {
        if (session.timer !== undefined) {
          this.#issue('unexpected_op');
          return;
        }
        const interval = helloIntervalMs(frame) ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
        session.socket.send(clientFrame.identify(StreamRole.CONSUMER, token));
        session.timer = setInterval(() => this.#heartbeat(session), interval);
        return;
      }
      case StreamOp.READY:
        if (session.ready) {
          this.#issue('unexpected_op');
          return;
        }
        session.ready = true;
        clearTimeout(session.handshakeTimer);
        session.phase = this.#seen === undefined ? 'live' : 'awaiting';
        if (session.phase === 'awaiting')
          session.quietTimer = setTimeout(() => quietReplay(this.#merge, session), this.#options.quietReplayDelayMs);
        return;
      default: {
        this.#issue('unexpected_op');
        return;
      }
    }
  }

  #heartbeat(session: Session): void {
    if (heartbeatTick(session, this.#paused))
      // An unanswered heartbeat means a dead socket.
      this.#endSession(
        session,
        { code: StreamCloseCode.CLIENT_RECONNECT, reason: 'no heartbeat ACK', ready: session.ready, dropped: 'dead' },
        true,
      );
  }

  /** Keeps a frame that is new: queues it for the caller (or skips it, synthetic) and moves `seen`. */
  #keep(session: Session, item: StreamItem<T>, replayed: boolean): void {
    if (item.synthetic && !this.#includeSynthetic) {
      this.#seen = item.seq;
      this.#stats.syntheticSkipped++;
      if (replayed) this.#stats.replayed++;
      return;
    }
    const waiting = this.#queue.length + session.held.length;
    if (waiting >= this.#max) {
      this.#overflow(session);
      return;
    }
    this.#seen = item.seq;
    if (replayed) this.#stats.replayed++;
    this.#queue.push(item);
    if (waiting + 1 > this.#stats.maxBuffered) this.#stats.maxBuffered = waiting + 1;
    if (!this.#paused && waiting + 1 >= this.#max / 2 && session.socket.pause !== undefined) {
      this.#paused = true;
      session.pausedSinceTick = true;
      session.socket.pause();
    }
    this.#wake();
  }

  #overflow(session: Session): void {
    this.#stats.overflows++;
    this.#warn({
      code: 'overflow',
      message: `${this.#max} items are waiting for the caller: closing the socket, to resume with REPLAY once it catches up`,
    });
    this.#endSession(
      session,
      { code: StreamCloseCode.CLIENT_RECONNECT, reason: 'consumer behind', ready: session.ready, dropped: 'overflow' },
      true,
    );
  }

  #issue(issue: StreamFrameIssue): void {
    this.#stats.frameIssues++;
    this.#warn({ code: issue, message: FRAME_ISSUE_MESSAGES[issue] });
  }
}

/**
 * Opens a consumer stream to the gateway at `endpoint`. `terra.streaming.connect()` is the public
 * way; this is what it calls. An invalid option rejects the first `next()` with
 * {@link TerraInvalidArgumentError}; nothing is opened before the first `next()`.
 * @internal
 */
export function openStream<T = unknown>(endpoint: StreamEndpoint, options?: StreamConnectOptions): TerraStream<T> {
  return new TerraStream<T>(endpoint, options);
}
