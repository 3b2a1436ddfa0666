/**
 * The wire protocol of Terra's streaming gateway: opcodes, close codes, the `seq` cursor and frame
 * parsing. Shared by the consumer, the producer and the local gateway; no I/O here.
 *
 * `seq` is an int64 on the wire. JavaScript numbers lose digits past 2^53, so the SDK carries a
 * `seq` as its decimal digits (a string, no sign, no leading zeros) and compares by length then text.
 *
 * @packageDocumentation
 */

/** Frame opcodes (the `op` field of every frame). */
export const StreamOp = {
  /** Client keep-alive, sent every heartbeat interval. */
  HEARTBEAT: 0,
  /** The gateway's answer to a heartbeat. */
  HEARTBEAT_ACK: 1,
  /** The gateway's greeting, with `d.heartbeat_interval` in milliseconds. */
  HELLO: 2,
  /** The client's authentication: `d.type` (0 producer, 1 consumer) and `d.token`. */
  IDENTIFY: 3,
  /** The session is authenticated. */
  READY: 4,
  /** A data sample for a consumer: `uid`, `seq`, `t`, `d`, and `synthetic` on test traffic. */
  DISPATCH: 5,
  /** A data sample from a producer: `t` and `d`. */
  SUBMIT: 6,
  /** A consumer's history request: `d.after` and `d.before`, both exclusive. */
  REPLAY: 7,
  /** A producer's device-link presence: `d.connected` and optional diagnostics. */
  STATUS: 8,
} as const;

/** One of the {@link StreamOp} values. */
export type StreamOpcode = (typeof StreamOp)[keyof typeof StreamOp];

/** The session role named in IDENTIFY. */
export const StreamRole = {
  /** A user's session that submits samples (`POST /auth/user` token). */
  PRODUCER: 0,
  /** A developer's session that receives every user's samples (`POST /auth/developer` token). */
  CONSUMER: 1,
} as const;

/** Close codes the gateway uses, and what the consumer does on each. */
export const StreamCloseCode = {
  /** Normal closure. The consumer reconnects when the gateway closes this way. */
  NORMAL: 1000,
  /** No status given (the runtime reports it for a close frame without a code). Reconnects. */
  NO_STATUS: 1005,
  /** The socket ended without a close frame (network loss, a killed gateway). Reconnects. */
  ABNORMAL: 1006,
  /** Malformed frame (not JSON, or an invalid REPLAY): a protocol error, not retried. */
  MALFORMED_FRAME: 1003,
  /** The gateway failed internally. Reconnects. */
  INTERNAL_ERROR: 1011,
  /** No IDENTIFY within the identify timeout. Reconnects. */
  IDENTIFY_TIMEOUT: 4000,
  /** Token invalid, expired or already used. Reconnects with a new token. */
  TOKEN_REFUSED: 4001,
  /** Too many consumer sessions for this developer. Backs off, then fails. */
  CONSUMER_LIMIT: 4002,
  /** A second IDENTIFY on one session: a protocol error, not retried. */
  ALREADY_IDENTIFIED: 4003,
  /** An unknown opcode, or one not valid for the session's role: a protocol error, not retried. */
  INVALID_OPCODE: 4004,
  /** No heartbeat within the deadline. Reconnects. */
  HEARTBEAT_DEADLINE: 4005,
  /**
   * Sent by the SDK itself when it drops a socket to reconnect: no ACK to a heartbeat, a stalled
   * handshake, or a consumer so far behind that it resumes later with REPLAY. Not a gateway code.
   */
  CLIENT_RECONNECT: 4100,
} as const;

/** The close codes that mean the client broke the protocol: retrying would fail the same way. */
export const PROTOCOL_ERROR_CODES: ReadonlySet<number> = new Set([
  StreamCloseCode.MALFORMED_FRAME,
  StreamCloseCode.ALREADY_IDENTIFIED,
  StreamCloseCode.INVALID_OPCODE,
]);

/** The heartbeat interval used when HELLO gives none, in milliseconds (the protocol's example). */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 40_000;

/** The largest `seq` the wire format allows (int64). */
export const MAX_SEQ = '9223372036854775807';

const DIGITS = /^(?:0|[1-9]\d*)$/;

/**
 * A `seq` in its canonical form (decimal digits, no leading zeros), from a string, a bigint or a
 * safe integer; `undefined` if it is none of these or out of the int64 range.
 */
export function toSeq(value: unknown): string | undefined {
  let text: string;
  if (typeof value === 'string') text = value.trim().replace(/^0+(?=\d)/, '');
  else if (typeof value === 'bigint') text = value.toString();
  else if (typeof value === 'number' && Number.isSafeInteger(value)) text = String(value);
  else return undefined;
  if (!DIGITS.test(text)) return undefined;
  return compareSeq(text, MAX_SEQ) > 0 ? undefined : text;
}

