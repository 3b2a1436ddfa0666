/**
 * The consumer: one WebSocket to the gateway, kept open across failures, delivering every `seq`
 * exactly once and in increasing order.
 *
 * How there is no gap: after any reconnect (or a start from a saved cursor) the consumer waits for
 * the first live DISPATCH on the new socket, then asks REPLAY for the exclusive range
 * `(last seq seen, first live seq)` and sends a HEARTBEAT right after it. Replayed frames (below the
 * first live seq) are delivered as they come; live frames are held until the ACK of that heartbeat,
 * which the gateway sends after the replay because it answers a socket's frames in order. Anything
 * at or below the last `seq` seen is a duplicate and dropped.
 *
 * How memory stays bounded: at most `maxBufferedFrames` items wait (delivered-to-be and held live
 * frames together). At half of it the consumer stops reading the socket where the runtime allows it
 * (`ws`); a frame that would pass the limit is dropped and the socket closed, and once the caller has
 * worked the buffer down to a quarter the consumer reconnects and REPLAYs from the last `seq` it kept.
 * So a slow caller costs replays, never memory.
 *
 * @packageDocumentation
 */
import {
  TerraAbortError,
  TerraConnectionError,
  TerraInvalidArgumentError,
  TerraRateLimitError,
  TerraServerError,
} from '../errors.js';
import type { StreamCursorStore } from './cursor.js';
import {
  TerraStreamConsumerLimitError,
  TerraStreamError,
  TerraStreamProtocolError,
  TerraStreamTokenError,
} from './errors.js';
import {
  clientFrame,
  compareSeq,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  dispatchItem,
  helloIntervalMs,
  MAX_SEQ,
  PROTOCOL_ERROR_CODES,
  readFrame,
  StreamCloseCode,
  type StreamFrameIssue,
  type StreamItem,
  StreamOp,
  StreamRole,
  toSeq,
} from './protocol.js';
import { loadSocketFactory, type SocketFactory, type StreamSocket } from './socket.js';

/** The default of {@link StreamConnectOptions.maxBufferedFrames}. */
export const DEFAULT_MAX_BUFFERED_FRAMES = 10_000;
/** How many refused tokens (4001) in a row end the stream with {@link TerraStreamTokenError}. */
export const MAX_TOKEN_REFUSALS = 3;
/** How many 4002 closes in a row end the stream with {@link TerraStreamConsumerLimitError}. */
export const MAX_CONSUMER_LIMIT_CLOSES = 4;

/** Options of `terra.streaming.connect()`. */
export interface StreamConnectOptions {
  /**
   * Resume after this `seq` (a saved cursor): the stream starts with the retained frames after it,
   * fetched with REPLAY, then the live ones. Takes precedence over `cursorStore`. Digits as a
   * string, a bigint, or a safe integer.
   */
  after?: string | bigint | number | undefined;
  /** Ends the stream: the socket is closed with 1000 and the pending `next()` rejects with `TerraAbortError`. */
  signal?: AbortSignal | undefined;
  /** Deliver the dashboard's synthetic test traffic too. Default false: it is skipped. */
  includeSynthetic?: boolean | undefined;
  /** Where the cursor is read at the start (without `after`) and saved after each item taken. */
  cursorStore?: StreamCursorStore | undefined;
  /**
   * The most items kept waiting for the caller (plus live frames held during a replay). Default
   * 10,000. Beyond it the consumer stops reading and, if frames still come, closes the socket and
   * resumes with REPLAY once the caller has caught up.
   */
  maxBufferedFrames?: number | undefined;
  /** First wait before reconnecting, in milliseconds; doubled per failed attempt, with jitter. Default 500. */
  minReconnectDelayMs?: number | undefined;
  /** Longest wait before reconnecting, in milliseconds. Default 30,000. */
  maxReconnectDelayMs?: number | undefined;
  /** Time from opening a socket to READY, in milliseconds, before trying another. Default 15,000. */
  handshakeTimeoutMs?: number | undefined;
  /**
   * After a reconnect the missed frames are replayed up to the first live frame. When none comes
   * within this many milliseconds (a quiet stream), the consumer replays up to the newest instead,
   * holding every frame until the replay ends and sorting them. Default 1,000.
   */
  quietReplayDelayMs?: number | undefined;
  /**
   * Told about what the stream survived: frames set aside (not JSON, no `seq`, an unknown opcode),
   * replayed frames that came too late to keep the order, closes and reconnects. Never told payloads.
   */
  onWarning?: ((warning: StreamWarning) => void) | undefined;
}

