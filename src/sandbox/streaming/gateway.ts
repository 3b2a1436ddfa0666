/**
 * A local streaming gateway for Node, following Terra's AsyncAPI description of `/connect`: the
 * session protocol (HELLO then IDENTIFY within a time limit, READY, heartbeats with a deadline,
 * DISPATCH with an int64 `seq`, REPLAY, STATUS presence, the close codes, synthetic test traffic).
 * The token endpoints are in `tokens.ts`, the REPLAY history in `history.ts`, the faults in
 * `faults.ts`, the public shapes in `types.ts`.
 *
 * Uses the `ws` package (a WebSocket server) on every Node version, imported when a gateway is made
 * so that the rest of the sandbox works without it.
 *
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { TerraInvalidArgumentError } from '../../errors.js';
import { TerraWebSocketUnavailableError } from '../../streaming/errors.js';
import { StreamCloseCode, StreamOp, StreamRole, toSeq } from '../../streaming/protocol.js';
import { FaultState, gatewayFaults } from './faults.js';
import { DispatchHistory, replayBounds } from './history.js';
import { handleTokenRequest, TokenBook } from './tokens.js';
import type {
  GatewayDispatch,
  GatewayPresence,
  MountableStreamingGateway,
  StreamingGateway,
  StreamingGatewayOptions,
  StreamingGatewayStats,
} from './types.js';

export type {
  GatewayDispatch,
  GatewayPresence,
  MountableStreamingGateway,
  StreamingGateway,
  StreamingGatewayFaults,
  StreamingGatewayOptions,
  StreamingGatewayStats,
} from './types.js';

interface Connection {
  ws: WebSocket;
  role: 0 | 1 | undefined;
  userId: string | undefined;
  identifyTimer: ReturnType<typeof setTimeout> | undefined;
  deadline: ReturnType<typeof setTimeout> | undefined;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new TerraInvalidArgumentError(name, `${name} must be a positive number`);
  return value;
}

type WsServerModule = { WebSocketServer: typeof WebSocketServer };

/** `ws`'s server class, imported on first use. */
async function loadWsServer(): Promise<typeof WebSocketServer> {
  try {
    const loaded = (await import('ws')) as Partial<WsServerModule> & { default?: Partial<WsServerModule> };
    const Server = loaded.WebSocketServer ?? loaded.default?.WebSocketServer;
    if (typeof Server !== 'function') throw new TypeError('ws has no WebSocketServer export');
    return Server;
  } catch (cause) {
    throw new TerraWebSocketUnavailableError({ cause, server: true });
  }
}

/**
 * A streaming gateway without its own server: mount it on a `node:http` server with
 * `handleRequest` and `handleUpgrade` (the sandbox does).
 * @throws `TerraWebSocketUnavailableError` (as a rejection) without the `ws` package.
 */
