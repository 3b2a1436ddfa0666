/**
 * One socket of a consumer (a session): its state through the handshake (HELLO, IDENTIFY, READY),
 * its heartbeats and the dead-socket check, and how it is closed. The stream (`consumer.ts`) opens
 * one session per connect; the replay merge (`replay-merge.ts`) reads and moves its phase.
 *
 * @packageDocumentation
 */
import { clientFrame, StreamCloseCode, type StreamFrameIssue, type StreamItem } from './protocol.js';
import type { StreamSocket } from './socket.js';

/** How a session (one socket) ended. @internal */
export interface SessionEnd {
  code: number;
  reason: string;
  /** READY was reached. */
  ready: boolean;
  /** The consumer itself dropped the socket, and why. */
  dropped?: 'dead' | 'overflow' | 'handshake' | undefined;
}

/** One socket's state. @internal */
export interface Session {
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

/** A session before its socket is opened; `end` is called once, when it ends. @internal */
export function newSession(end: (end: SessionEnd) => void): Session {
  return {
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
    end,
    ended: false,
  };
}

/** Sends a HEARTBEAT and counts it (its ACK is awaited). @internal */
export function sendHeartbeat(session: Session): void {
  session.heartbeatsSent++;
  try {
    session.socket.send(clientFrame.heartbeat());
  } catch {
    // A send on a closing socket: its close event follows.
  }
}

/**
 * A heartbeat tick: true when the last heartbeat went unanswered (a dead socket), unless this side
 * stopped reading the answers (`paused` now or since the last tick); otherwise sends the next one.
 * @internal
 */
export function heartbeatTick(session: Session, paused: boolean): boolean {
  const wasPaused = paused || session.pausedSinceTick;
  session.pausedSinceTick = false;
  if (session.heartbeatsSent > session.acks && !wasPaused) return true;
  sendHeartbeat(session);
  return false;
}

/** Stops a session's timers and drops the live frames it held. @internal */
export function clearSession(session: Session): void {
  clearInterval(session.timer);
  clearTimeout(session.handshakeTimer);
  clearTimeout(session.quietTimer);
  // Held live frames come back through the next REPLAY: keeping them would open a gap before them.
  session.held = [];
}

/** Closes a session's socket: with 1000 for a normal close, else dropped at once. @internal */
export function closeSessionSocket(session: Session, code: number): void {
  if (session.socket === undefined) return;
  try {
    if (code === StreamCloseCode.NORMAL) {
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

/** What a frame set aside is reported as, without its payload. @internal */
export const FRAME_ISSUE_MESSAGES: Readonly<Record<StreamFrameIssue, string>> = {
  invalid_json: 'A frame that is not JSON was set aside',
  not_a_frame: 'A frame without a numeric op was set aside',
  missing_seq: 'A DISPATCH without a usable seq was set aside',
  unexpected_op: 'A frame with an unexpected opcode was set aside',
};
