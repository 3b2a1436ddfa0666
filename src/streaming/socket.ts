/**
 * One small WebSocket interface over the runtime's global `WebSocket` (Node 22+, Bun, Deno, Workers,
 * browsers) or the `ws` package (Node 20, where there is none). `ws` is imported only when needed,
 * so no other entry of the SDK loads it and runtimes with a global never need it installed.
 * @internal
 * @packageDocumentation
 */
import { TerraWebSocketUnavailableError } from './errors.js';

/** What a socket reports; events of a socket the caller has dropped are the caller's to ignore. */
export interface SocketHandlers {
  open(): void;
  /** A text frame (a binary frame arrives decoded as UTF-8). */
  message(text: string): void;
  /** The socket closed; 1006 when it ended without a close frame. */
  close(code: number, reason: string): void;
}

/** An open (or opening) socket. */
export interface StreamSocket {
  send(text: string): void;
  /** Sends a close frame. */
  close(code: number, reason: string): void;
  /** Ends the socket without waiting for the peer (a dead connection never answers a close). */
  terminate(): void;
  /** Stops reading (`ws` only: TCP then pushes back on the gateway). */
  readonly pause: (() => void) | undefined;
  /** Reads again after {@link StreamSocket.pause}. */
  readonly resume: (() => void) | undefined;
}

/** Opens a socket to `url`. */
export type SocketFactory = (url: string, handlers: SocketHandlers) => StreamSocket;

interface WsModule {
  WebSocket: new (
    url: string,
    options?: { perMessageDeflate?: boolean },
  ) => {
    on(event: string, listener: (...args: never[]) => void): void;
    send(data: string): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
    pause?: () => void;
    resume?: () => void;
  };
}

let factory: Promise<SocketFactory> | undefined;

/**
 * The socket factory of this runtime: the global `WebSocket` when there is one, else `ws`.
 * @throws {@link TerraWebSocketUnavailableError} (as a rejection) when neither exists.
 */
export function loadSocketFactory(): Promise<SocketFactory> {
  factory ??= (async (): Promise<SocketFactory> => {
    const Global = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
    if (typeof Global === 'function') return (url, handlers) => globalSocket(Global, url, handlers);
    let ws: WsModule;
    try {
      // A variable specifier keeps bundlers from inlining the optional peer.
      const name = 'ws';
      const loaded = (await import(name)) as Partial<WsModule> & { default?: Partial<WsModule> };
      const WebSocketClass = loaded.WebSocket ?? loaded.default?.WebSocket;
      if (typeof WebSocketClass !== 'function') throw new TypeError('ws has no WebSocket export');
      ws = { WebSocket: WebSocketClass };
    } catch (cause) {
      factory = undefined;
      throw new TerraWebSocketUnavailableError({ cause });
    }
    return (url, handlers) => wsSocket(ws, url, handlers);
  })();
  return factory;
}

function wsSocket(ws: WsModule, url: string, handlers: SocketHandlers): StreamSocket {
  const socket = new ws.WebSocket(url, { perMessageDeflate: false });
  socket.on('open', () => handlers.open());
  socket.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => handlers.message(data.toString()));
  socket.on('close', (code: number, reason: Buffer) => handlers.close(code, reason.toString()));
  // Without a listener `ws` throws its errors; the close that follows is what counts.
  socket.on('error', () => undefined);
  return {
    send: (text) => socket.send(text),
    close: (code, reason) => socket.close(code, reason),
    terminate: () => socket.terminate(),
    pause: socket.pause ? () => socket.pause?.() : undefined,
    resume: socket.resume ? () => socket.resume?.() : undefined,
  };
}

function globalSocket(Global: typeof WebSocket, url: string, handlers: SocketHandlers): StreamSocket {
  const socket = new Global(url);
  socket.binaryType = 'arraybuffer';
  const decoder = new TextDecoder();
  socket.addEventListener('open', () => handlers.open());
  socket.addEventListener('message', (event: MessageEvent) => {
    const data: unknown = event.data;
    handlers.message(typeof data === 'string' ? data : decoder.decode(data as ArrayBuffer));
  });
  socket.addEventListener('close', (event: CloseEvent) => handlers.close(event.code, event.reason));
  socket.addEventListener('error', () => undefined);
  const close = (code: number, reason: string): void => {
    try {
      socket.close(code, reason);
    } catch {
      // Already closing, or a code this runtime refuses: the socket is dropped either way.
    }
  };
  return {
    send: (text) => socket.send(text),
    close,
    terminate: () => close(4100, 'dropped'),
    pause: undefined,
    resume: undefined,
  };
}
