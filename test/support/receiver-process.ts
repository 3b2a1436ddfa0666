/**
 * Webhook receivers as separate processes on one PostgreSQL, for the multi-process tests of
 * test/connections and test/deliveries. Two halves:
 *
 * - in the test: `startReceiverProcess` spawns a receiver script and resolves once it listens;
 *   `killReceiverProcesses` (for `afterAll`) kills any a failed test left running;
 * - in the receiver script: `receiverArgs` reads its arguments, `openSchemaStore` opens its own pg
 *   Pool on the schema it was given, and `serveUntilStdinEnds` serves a handler through
 *   terra-sdk/node on loopback, prints `{"port":n}`, and stops gracefully when its standard input
 *   ends (which is how `stop()` asks).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { terraWebhook } from '../../src/adapters/node.js';
import { type ConnectionStore, createConnectionStore } from '../../src/store/connections.js';
import type { WebhookHandler } from '../../src/webhooks/handler.js';

/** Where the receivers mount the webhook (any path reaches it; this is the one the README shows). */
export const WEBHOOK_PATH = '/webhooks/terra';

export interface ReceiverProcess {
  /** `http://127.0.0.1:<port>`. */
  base: string;
  /** The webhook's URL: `base` + `/webhooks/terra`. */
  url: string;
  child: ChildProcess;
  /** Ends the receiver's standard input and resolves once it has exited. */
  stop(): Promise<void>;
}

const started: ChildProcess[] = [];

/**
 * Starts `node --import tsx <script> ...args` with TERRA_TEST_DATABASE_URL set to `databaseUrl`, and
 * resolves once it printed its port; rejects if it exits first.
 */
export async function startReceiverProcess(
  script: string,
  args: string[],
  databaseUrl: string | undefined,
): Promise<ReceiverProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, TERRA_TEST_DATABASE_URL: databaseUrl },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  started.push(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`a receiver exited with ${code} before listening`)));
  });
  const { port } = JSON.parse(line) as { port: number };
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    url: `${base}${WEBHOOK_PATH}`,
    child,
    stop: async () => {
      child.stdin?.end();
      await exited;
    },
  };
}

/** Kills every receiver process still running (for `afterAll`: what a failed test left behind). */
export function killReceiverProcesses(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * In a receiver script: its `count` arguments. With one missing, or TERRA_TEST_DATABASE_URL unset,
 * prints `usage` and exits 2.
 */
export function receiverArgs(count: number, usage: string): string[] {
  const args = process.argv.slice(2, 2 + count);
  if (args.length < count || args.some((a) => !a) || !process.env.TERRA_TEST_DATABASE_URL) {
    process.stderr.write(`usage: ${usage}, with TERRA_TEST_DATABASE_URL set\n`);
    process.exit(2);
  }
  return args;
}

/**
 * In a receiver script: its own pg Pool of at most `max` connections on the test server, every
 * query in `schema`, and a connection store on it, migrated.
 */
export async function openSchemaStore(schema: string, max: number): Promise<{ pool: pg.Pool; store: ConnectionStore }> {
  const pool = new pg.Pool({
    connectionString: process.env.TERRA_TEST_DATABASE_URL,
    max,
    options: `-c search_path=${schema}`,
  });
  const store = createConnectionStore({ db: pool });
  await store.migrate();
  return { pool, store };
}

export interface ServeOptions {
  /** Answers a request before the webhook does; returns true when it did. */
  route?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Runs once the server has closed, before the process exits 0 (close the handler, end the pool). */
  onStop: () => Promise<unknown>;
}

/**
 * In a receiver script: serves `handler` through terra-sdk/node on a loopback port and prints
 * `{"port":n}`; once standard input ends, drops open connections, closes, runs `onStop` and exits.
 */
export function serveUntilStdinEnds(handler: WebhookHandler, options: ServeOptions): void {
  const webhook = terraWebhook(handler);
  const server = createServer((req, res) => {
    if (options.route?.(req, res)) return;
    void webhook(req, res);
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
  process.stdin.resume();
  process.stdin.on('end', () => {
    server.closeAllConnections();
    server.close(() => {
      void options.onStop().then(() => process.exit(0));
    });
  });
}