/** Compares two canonical `seq` values: negative if `a < b`, 0 if equal, positive if `a > b`. */
export function compareSeq(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The raw digits of the top-level `seq` in a frame's JSON text, for numbers past 2^53 that
 * `JSON.parse` rounds. Walks the text once, tracking strings and depth, so a `seq` key inside the
 * payload `d` is never taken for the frame's.
 */
export function rawTopLevelSeq(text: string): string | undefined {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i + 1;
      i++;
      while (i < n && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c /* \ */ ? 2 : 1;
      if (depth !== 1 || text.slice(start, i) !== 'seq') continue;
      let j = i + 1;
      while (j < n && /\s/.test(text[j] as string)) j++;
      if (text[j] !== ':') continue;
      j++;
      while (j < n && /\s/.test(text[j] as string)) j++;
      const match = /^-?\d+/.exec(text.slice(j, j + 32));
      return match ? toSeq(match[0]) : undefined;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) depth++;
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return undefined;
}

/**
 * One sample from the stream: a DISPATCH frame with its `seq` exact.
 *
 * @typeParam T - The type of `data`; `unknown` unless you know what your producers send for `type`.
 */
export interface StreamItem<T = unknown> {
  /** The dispatch cursor, as decimal digits (int64: past 2^53 a number would lose digits). */
  seq: string;
  /** The id of the user whose producer sent the sample. */
  userId: string;
  /** The data type label the producer gave (`heart_rate`, ...). */
  type: string;
  /** The payload, exactly as the producer sent it. */
  data: T;
  /** True on the dashboard's synthetic test traffic, false on real data. */
  synthetic: boolean;
}

/** Why a frame was set aside (reported, never fatal). */
export type StreamFrameIssue =
  /** The frame is not JSON text. */
  | 'invalid_json'
  /** The frame is JSON but not an object with a numeric `op`. */
  | 'not_a_frame'
  /** A DISPATCH without a usable `seq`. */
  | 'missing_seq'
  /** An opcode the SDK does not know, or one this session does not expect. */
  | 'unexpected_op';

/**
 * Parses a frame's JSON text into an object with a numeric `op`, or says why it is not one.
 * Never throws.
 */
export function readFrame(text: string): Record<string, unknown> | StreamFrameIssue {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'invalid_json';
  }
  if (typeof value !== 'object' || value === null || typeof (value as { op?: unknown }).op !== 'number')
    return 'not_a_frame';
  return value as Record<string, unknown>;
}

/**
 * The {@link StreamItem} of a parsed DISPATCH frame (`text` is its JSON, read again only for a `seq`
 * past 2^53), or `undefined` when it has no usable `seq`.
 */
export function dispatchItem(frame: Record<string, unknown>, text: string): StreamItem | undefined {
  const raw = frame.seq;
  const seq =
    typeof raw === 'number' && raw >= 0 && Number.isSafeInteger(raw)
      ? String(raw)
      : typeof raw === 'number'
        ? rawTopLevelSeq(text)
        : toSeq(raw);
  if (seq === undefined) return undefined;
  const { uid, t } = frame;
  return {
    seq,
    userId: typeof uid === 'string' ? uid : String(uid ?? ''),
    type: typeof t === 'string' ? t : String(t ?? ''),
    data: frame.d,
    synthetic: frame.synthetic === true,
  };
}

/** The heartbeat interval a HELLO frame gives, in milliseconds, or `undefined` if it gives none usable. */
export function helloIntervalMs(frame: Record<string, unknown>): number | undefined {
  const d = frame.d as { heartbeat_interval?: unknown } | null | undefined;
  const interval = typeof d === 'object' && d !== null ? d.heartbeat_interval : undefined;
  return typeof interval === 'number' && interval > 0 && Number.isFinite(interval) ? interval : undefined;
}

/** The JSON text of a client frame. `seq` values are written as bare digits, exact past 2^53. */
export const clientFrame = {
  heartbeat: (): string => `{"op":${StreamOp.HEARTBEAT}}`,
  identify: (role: 0 | 1, token: string): string =>
    `{"op":${StreamOp.IDENTIFY},"d":{"type":${role},"token":${JSON.stringify(token)}}}`,
  replay: (after: string | undefined, before: string): string =>
    `{"op":${StreamOp.REPLAY},"d":{${after === undefined ? '' : `"after":${after},`}"before":${before}}}`,
  submit: (type: string, data: unknown): string =>
    `{"op":${StreamOp.SUBMIT},"t":${JSON.stringify(type)},"d":${JSON.stringify(data ?? null)}}`,
  status: (d: Record<string, unknown>): string => `{"op":${StreamOp.STATUS},"d":${JSON.stringify(d)}}`,
};
