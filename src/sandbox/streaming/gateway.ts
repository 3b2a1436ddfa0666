/**
 * A local streaming gateway for Node, following Terra's AsyncAPI description of `/connect`: the
 * token endpoints (`POST /auth/developer`, `POST /auth/user?id=`), single-use tokens, HELLO then
 * IDENTIFY within a time limit, READY, heartbeats with a deadline, DISPATCH with an int64 `seq`,
 * REPLAY from a bounded history, STATUS presence, the close codes, synthetic test traffic, and
 * faults to inject in tests (drop sockets, skip or repeat a `seq`, stall, refuse an IDENTIFY).
 *
 * Uses the `ws` package (a WebSocket server) on every Node version, imported when a gateway is made
 * so that the rest of the sandbox works without it.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { TerraInvalidArgumentError } from '../../errors.js';
import { TerraWebSocketUnavailableError } from '../../streaming/errors.js';
import { StreamCloseCode, StreamOp, StreamRole, toSeq } from '../../streaming/protocol.js';

/** Options of {@link startStreamingGateway} and {@link createStreamingGateway}. */
export interface StreamingGatewayOptions {
  /** Port on 127.0.0.1 ({@link startStreamingGateway} only). Default 0: a free port. */
  port?: number | undefined;
  /** The dev id token requests must send. Default: any non-empty one. */
  devId?: string | undefined;
  /** The API key token requests must send. Default: any non-empty one. */
  apiKey?: string | undefined;
  /** Users `POST /auth/user` accepts. Default: any id. */
  userIds?: readonly string[] | undefined;
  /** The interval HELLO announces, in milliseconds. Default 40,000 (as Terra's example). */
  heartbeatIntervalMs?: number | undefined;
  /** How long after the last heartbeat (or READY) a session is closed with 4005. Default 1.5 intervals. */
  heartbeatDeadlineMs?: number | undefined;
  /** Time to IDENTIFY after HELLO before a 4000 close, in milliseconds. Default 10,000. */
  identifyTimeoutMs?: number | undefined;
  /** How long a token stays redeemable, in milliseconds. Default 60,000. */
  tokenTtlMs?: number | undefined;
  /** How many dispatches REPLAY can reach back. Default 10,000. */
  historySize?: number | undefined;
  /** Consumer sessions at once; one more is closed with 4002. Default 10. */
  maxConsumers?: number | undefined;
  /** The first `seq` (decimal digits or a bigint). Default 1. Set it past 2^53 to test exactness. */
  firstSeq?: string | bigint | undefined;
}

/** Counters of a gateway, for tests. */
export interface StreamingGatewayStats {
  /** Tokens minted by `/auth/developer` and `/auth/user`. */
  tokensIssued: number;
  /** Sockets opened on `/connect`. */
  connections: number;
  /** IDENTIFY frames that redeemed a token (READY sent). */
  identified: number;
  /** Dispatches produced (history entries). */
  dispatched: number;
  /** DISPATCH frames sent live (a repeat fault counts twice). */
  sentLive: number;
  /** REPLAY requests answered. */
  replayRequests: number;
  /** DISPATCH frames sent in answer to REPLAY. */
  replayed: number;
  /** Closes seen, by code (the gateway's own and the clients'). */
  closes: Record<number, number>;
}

/** Faults to inject, for tests of a consumer's recovery. */
export interface StreamingGatewayFaults {
  /**
   * Drops every consumer socket: without a close frame (the client sees 1006) by default, or with
   * `code`. Returns how many were dropped.
   */
  dropConsumers(code?: number): number;
  /** Sends the next dispatch twice to consumers (a duplicate `seq`). */
  repeatNext(): void;
  /** Skips `count` numbers before the next `seq` (the cursor is monotonic, not dense). Default 1. */
  skipSeq(count?: number): void;
  /**
   * Stalls the gateway for `ms` milliseconds: no frame answered (no ACK), no dispatch sent live (it
   * is still kept for REPLAY), no deadline enforced, as a hung process.
   */
  stall(ms: number): void;
  /** Answers the next `count` IDENTIFY frames (default 1) by closing with `code` (4001, 4002, 4003, 4004, ...). */
  closeNextIdentify(code: number, count?: number): void;
  /** Sends `text` as is to every consumer (frames that are not JSON, or have no `seq`). */
  sendRaw(text: string): void;
}

/** A producer's last STATUS report. */
export interface GatewayPresence {
  /** Whether its device link was up. */
  connected: boolean;
  /** The device it named, if any. */
  deviceId?: string | undefined;
}

