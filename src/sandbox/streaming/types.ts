/**
 * The shapes of the local streaming gateway: its options, counters, faults, dispatches, and the
 * gateway itself (standalone or mounted on a server).
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

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
