/**
 * The producer side: one user's session that submits live samples (what Terra's mobile SDKs do).
 * Here for completeness and for tests; it does not reconnect (a producer's samples are its own to
 * re-send), it heartbeats and reports how it ended.
 *
 * @packageDocumentation
 */
import { TerraAbortError, TerraInvalidArgumentError } from '../errors.js';
import { TerraStreamError } from './errors.js';
import {
  clientFrame,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  helloIntervalMs,
  readFrame,
  StreamCloseCode,
  StreamOp,
  StreamRole,
} from './protocol.js';
import { loadSocketFactory, type SocketFactory, type StreamSocket } from './socket.js';

/** Options of `terra.streaming.produce()`. */
export interface StreamProduceOptions {
  /** The user whose samples are submitted; a producer token is generated for them. */
  userId?: string | undefined;
  /** A producer token you already have (from `generateUserToken`), instead of `userId`. */
  token?: string | undefined;
  /** Aborts the handshake, or closes the session once open. */
  signal?: AbortSignal | undefined;
  /** Time from opening the socket to READY, in milliseconds. Default 15,000. */
  handshakeTimeoutMs?: number | undefined;
}

/** A device-link presence report (STATUS): whether the producer's wearable is connected. */
export interface StreamProducerStatus {
  /** Whether the device link (Bluetooth) is up. */
  connected: boolean;
  /** The linked device, for diagnostics. */
  deviceId?: string | undefined;
  /** The SDK or source, for diagnostics. */
  source?: string | undefined;
  /** Why the state is what it is, in words, for diagnostics. */
  reason?: string | undefined;
}

/** How a producer session ended. */
export interface StreamProducerClose {
  /** The WebSocket close code (1000 after `close()`). */
  code: number;
  /** The close reason the gateway gave, if any. */
  reason: string;
}

/** An open producer session, from `terra.streaming.produce()`. */
export class TerraStreamProducer {
  readonly #socket: StreamSocket;
  readonly #closed: Promise<StreamProducerClose>;
  #open = true;

  /** @internal */
  constructor(socket: StreamSocket, closed: Promise<StreamProducerClose>) {
    this.#socket = socket;
    this.#closed = closed;
    closed.then(() => {
      this.#open = false;
    });
  }

  /** Whether the session is still open. */
  get open(): boolean {
    return this.#open;
  }

  /** Resolves when the session ends, with the close code. */
  get closed(): Promise<StreamProducerClose> {
    return this.#closed;
  }

  /**
   * Submits one sample (SUBMIT): `type` labels it (`heart_rate`, ...), `data` is sent as JSON and
   * reaches consumers unchanged.
   * @throws {@link TerraStreamError} (as a rejection) once the session is closed.
   */
  async submit(type: string, data: unknown): Promise<void> {
    if (typeof type !== 'string' || type === '')
      throw new TerraInvalidArgumentError('type', 'type must be a non-empty string (the data type label)');
    this.#send(clientFrame.submit(type, data));
  }

  /**
   * Reports the device link's presence (STATUS). Optional in the protocol; the gateway keeps it
   * briefly and never dispatches it.
   * @throws {@link TerraStreamError} (as a rejection) once the session is closed.
   */
  async status(status: StreamProducerStatus): Promise<void> {
    if (typeof status?.connected !== 'boolean')
      throw new TerraInvalidArgumentError('status.connected', 'status.connected must be a boolean');
    const d: Record<string, unknown> = { connected: status.connected };
    if (status.deviceId !== undefined) d.device_id = status.deviceId;
    if (status.source !== undefined) d.source = status.source;
    if (status.reason !== undefined) d.reason = status.reason;
    this.#send(clientFrame.status(d));
  }

  /** Closes the session with 1000 and resolves once it is closed. */
  async close(): Promise<StreamProducerClose> {
    if (this.#open) {
      this.#open = false;
      try {
        this.#socket.close(StreamCloseCode.NORMAL, 'closed by the producer');
      } catch {
        // Already closing.
      }
    }
    return this.#closed;
  }

  #send(text: string): void {
    if (!this.#open) throw new TerraStreamError('The producer session is closed');
    this.#socket.send(text);
  }
}

/**
 * Opens a producer session: HELLO, IDENTIFY with the token, READY, then heartbeats.
 * @internal `terra.streaming.produce()` is the public way.
 */
export async function openProducer(options: {
  socketUrl: string;
  token: string;
  signal?: AbortSignal | undefined;
  handshakeTimeoutMs?: number | undefined;
  socketFactory?: SocketFactory | undefined;
}): Promise<TerraStreamProducer> {
  const { signal } = options;
  if (signal?.aborted) throw new TerraAbortError('GET', '/connect');
  const factory = options.socketFactory ?? (await loadSocketFactory());
  return new Promise<TerraStreamProducer>((resolve, reject) => {
    let ready = false;
    let timer: ReturnType<typeof setInterval> | undefined;
    let resolveClosed: (close: StreamProducerClose) => void = () => undefined;
    const closed = new Promise<StreamProducerClose>((r) => {
      resolveClosed = r;
    });
    const handshake = setTimeout(() => {
      socket.terminate();
      fail(new TerraStreamError('The streaming gateway did not answer IDENTIFY with READY in time'));
    }, options.handshakeTimeoutMs ?? 15_000);
    const onAbort = (): void => {
      socket.close(StreamCloseCode.NORMAL, 'aborted');
      fail(new TerraAbortError('GET', '/connect'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    function fail(error: Error): void {
      clearTimeout(handshake);
      if (!ready) reject(error);
    }
    const socket = factory(options.socketUrl, {
      open: () => undefined,
      message: (text) => {
        const frame = readFrame(text);
        if (typeof frame === 'string') return;
        if (frame.op === StreamOp.HELLO && timer === undefined) {
          socket.send(clientFrame.identify(StreamRole.PRODUCER, options.token));
          timer = setInterval(
            () => socket.send(clientFrame.heartbeat()),
            helloIntervalMs(frame) ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
          );
        } else if (frame.op === StreamOp.READY && !ready) {
          ready = true;
          clearTimeout(handshake);
          resolve(new TerraStreamProducer(socket, closed));
        }
      },
      close: (code, reason) => {
        clearInterval(timer);
        clearTimeout(handshake);
        signal?.removeEventListener('abort', onAbort);
        resolveClosed({ code, reason });
        fail(new TerraStreamError(`The streaming gateway closed the producer socket with ${code} before READY`, code));
      },
    });
  });
}