/** What a dispatch is made of. */
export interface GatewayDispatch {
  /** The producing user's id. */
  userId: string;
  /** The data type label. */
  type: string;
  /** The payload. */
  data: unknown;
  /** Mark it as the dashboard's test traffic. */
  synthetic?: boolean | undefined;
}

/** A running local gateway. */
export interface StreamingGateway {
  /** The streaming base URL (`http://127.0.0.1:<port>`): pass it as `streamingBaseUrl`. */
  readonly url: string;
  /** The socket URL (`ws://127.0.0.1:<port>/connect`). */
  readonly socketUrl: string;
  /** The counters. */
  readonly stats: StreamingGatewayStats;
  /** Consumer sessions open and READY. */
  readonly consumers: number;
  /** The `seq` of the last dispatch, if any. */
  readonly lastSeq: string | undefined;
  /** The latest STATUS of each producing user. */
  readonly presence: ReadonlyMap<string, GatewayPresence>;
  /** Faults for tests. */
  readonly faults: StreamingGatewayFaults;
  /** Produces one dispatch (kept in history, sent to every consumer); returns its `seq`. */
  dispatch(dispatch: GatewayDispatch): string;
  /** Produces `count` dispatches with a counter as data; returns the last `seq`. */
  dispatchMany(count: number, template?: Partial<GatewayDispatch>): string | undefined;
  /** Produces `count` synthetic samples (the dashboard's "generate test data"). */
  generateTestData(options?: { count?: number; userId?: string; type?: string }): string | undefined;
  /** Closes every socket and the server. */
  close(): Promise<void>;
}

/** A gateway to mount on your own `node:http` server. */
export interface MountableStreamingGateway extends Omit<StreamingGateway, 'url' | 'socketUrl' | 'close'> {
  /** Handles `POST /auth/developer` and `POST /auth/user`; returns false for any other path. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  /** Takes the upgrade of `/connect`; returns false for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Closes every socket (not your server). */
  closeSockets(): Promise<void>;
}

interface Connection {
  ws: WebSocket;
  role: 0 | 1 | undefined;
  userId: string | undefined;
  identifyTimer: ReturnType<typeof setTimeout> | undefined;
  deadline: ReturnType<typeof setTimeout> | undefined;
}

interface TokenGrant {
  role: 0 | 1;
  userId: string | undefined;
  expiresAt: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new TerraInvalidArgumentError(name, `${name} must be a positive number`);
  return value;
}