export async function createStreamingGateway(
  options: StreamingGatewayOptions = {},
): Promise<MountableStreamingGateway> {
  const WebSocketServerClass = await loadWsServer();
  const interval = positive('heartbeatIntervalMs', options.heartbeatIntervalMs, 40_000);
  const deadlineMs = positive('heartbeatDeadlineMs', options.heartbeatDeadlineMs, interval * 1.5);
  const identifyTimeout = positive('identifyTimeoutMs', options.identifyTimeoutMs, 10_000);
  const tokenTtl = positive('tokenTtlMs', options.tokenTtlMs, 60_000);
  const historySize = positive('historySize', options.historySize, 10_000);
  const maxConsumers = positive('maxConsumers', options.maxConsumers, 10);
  const firstSeq = options.firstSeq === undefined ? '1' : toSeq(options.firstSeq);
  if (firstSeq === undefined)
    throw new TerraInvalidArgumentError('firstSeq', 'firstSeq must be a seq (decimal digits)');
  const users = options.userIds === undefined ? undefined : new Set(options.userIds);

  const wss = new WebSocketServerClass({ noServer: true, perMessageDeflate: false, maxPayload: 1024 * 1024 });
  const connections = new Set<Connection>();
  const readyConsumers = new Set<Connection>();
  const presence = new Map<string, GatewayPresence>();
  const history = new DispatchHistory(historySize);
  let next = BigInt(firstSeq);
  let lastSeq: string | undefined;
  const faultState = new FaultState();
  const stats: StreamingGatewayStats = {
    tokensIssued: 0,
    connections: 0,
    identified: 0,
    dispatched: 0,
    sentLive: 0,
    replayRequests: 0,
    replayed: 0,
    closes: {},
  };

  const tokens = new TokenBook(tokenTtl, stats);
  const stalled = (): boolean => faultState.stalled();

  // Frames sent in one turn of the event loop leave in one write: the gateway should outrun any
  // consumer measured against it, not spend a system call per frame.
  const corked = new Set<WebSocket>();
  const uncork = (): void => {
    for (const ws of corked) (ws as unknown as { _socket?: { uncork(): void } })._socket?.uncork();
    corked.clear();
  };
  function send(ws: WebSocket, text: string): void {
    if (!corked.has(ws)) {
      const socket = (ws as unknown as { _socket?: { cork(): void } })._socket;
      if (socket !== undefined) {
        socket.cork();
        if (corked.size === 0) process.nextTick(uncork);
        corked.add(ws);
      }
    }
    ws.send(text);
  }

  function armDeadline(connection: Connection): void {
    clearTimeout(connection.deadline);
    connection.deadline = setTimeout(() => {
      if (stalled()) {
        armDeadline(connection);
        return;
      }
      connection.ws.close(StreamCloseCode.HEARTBEAT_DEADLINE, 'heartbeat deadline exceeded');
    }, deadlineMs);
  }

  function closeWith(connection: Connection, code: number, reason: string): void {
    connection.ws.close(code, reason);
  }

  function dispatch(item: GatewayDispatch): string {
    const seq = next;
    next += 1n;
    const digits = seq.toString();
    const text = `{"op":${StreamOp.DISPATCH},"uid":${JSON.stringify(String(item.userId))},"seq":${digits},"t":${JSON.stringify(
      String(item.type),
    )},"d":${JSON.stringify(item.data ?? null)}${item.synthetic === true ? ',"synthetic":true' : ''}}`;
    history.record(text, seq);
    stats.dispatched++;
    lastSeq = digits;
    if (!stalled()) {
      const times = faultState.takeRepeat();
      for (const consumer of readyConsumers) {
        for (let i = 0; i < times; i++) {
          send(consumer.ws, text);
          stats.sentLive++;
        }
      }
    }
    return digits;
  }

  function replay(connection: Connection, after: bigint, before: bigint): void {
    stats.replayRequests++;
    history.range(after, before, (text) => {
      send(connection.ws, text);
      stats.replayed++;
    });
  }

  function onIdentify(connection: Connection, d: unknown): void {
    if (connection.role !== undefined) {
      closeWith(connection, StreamCloseCode.ALREADY_IDENTIFIED, 'already identified');
      return;
    }
    const fault = faultState.identifyFaults.shift();
    if (fault !== undefined) {
      closeWith(connection, fault, 'fault injected');
      return;
    }
    const { type, token } = (typeof d === 'object' && d !== null ? d : {}) as { type?: unknown; token?: unknown };
    if (type !== StreamRole.PRODUCER && type !== StreamRole.CONSUMER) {
      closeWith(connection, StreamCloseCode.MALFORMED_FRAME, 'invalid IDENTIFY');
      return;
    }
    const grant = tokens.redeem(token, type);
    if (grant === undefined) {
      closeWith(connection, StreamCloseCode.TOKEN_REFUSED, 'token invalid, expired or already used');
      return;
    }
    if (type === StreamRole.CONSUMER && readyConsumers.size >= maxConsumers) {
      closeWith(connection, StreamCloseCode.CONSUMER_LIMIT, 'consumer session limit reached');
      return;
    }
    clearTimeout(connection.identifyTimer);
    connection.role = type;
    connection.userId = grant.userId;
    stats.identified++;
    connection.ws.send(`{"op":${StreamOp.READY}}`);
    if (type === StreamRole.CONSUMER) readyConsumers.add(connection);
    armDeadline(connection);
  }

  function onMessage(connection: Connection, text: string): void {
    if (stalled()) return;
    let frame: { op?: unknown; d?: unknown; t?: unknown };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      closeWith(connection, StreamCloseCode.MALFORMED_FRAME, 'frame is not JSON');
      return;
    }
    if (typeof frame !== 'object' || frame === null || typeof frame.op !== 'number') {
      closeWith(connection, StreamCloseCode.MALFORMED_FRAME, 'frame has no op');
      return;
    }
    switch (frame.op) {
      case StreamOp.HEARTBEAT:
        if (connection.role !== undefined) armDeadline(connection);
        connection.ws.send(`{"op":${StreamOp.HEARTBEAT_ACK}}`);
        return;
      case StreamOp.IDENTIFY: {
        onIdentify(connection, frame.d);
        return;
      }
      case StreamOp.REPLAY: {
        if (connection.role !== StreamRole.CONSUMER) {
          closeWith(connection, StreamCloseCode.INVALID_OPCODE, 'REPLAY is for consumers');
          return;
        }
        const bounds = replayBounds(text, frame.d);
        if (bounds === undefined) {
          closeWith(connection, StreamCloseCode.MALFORMED_FRAME, 'invalid REPLAY');
          return;
        }
        replay(connection, bounds.after, bounds.before);
        return;
      }
      case StreamOp.SUBMIT:
        if (connection.role !== StreamRole.PRODUCER) {
          closeWith(connection, StreamCloseCode.INVALID_OPCODE, 'SUBMIT is for producers');
          return;
        }
        if (typeof frame.t !== 'string') {
          closeWith(connection, StreamCloseCode.MALFORMED_FRAME, 'SUBMIT without t');
          return;
        }
        dispatch({ userId: connection.userId ?? '', type: frame.t, data: frame.d });
        return;
      case StreamOp.STATUS: {
        if (connection.role !== StreamRole.PRODUCER) {
          closeWith(connection, StreamCloseCode.INVALID_OPCODE, 'STATUS is for producers');
          return;
        }
        const d = frame.d as { connected?: unknown; device_id?: unknown } | null;
        // A malformed STATUS is dropped, never a close (presence is optional).
        if (typeof d === 'object' && d !== null && typeof d.connected === 'boolean')
          presence.set(connection.userId ?? '', {
            connected: d.connected,
            deviceId: typeof d.device_id === 'string' ? d.device_id : undefined,
          });
        return;
      }
      default: {
        closeWith(connection, StreamCloseCode.INVALID_OPCODE, 'unknown opcode');
        return;
      }
    }
  }

  function onConnection(ws: WebSocket): void {
    stats.connections++;
    const connection: Connection = {
      ws,
      role: undefined,
      userId: undefined,
      identifyTimer: undefined,
      deadline: undefined,
    };
    connections.add(connection);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        closeWith(connection, StreamCloseCode.MALFORMED_FRAME, 'binary frame');
        return;
      }
      onMessage(connection, data.toString());
    });
    ws.on('close', (code: number) => {
      stats.closes[code] = (stats.closes[code] ?? 0) + 1;
      clearTimeout(connection.identifyTimer);
      clearTimeout(connection.deadline);
      connections.delete(connection);
      readyConsumers.delete(connection);
    });
    ws.on('error', () => undefined);
    ws.send(`{"op":${StreamOp.HELLO},"d":{"heartbeat_interval":${interval}}}`);
    connection.identifyTimer = setTimeout(() => {
      if (connection.role === undefined) closeWith(connection, StreamCloseCode.IDENTIFY_TIMEOUT, 'no IDENTIFY in time');
    }, identifyTimeout);
  }

  const policy = { devId: options.devId, apiKey: options.apiKey, users };
  function handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    return handleTokenRequest(req, res, policy, tokens);
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (new URL(req.url ?? '/', 'http://gateway.local').pathname !== '/connect') return false;
    wss.handleUpgrade(req, socket, head, onConnection);
    return true;
  }

  const faults = gatewayFaults(faultState, readyConsumers, (count) => {
    next += count;
  });

  return {
    get stats() {
      return stats;
    },
    get consumers() {
      return readyConsumers.size;
    },
    get lastSeq() {
      return lastSeq;
    },
    presence,
    faults,
    dispatch,
    dispatchMany(count, template = {}) {
      let last: string | undefined;
      for (let i = 0; i < count; i++) {
        last = dispatch({
          userId: template.userId ?? 'user-1',
          type: template.type ?? 'heart_rate',
          data: template.data ?? { n: stats.dispatched },
          synthetic: template.synthetic,
        });
      }
      return last;
    },
    generateTestData(testOptions = {}) {
      let last: string | undefined;
      const count = testOptions.count ?? 10;
      for (let i = 0; i < count; i++) {
        last = dispatch({
          userId: testOptions.userId ?? 'synthetic-user',
          type: testOptions.type ?? 'heart_rate',
          data: { bpm: 60 + (i % 40) },
          synthetic: true,
        });
      }
      return last;
    },
    handleRequest,
    handleUpgrade,
    async closeSockets() {
      for (const connection of connections) connection.ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/**
 * Starts a local streaming gateway on 127.0.0.1 (a free port by default). Point a client at it with
 * `streamingBaseUrl: gateway.url`.
 *
 * @example
 * ```ts
 * const gateway = await startStreamingGateway({ heartbeatIntervalMs: 1000 });
 * const terra = new Terra({ devId: 'dev', apiKey: 'key', streamingBaseUrl: gateway.url });
 * gateway.dispatchMany(100);
 * ```
 */
export async function startStreamingGateway(options: StreamingGatewayOptions = {}): Promise<StreamingGateway> {
  const gateway = await createStreamingGateway(options);
  const server: Server = createServer((req, res) => {
    if (!gateway.handleRequest(req, res)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"status":"error","message":"not found"}');
    }
  });
  server.on('upgrade', (req, socket, head) => {
    if (!gateway.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    socketUrl: `ws://127.0.0.1:${port}/connect`,
    get stats() {
      return gateway.stats;
    },
    get consumers() {
      return gateway.consumers;
    },
    get lastSeq() {
      return gateway.lastSeq;
    },
    presence: gateway.presence,
    faults: gateway.faults,
    dispatch: gateway.dispatch,
    dispatchMany: gateway.dispatchMany,
    generateTestData: gateway.generateTestData,
    async close() {
      await gateway.closeSockets();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