/** Something the stream survived, reported to {@link StreamConnectOptions.onWarning}. */
export interface StreamWarning {
  /** What happened. */
  code: StreamFrameIssue | 'late_replay' | 'overflow' | 'reconnect';
  /** In words, without payload values. */
  message: string;
  /** The close code, for `reconnect`. */
  closeCode?: number | undefined;
}

/** Counters of one stream, for monitoring and tests. */
export interface StreamStats {
  /** Sockets opened; each used one fresh token. */
  connects: number;
  /** DISPATCH frames read. */
  received: number;
  /** Items handed to the caller. */
  delivered: number;
  /** Frames kept that came from a REPLAY. */
  replayed: number;
  /** Frames dropped because their `seq` was already seen. */
  duplicates: number;
  /** Synthetic frames skipped (without `includeSynthetic`). */
  syntheticSkipped: number;
  /** Frames set aside: not JSON, no `seq`, an unexpected opcode. */
  frameIssues: number;
  /** Replayed frames that arrived after the replay had ended, dropped to keep the order. */
  lateReplays: number;
  /** Times the buffer was full and the socket was closed to resume later. */
  overflows: number;
  /** The most items ever waiting at once (never above `maxBufferedFrames`). */
  maxBuffered: number;
}

/** What the consumer needs beyond the caller's options: where to connect and how to get a token. @internal */
export interface StreamEndpoint {
  /** `wss://.../connect`. */
  socketUrl: string;
  /** A fresh single-use consumer token; called once per socket, with the stream's own signal. */
  token: (signal: AbortSignal) => Promise<string>;
  /** The socket implementation (tests); default: the runtime's. */
  socketFactory?: SocketFactory | undefined;
}

/** How a session (one socket) ended. */
interface SessionEnd {
  code: number;
  reason: string;
  /** READY was reached. */
  ready: boolean;
  /** The consumer itself dropped the socket, and why. */
  dropped?: 'dead' | 'overflow' | 'handshake' | undefined;
}

/** One socket's state. */
interface Session {
  socket: StreamSocket;
  ready: boolean;
  /** `awaiting`: READY seen, waiting for the first live frame to bound a REPLAY. */
  phase: 'handshake' | 'awaiting' | 'replaying' | 'live';
  /** The first live seq (REPLAY's `before`); undefined for a replay up to the newest (a quiet stream). */
  before: string | undefined;
  quietTimer: ReturnType<typeof setTimeout> | undefined;
  /** Live frames held while the replay runs. */
  held: StreamItem[];
  heartbeatsSent: number;
  acks: number;
  /** The heartbeat whose ACK ends the replay. */
  barrier: number;
  /** Reading was paused since the last heartbeat tick (its ACK may be unread, not missing). */
  pausedSinceTick: boolean;
  timer: ReturnType<typeof setInterval> | undefined;
  handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  end: (end: SessionEnd) => void;
  ended: boolean;
}

function checkCount(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min)
    throw new TerraInvalidArgumentError(name, `${name} must be a number of at least ${min}`);
  return value;
}

const OPTION_NAMES: ReadonlySet<string> = new Set([
  'after',
  'signal',
  'includeSynthetic',
  'cursorStore',
  'maxBufferedFrames',
  'minReconnectDelayMs',
  'maxReconnectDelayMs',
  'handshakeTimeoutMs',
  'quietReplayDelayMs',
  'onWarning',
]);