function basicCredentials(header: string | undefined): { devId: string; apiKey: string } | undefined {
  if (header === undefined || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { devId: decoded.slice(0, colon), apiKey: decoded.slice(colon + 1) };
}

const REPLAY_BOUND = /"(after|before)"\s*:\s*(-?[\d.eE+-]+|"[^"]*"|null|true|false)/g;

/** The exclusive bounds of a REPLAY, read from its text so that int64 bounds keep every digit. */
function replayBounds(text: string, d: unknown): { after: bigint; before: bigint } | undefined {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return undefined;
  const bounds: { after: bigint; before: bigint } = { after: 0n, before: 0n };
  for (const match of text.matchAll(REPLAY_BOUND)) {
    const key = match[1] as 'after' | 'before';
    if (!Object.hasOwn(d, key)) continue;
    const seq = /^\d+$/.test(match[2] as string) ? toSeq(match[2]) : undefined;
    if (seq === undefined) return undefined;
    bounds[key] = BigInt(seq);
  }
  return bounds;
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
  const tokens = new Map<string, TokenGrant>();
  const connections = new Set<Connection>();
  const readyConsumers = new Set<Connection>();
  const presence = new Map<string, GatewayPresence>();
  /** History as a ring of `{seq, text}`, oldest at `start`. */
  const historySeq: bigint[] = [];
  const historyText: string[] = [];
  let start = 0;
  let next = BigInt(firstSeq);
  let lastSeq: string | undefined;
  let repeat = 0;
  let stalledUntil = 0;
  let identifyFaults: number[] = [];
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

  const stalled = (): boolean => Date.now() < stalledUntil;

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

  function mint(role: 0 | 1, userId: string | undefined): string {
    const now = Date.now();
    if (tokens.size > 10_000) for (const [key, grant] of tokens) if (grant.expiresAt < now) tokens.delete(key);
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, { role, userId, expiresAt: now + tokenTtl });
    stats.tokensIssued++;
    return token;
  }

  function record(text: string, seq: bigint): void {
    if (historySeq.length - start >= historySize) start++;
    historySeq.push(seq);
    historyText.push(text);
    if (start >= 4096 && start * 2 >= historySeq.length) {
      historySeq.splice(0, start);
      historyText.splice(0, start);
      start = 0;
    }
  }

  function dispatch(item: GatewayDispatch): string {
    const seq = next;
    next += 1n;
    const digits = seq.toString();
    const text = `{"op":${StreamOp.DISPATCH},"uid":${JSON.stringify(String(item.userId))},"seq":${digits},"t":${JSON.stringify(
      String(item.type),
    )},"d":${JSON.stringify(item.data ?? null)}${item.synthetic === true ? ',"synthetic":true' : ''}}`;
    record(text, seq);
    stats.dispatched++;
    lastSeq = digits;
    if (!stalled()) {
      const times = repeat > 0 ? 2 : 1;
      if (repeat > 0) repeat--;
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
    // Binary search for the first entry above `after`.
    let lo = start;
    let hi = historySeq.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((historySeq[mid] as bigint) <= after) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < historySeq.length && (historySeq[i] as bigint) < before; i++) {
      send(connection.ws, historyText[i] as string);
      stats.replayed++;
    }
  }

  function onIdentify(connection: Connection, d: unknown): void {
    if (connection.role !== undefined) {
      closeWith(connection, StreamCloseCode.ALREADY_IDENTIFIED, 'already identified');
      return;
    }
    const fault = identifyFaults.shift();
    if (fault !== undefined) {
      closeWith(connection, fault, 'fault injected');
      return;
    }
    const { type, token } = (typeof d === 'object' && d !== null ? d : {}) as { type?: unknown; token?: unknown };
    if (type !== StreamRole.PRODUCER && type !== StreamRole.CONSUMER) {
      closeWith(connection, StreamCloseCode.MALFORMED_FRAME, 'invalid IDENTIFY');
      return;
    }
    const grant = typeof token === 'string' ? tokens.get(token) : undefined;
    if (grant !== undefined) tokens.delete(token as string);
    if (grant === undefined || grant.expiresAt < Date.now() || grant.role !== type) {
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

  function answer(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  function handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://gateway.local');
    if (url.pathname !== '/auth/developer' && url.pathname !== '/auth/user') return false;
    // The body is unused; read it so the connection stays reusable.
    req.resume();
    if (req.method !== 'POST') {
      answer(res, 405, { status: 'error', message: 'use POST' });
      return true;
    }
    const header = (name: string): string | undefined => {
      const value = req.headers[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const credentials = basicCredentials(header('authorization')) ?? {
      devId: header('dev-id') ?? '',
      apiKey: header('x-api-key') ?? '',
    };
    if (credentials.devId === '' || credentials.apiKey === '') {
      answer(res, 400, { status: 'error', message: 'missing dev-id or x-api-key' });
      return true;
    }
    if (
      (options.devId !== undefined && credentials.devId !== options.devId) ||
      (options.apiKey !== undefined && credentials.apiKey !== options.apiKey)
    ) {
      answer(res, 403, { status: 'error', message: 'invalid credentials' });
      return true;
    }
    if (url.pathname === '/auth/developer') {
      answer(res, 200, { token: mint(StreamRole.CONSUMER, undefined) });
      return true;
    }
    const id = url.searchParams.get('id');
    if (id === null || id === '') {
      answer(res, 400, { status: 'error', message: 'missing id' });
      return true;
    }
    if (users !== undefined && !users.has(id)) {
      answer(res, 403, { status: 'error', message: 'user does not belong to this developer' });
      return true;
    }
    answer(res, 200, { token: mint(StreamRole.PRODUCER, id) });
    return true;
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (new URL(req.url ?? '/', 'http://gateway.local').pathname !== '/connect') return false;
    wss.handleUpgrade(req, socket, head, onConnection);
    return true;
  }

  const faults: StreamingGatewayFaults = {
    dropConsumers(code) {
      let dropped = 0;
      for (const consumer of [...readyConsumers]) {
        readyConsumers.delete(consumer);
        if (code === undefined) consumer.ws.terminate();
        else consumer.ws.close(code, 'fault injected');
        dropped++;
      }
      return dropped;
    },
    repeatNext() {
      repeat++;
    },
    skipSeq(count = 1) {
      next += BigInt(Math.max(1, Math.floor(count)));
    },
    stall(ms) {
      stalledUntil = Date.now() + ms;
    },
    closeNextIdentify(code, count = 1) {
      identifyFaults = [...identifyFaults, ...Array.from({ length: count }, () => code)];
    },
    sendRaw(text) {
      for (const consumer of readyConsumers) consumer.ws.send(text);
    },
  };

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
