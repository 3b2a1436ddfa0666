/**
 * The options of `terra.streaming.connect()`, their defaults and their check, and the shapes a
 * stream reports (warnings, counters).
 *
 * @packageDocumentation
 */
import { TerraInvalidArgumentError } from '../errors.js';
import type { StreamCursorStore } from './cursor.js';
import { type StreamFrameIssue, toSeq } from './protocol.js';
import type { SocketFactory } from './socket.js';

/** The default of {@link StreamConnectOptions.maxBufferedFrames}. */
export const DEFAULT_MAX_BUFFERED_FRAMES = 10_000;

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

/** The options of `connect()`, checked, with their defaults. @internal */
export interface CheckedOptions {
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
export function checkOptions(given: unknown): CheckedOptions {
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
