/**
 * The demo's webhook endpoint, its waits and its connections table: what an app around terra-sdk
 * would write, kept apart from the steps that drive it.
 * @internal
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { terraWebhook } from '../../adapters/node.js';
import type { TerraConnectionRow } from '../../store/connections.js';
import { createTerraStore, type TerraStore } from '../../store/index.js';
import {
  createWebhookHandler,
  type TerraWebhookEvent,
  TerraWebhookVerificationError,
  type WebhookDelivery,
} from '../../webhooks/index.js';

export const SECRET = 'demo-signing-secret';
export const PERSON = 'demo-user-1'; // your app's id for the person: Terra's reference_id
export const WAIT_MS = 5_000;

/** A step that did not do what Terra would do. */
export class StepFailed extends Error {}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new StepFailed(message);
}

export const short = (id: string) => `${id.slice(0, 8)}…`;

// ------------------------------------------------------------------------------------------------
// Your webhook endpoint: a node:http server with terra-sdk/node. Every event that passes signature
// verification is recorded, so the demo can check what arrived.

export interface Received {
  event: TerraWebhookEvent;
  delivery: WebhookDelivery;
}

export interface Endpoint {
  url: string;
  received: Received[];
  /** Deliveries the endpoint refused, with the reason (a bad signature, ...). */
  refused: string[];
  /** Makes the next `n` deliveries fail with 503, as an outage would. */
  failNext(n: number): void;
  /** Whether Terra gave up on a delivery (after its retries): then waiting longer is pointless. */
  gaveUp: () => boolean;
  server: Server;
}

export async function startEndpoint(secret: string, store: TerraStore): Promise<Endpoint> {
  const received: Received[] = [];
  const refused: string[] = [];
  let outages = 0;
  const handler = createWebhookHandler({
    secret,
    // Each verified event updates the connections table and stores its data first, once per
    // delivery, then the listeners run: a listener that sees a data event can read it from the store.
    store,
    onError: (error, context) => {
      const code = error instanceof TerraWebhookVerificationError ? error.code : context.phase;
      refused.push(`${context.status} ${code}`);
    },
  })
    // An app registers .on('auth', ...), .on('activity', ...) and so on; the demo records them all.
    .onUnhandled((event, delivery) => {
      received.push({ event, delivery });
    });
  const webhook = terraWebhook(handler);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/webhooks/terra') {
      if (outages > 0) {
        outages--;
        req.resume();
        res.writeHead(503).end();
        return;
      }
      void webhook(req, res);
    } else if (path === '/connected') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Your device is connected</h1>');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    refused,
    failNext: (n) => {
      outages = n;
    },
    gaveUp: () => false,
    server,
  };
}

/** Waits for the first event that matches, or fails the step saying what went wrong. */
export async function waitFor<E extends TerraWebhookEvent>(
  endpoint: Endpoint,
  what: string,
  match: (event: TerraWebhookEvent, delivery: WebhookDelivery) => event is E,
): Promise<{ event: E; delivery: WebhookDelivery }> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const found = endpoint.received.find((r) => match(r.event, r.delivery));
    if (found) return found as { event: E; delivery: WebhookDelivery };
    if (endpoint.gaveUp()) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const refused = endpoint.refused.length
    ? ` Your endpoint refused ${endpoint.refused.length} deliveries (${[...new Set(endpoint.refused)].join(', ')}): ${
        endpoint.refused.some((r) => r.includes('no_matching_signature'))
          ? 'it verifies with another secret than the one Terra signs with.'
          : 'see its onError log.'
      }`
    : '';
  const when = endpoint.gaveUp() ? 'and Terra stopped retrying' : `within ${WAIT_MS / 1000} s`;
  throw new StepFailed(`${what} did not arrive ${when}.${refused}`);
}

/** Finds every event that matches, once `count` of them have arrived. */
export async function waitForAll<E extends TerraWebhookEvent>(
  endpoint: Endpoint,
  what: string,
  count: number,
  match: (event: TerraWebhookEvent, delivery: WebhookDelivery) => event is E,
): Promise<{ event: E; delivery: WebhookDelivery }[]> {
  const all = () =>
    endpoint.received.filter((r) => match(r.event, r.delivery)) as { event: E; delivery: WebhookDelivery }[];
  await waitFor(endpoint, what, (e, d): e is E => match(e, d) && all().length >= count);
  return all();
}

// ------------------------------------------------------------------------------------------------
// The store (the connections table and the person's data): PGlite (PostgreSQL in WebAssembly, in
// this process) unless DATABASE_URL names a PostgreSQL server.

export interface Database {
  store: TerraStore;
  where: string;
  close(): Promise<void>;
}

export async function openDatabase(url: string | undefined): Promise<Database> {
  if (url) {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const store = createTerraStore({ db: pool, data: true });
    await store.migrate();
    return { store, where: `PostgreSQL at ${new URL(url).host}`, close: () => pool.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const lite = await PGlite.create();
  const store = createTerraStore({ db: lite, data: true });
  await store.migrate();
  return { store, where: 'PGlite, embedded in this process', close: () => lite.close() };
}

/**
 * Lines of a table as a person reads it: a header, a rule, then the rows, each column as wide as its
 * widest cell; columns listed in `right` are aligned right (numbers).
 */
export function table(header: readonly string[], rows: readonly string[][], right: readonly number[] = []): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (right.includes(i) ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...rows.map(format)];
}

/** The rows as a person reads them: one line each, ids shortened, times to the minute. */
export function connectionsTable(rows: readonly TerraConnectionRow[]): string[] {
  const minute = (date: Date | null) => (date ? date.toISOString().slice(0, 16).replace('T', ' ') : '');
  const lines = rows.map((row) => [
    short(row.terra_user_id),
    row.provider ?? '',
    row.reference_id ?? '',
    row.status ?? '',
    (row.scopes ?? []).join(','),
    minute(row.last_sync),
    row.replaced_by
      ? `replaced by ${short(row.replaced_by)}`
      : row.disconnected_at
        ? `ended ${minute(row.disconnected_at)}`
        : '',
  ]);
  return table(['terra_user_id', 'provider', 'reference_id', 'status', 'scopes', 'last_sync', 'note'], lines);
}