interface CheckedOptions {
  after: string | undefined;
  signal: AbortSignal | undefined;
  includeSynthetic: boolean;
  cursorStore: StreamCursorStore | undefined;
  maxBufferedFrames: number;
  minReconnectDelayMs: number;
  maxReconnectDelayMs: number;
  handshakeTimeoutMs: number;
  quietReplayDelayMs: number;
  onWarning: ((warning: StreamWarning) => void) | undefined;
}

/** The options of `connect()`, checked. @throws {@link TerraInvalidArgumentError} */
function checkOptions(given: unknown): CheckedOptions {
  if (given !== undefined && (typeof given !== 'object' || given === null || Array.isArray(given)))
    throw new TerraInvalidArgumentError('options', 'connect() takes an options object');
  const options = (given ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(options))
    if (!OPTION_NAMES.has(key)) throw new TerraInvalidArgumentError(key, `connect() has no option ${key}`);
  const { signal, cursorStore, onWarning, includeSynthetic } = options;
  if (signal !== undefined && !(typeof signal === 'object' && signal !== null && 'aborted' in signal))
    throw new TerraInvalidArgumentError('signal', 'signal must be an AbortSignal');
  const store = cursorStore as { get?: unknown; set?: unknown } | undefined;
  if (store !== undefined && (typeof store?.get !== 'function' || typeof store?.set !== 'function'))
    throw new TerraInvalidArgumentError('cursorStore', 'cursorStore must have get() and set(seq) methods');
  if (onWarning !== undefined && typeof onWarning !== 'function')
    throw new TerraInvalidArgumentError('onWarning', 'onWarning must be a function');
  if (includeSynthetic !== undefined && typeof includeSynthetic !== 'boolean')
    throw new TerraInvalidArgumentError('includeSynthetic', 'includeSynthetic must be true or false');
  let after: string | undefined;
  if (options.after !== undefined) {
    after = toSeq(options.after);
    if (after === undefined)
      throw new TerraInvalidArgumentError('after', 'after must be a seq: decimal digits, a bigint or a safe integer');
  }
  return {
    after,
    signal: signal as AbortSignal | undefined,
    includeSynthetic: includeSynthetic === true,
    cursorStore: cursorStore as StreamCursorStore | undefined,
    maxBufferedFrames: checkCount('maxBufferedFrames', options.maxBufferedFrames, DEFAULT_MAX_BUFFERED_FRAMES, 4),
    minReconnectDelayMs: checkCount('minReconnectDelayMs', options.minReconnectDelayMs, 500, 0),
    maxReconnectDelayMs: checkCount('maxReconnectDelayMs', options.maxReconnectDelayMs, 30_000, 0),
    handshakeTimeoutMs: checkCount('handshakeTimeoutMs', options.handshakeTimeoutMs, 15_000, 1),
    quietReplayDelayMs: checkCount('quietReplayDelayMs', options.quietReplayDelayMs, 1_000, 0),
    onWarning: onWarning as ((warning: StreamWarning) => void) | undefined,
  };
}

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
  readonly #signal: AbortSignal | undefined;
  readonly #includeSynthetic: boolean;
  readonly #store: StreamCursorStore | undefined;
  readonly #max: number;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  readonly #handshakeTimeout: number;
  readonly #quietDelay: number;
  readonly #onWarning: ((warning: StreamWarning) => void) | undefined;
  readonly #after: string | undefined;

  /** Items waiting for the caller, from `#head` on. */
  #queue: StreamItem<T>[] = [];
  #head = 0;
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
    this.#signal = checked.signal;
    this.#includeSynthetic = checked.includeSynthetic;
    this.#store = checked.cursorStore;
    this.#max = checked.maxBufferedFrames;
    this.#minDelay = checked.minReconnectDelayMs;
    this.#maxDelay = checked.maxReconnectDelayMs;
    this.#handshakeTimeout = checked.handshakeTimeoutMs;
    this.#quietDelay = checked.quietReplayDelayMs;
    this.#onWarning = checked.onWarning;
    this.#after = checked.after;
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
    return this.#queue.length - this.#head + (this.#session?.held.length ?? 0);
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
    if (this.#head < this.#queue.length) return Promise.resolve({ done: false, value: this.#take() });
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
    const item = this.#queue[this.#head] as StreamItem<T>;
    this.#queue[this.#head] = undefined as unknown as StreamItem<T>;
    this.#head++;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#cursor = item.seq;
    this.#unsaved = item.seq;
    this.#stats.delivered++;
    const left = this.#queue.length - this.#head;
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
    const signal = this.#signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.#stop(new TerraAbortError('GET', '/connect'));
        return;
      }
      signal.addEventListener(
        'abort',
        () => {
          // An aborted stream delivers nothing more, not even what was waiting.
          this.#queue = [];
          this.#head = 0;
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
    const start = this.#after ?? (this.#store === undefined ? undefined : await this.#store.get());
    if (start !== undefined) {
      const seq = toSeq(start);
      if (seq === undefined) throw new TerraStreamError('The cursor store returned something that is not a seq');
      this.#seen = seq;
      this.#cursor = seq;
    }
    const factory = this.#endpoint.socketFactory ?? (await loadSocketFactory());
    let failures = 0;
    let refusals = 0;
    let limits = 0;
    while (!this.#stopped) {
      if (failures > 0) await this.#sleep(this.#backoff(failures));
      if (this.#stopped) return;
      let token: string;
      try {
        token = await this.#endpoint.token(this.#stopping.signal);
      } catch (error) {
        if (this.#stopped) return;
        const retried =
          error instanceof TerraServerError ||
          error instanceof TerraConnectionError ||
          error instanceof TerraRateLimitError;
        if (!retried) throw error;
        failures++;
        continue;
      }
      if (this.#stopped) return;
      this.#stats.connects++;
      const end = await this.#open(factory, token);
      if (this.#stopped) return;
      if (end.ready) {
        failures = 0;
        refusals = 0;
        limits = 0;
      }
      if (end.dropped === 'overflow') {
        // Reconnect once the caller has caught up; REPLAY then fetches what was dropped.
        await new Promise<void>((resolve) => {
          if (this.#queue.length - this.#head <= this.#max / 4) resolve();
          else this.#drained = resolve;
        });
        continue;
      }
      const { code } = end;
      if (PROTOCOL_ERROR_CODES.has(code)) {
        throw new TerraStreamProtocolError(
          `The streaming gateway closed the socket with ${code} (${end.reason || 'protocol error'}): it refused a frame this client sent, which is a bug in terra-sdk or the gateway, not a network problem; not reconnecting. Please report it`,
          code,
        );
      }
      if (code === StreamCloseCode.TOKEN_REFUSED) {
        refusals++;
        if (refusals > MAX_TOKEN_REFUSALS)
          throw new TerraStreamTokenError(
            `The streaming gateway refused ${refusals} fresh tokens in a row (4001): check the credentials are for this gateway`,
            code,
          );
        this.#warn({
          code: 'reconnect',
          message: 'Token refused (4001): reconnecting with a new one',
          closeCode: code,
        });
        continue;
      }
      if (code === StreamCloseCode.CONSUMER_LIMIT) {
        limits++;
        if (limits >= MAX_CONSUMER_LIMIT_CLOSES)
          throw new TerraStreamConsumerLimitError(
            `The streaming gateway refused this consumer ${limits} times (4002: consumer session limit reached for this developer): close another consumer or ask Terra for a higher limit`,
            code,
          );
      }
      failures++;
      this.#warn({
        code: 'reconnect',
        message: `Socket closed (${code}${end.dropped ? `, ${end.dropped}` : ''}): reconnecting`,
        closeCode: code,
      });
    }
  }

  /** Exponential back-off with equal jitter, in milliseconds. */
  #backoff(failures: number): number {
    const ceiling = Math.min(this.#maxDelay, this.#minDelay * 2 ** Math.min(failures - 1, 20));
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.#stopped) return resolve();
      const timer = setTimeout(done, ms);
      const signal = this.#stopping.signal;
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Opens one socket and resolves when it ends. */
  #open(factory: SocketFactory, token: string): Promise<SessionEnd> {
    return new Promise<SessionEnd>((resolve) => {
      const session: Session = {
        socket: undefined as unknown as StreamSocket,
        ready: false,
        phase: 'handshake',
        before: undefined,
        quietTimer: undefined,
        held: [],
        heartbeatsSent: 0,
        acks: 0,
        barrier: 0,
        pausedSinceTick: false,
        timer: undefined,
        handshakeTimer: undefined,
        end: resolve,
        ended: false,
      };
      this.#session = session;
      session.handshakeTimer = setTimeout(() => {
        this.#endSession(
          session,
          { code: StreamCloseCode.CLIENT_RECONNECT, reason: 'handshake timeout', ready: false, dropped: 'handshake' },
          true,
        );
      }, this.#handshakeTimeout);
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
    clearInterval(session.timer);
    clearTimeout(session.handshakeTimer);
    clearTimeout(session.quietTimer);
    // Held live frames come back through the next REPLAY: keeping them would open a gap before them.
    session.held = [];
    if (this.#session === session) this.#session = undefined;
    if (this.#paused) this.#paused = false;
    if (close && session.socket !== undefined) {
      try {
        if (end.code === StreamCloseCode.NORMAL) {
          // A paused socket would never read the gateway's answer to the close.
          session.socket.resume?.();
          session.socket.close(StreamCloseCode.NORMAL, 'closed by the client');
        }
        // Dropped at once: a paused socket would not read the gateway's half of a close handshake,
        // and the gateway would count the session against the consumer limit meanwhile.
        else session.socket.terminate();
      } catch {
        // The socket is gone either way.
      }
    }
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
        this.#onDispatch(session, item as StreamItem<T>);
        return;
      }
      case StreamOp.HEARTBEAT_ACK:
        session.acks++;
        if (session.phase === 'replaying' && session.acks >= session.barrier) this.#endReplay(session);
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
          session.quietTimer = setTimeout(() => this.#quietReplay(session), this.#quietDelay);
        return;
      default: {
        this.#issue('unexpected_op');
        return;
      }
    }
  }

  #heartbeat(session: Session): void {
    // An unanswered heartbeat means a dead socket, unless this side stopped reading the answers.
    const paused = this.#paused || session.pausedSinceTick;
    session.pausedSinceTick = false;
    if (session.heartbeatsSent > session.acks && !paused) {
      this.#endSession(
        session,
        { code: StreamCloseCode.CLIENT_RECONNECT, reason: 'no heartbeat ACK', ready: session.ready, dropped: 'dead' },
        true,
      );
      return;
    }
    this.#sendHeartbeat(session);
  }

  #sendHeartbeat(session: Session): void {
    session.heartbeatsSent++;
    try {
      session.socket.send(clientFrame.heartbeat());
    } catch {
      // A send on a closing socket: its close event follows.
    }
  }

  #onDispatch(session: Session, item: StreamItem<T>): void {
    const seen = this.#seen;
    switch (session.phase) {
      case 'live':
        if (seen !== undefined && compareSeq(item.seq, seen) <= 0) {
          if (session.before !== undefined && compareSeq(item.seq, session.before) < 0) {
            // A replayed frame after the replay's barrier: too late to keep the order.
            this.#stats.lateReplays++;
            this.#warn({ code: 'late_replay', message: 'A replayed frame arrived after the replay had ended' });
          } else this.#stats.duplicates++;
          return;
        }
        this.#keep(session, item, false);
        return;
      case 'replaying': {
        const before = session.before;
        if (before === undefined) {
          // A replay up to the newest: replayed and live frames are told apart only by sorting.
          if (this.buffered >= this.#max) {
            this.#quietOverflow(session);
            return;
          }
          session.held.push(item);
          if (this.buffered > this.#stats.maxBuffered) this.#stats.maxBuffered = this.buffered;
          return;
        }
        if (compareSeq(item.seq, before) < 0) {
          if (seen !== undefined && compareSeq(item.seq, seen) <= 0) {
            this.#stats.duplicates++;
            return;
          }
          this.#keep(session, item, true);
          return;
        }
        if (this.buffered >= this.#max) {
          this.#overflow(session);
          return;
        }
        session.held.push(item);
        if (this.buffered > this.#stats.maxBuffered) this.#stats.maxBuffered = this.buffered;
        return;
      }
      case 'awaiting': {
        if (seen === undefined || compareSeq(item.seq, seen) <= 0) {
          session.phase = 'live';
          this.#onDispatch(session, item);
          return;
        }
        // The first live frame bounds the gap: fetch (seen, item.seq), then a heartbeat as a barrier.
        clearTimeout(session.quietTimer);
        session.phase = 'replaying';
        session.before = item.seq;
        session.held.push(item);
        try {
          session.socket.send(clientFrame.replay(seen, item.seq));
        } catch {
          return;
        }
        this.#sendHeartbeat(session);
        session.barrier = session.heartbeatsSent;
        return;
      }
      default:
        // A DISPATCH before READY: the gateway's business, not the caller's.
        this.#issue('unexpected_op');
    }
  }

  #endReplay(session: Session): void {
    session.phase = 'live';
    const held = session.held;
    session.held = [];
    const quiet = session.before === undefined;
    if (quiet) {
      held.sort((a, b) => compareSeq(a.seq, b.seq));
      // Later frames above this are live; a late replayed frame is one below it.
      session.before = held.at(-1)?.seq;
    }
    for (const item of held) {
      if (this.#seen !== undefined && compareSeq(item.seq, this.#seen) <= 0) this.#stats.duplicates++;
      else this.#keep(session, item as StreamItem<T>, quiet);
      if (session.ended) return;
    }
  }

  /** No live frame came to bound the gap: replay up to the newest frame the gateway keeps. */
  #quietReplay(session: Session): void {
    if (session.ended || session.phase !== 'awaiting' || this.#seen === undefined) return;
    session.phase = 'replaying';
    session.before = undefined;
    try {
      session.socket.send(clientFrame.replay(this.#seen, MAX_SEQ));
    } catch {
      return;
    }
    this.#sendHeartbeat(session);
    session.barrier = session.heartbeatsSent;
  }

  /**
   * A replay up to the newest filled the buffer before it ended: keep the lower half of what came
   * (sorted), which the replay covers completely unless live frames took more than half the buffer
   * during it, and resume from there later.
   */
  #quietOverflow(session: Session): void {
    const held = session.held;
    session.held = [];
    held.sort((a, b) => compareSeq(a.seq, b.seq));
    const keep = held.slice(0, Math.max(1, Math.floor(held.length / 2)));
    for (const item of keep) {
      if (this.#seen !== undefined && compareSeq(item.seq, this.#seen) <= 0) this.#stats.duplicates++;
      else this.#keep(session, item as StreamItem<T>, true);
      if (session.ended) return;
    }
    this.#overflow(session);
  }

  /** Keeps a frame that is new: queues it for the caller (or skips it, synthetic) and moves `seen`. */
  #keep(session: Session, item: StreamItem<T>, replayed: boolean): void {
    if (item.synthetic && !this.#includeSynthetic) {
      this.#seen = item.seq;
      this.#stats.syntheticSkipped++;
      if (replayed) this.#stats.replayed++;
      return;
    }
    const waiting = this.#queue.length - this.#head + session.held.length;
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
    const said: Record<StreamFrameIssue, string> = {
      invalid_json: 'A frame that is not JSON was set aside',
      not_a_frame: 'A frame without a numeric op was set aside',
      missing_seq: 'A DISPATCH without a usable seq was set aside',
      unexpected_op: 'A frame with an unexpected opcode was set aside',
    };
    this.#warn({ code: issue, message: said[issue] });
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
