/**
 * One server of the durable ingest bench (bench/durable.ts), in its own process:
 * `node --import tsx bench/durable-server.ts <durable|floor> <secret> <database-url> <schema>`, with
 * an IPC channel; sends `{ port }` once listening and exits on `"exit"`.
 *
 * `durable` mounts terra-sdk/node over `createWebhookHandler({ store, durable: true })` on a pg Pool
 * (verify, one insert, 200; the recorded delivery is then worked in the background, as in
 * production). `floor` is the least a receiver that keeps deliveries can do in the same framework:
 * read the body, check HMAC-SHA256 with node:crypto, `JSON.parse` it, one plain INSERT of the body.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createConnectionStore } from 'terra-sdk/connections';
import { terraWebhook } from 'terra-sdk/node';
import { createWebhookHandler } from 'terra-sdk/webhooks';

const [mode, secret, url, schema] = process.argv.slice(2) as ['durable' | 'floor', string, string, string];
const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function verified(header: string | undefined, body: Buffer): boolean {
  const t = /(?:^|,)\s*t=(\d+)/.exec(header ?? '')?.[1];
  const v1 = /(?:^|,)\s*v1=([0-9a-f]{64})/.exec(header ?? '')?.[1];
  if (t === undefined || v1 === undefined) return false;
  const digest = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  return timingSafeEqual(digest, Buffer.from(v1, 'hex'));
}

let listener: (req: IncomingMessage, res: import('node:http').ServerResponse) => void;
if (mode === 'durable') {
  const store = createConnectionStore({ db: pool as never });
  await store.migrate();
  const handler = createWebhookHandler({ secret, store, durable: true, onError: () => undefined }).on(
    'activity',
    () => undefined,
  );
  listener = terraWebhook(handler);
} else {
  await pool.query(`CREATE TABLE IF NOT EXISTS bench_floor_deliveries (
    trace_id TEXT PRIMARY KEY, body BYTEA NOT NULL, received_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  listener = (req, res) => {
    void readBody(req).then(async (body) => {
      if (!verified(req.headers['terra-signature'] as string | undefined, body)) {
        res.writeHead(401).end();
        return;
      }
      JSON.parse(body.toString('utf8'));
      await pool.query({
        name: 'floor_insert',
        text: 'INSERT INTO bench_floor_deliveries (trace_id, body) VALUES ($1, $2) ON CONFLICT (trace_id) DO NOTHING',
        values: [req.headers['x-terra-trace-id'], body],
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  };
}
const server = createServer(listener);
server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
process.on('message', (message) => {
  if (message === 'exit') {
    server.closeAllConnections();
    server.close(() => void pool.end().then(() => process.exit(0)));
  }
});
