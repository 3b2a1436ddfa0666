/**
 * One durable receiver process for the process tests: terra-sdk/node over a durable handler on its
 * own pg Pool, on the PostgreSQL schema it is given. Its listener records each run in
 * `listener_runs` (trace id, pid) and then takes a little while. Prints `{"port":n}` once it
 * listens; closes gracefully (handler.close()) when its standard input ends.
 *
 *   node --import tsx test/deliveries/support/durable-receiver.ts <schema> <secret>
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { terraWebhook } from '../../../src/adapters/node.js';
import { createConnectionStore } from '../../../src/store/connections.js';
import { createWebhookHandler } from '../../../src/webhooks/handler.js';

const [schema, secret] = process.argv.slice(2);
if (!schema || !secret || !process.env.TERRA_TEST_DATABASE_URL) {
  process.stderr.write('usage: durable-receiver.ts <schema> <secret>, with TERRA_TEST_DATABASE_URL set\n');
  process.exit(2);
}
const pool = new pg.Pool({
  connectionString: process.env.TERRA_TEST_DATABASE_URL,
  max: 6,
  options: `-c search_path=${schema}`,
});
const store = createConnectionStore({ db: pool });
await store.migrate();
const handler = createWebhookHandler({
  secret,
  store,
  durable: true,
  leaseMs: Number(process.env.DURABLE_LEASE_MS ?? 2000),
  backoffMs: 20,
  maxBackoffMs: 100,
  pollIntervalMs: 25,
  concurrency: 8,
  onError: () => undefined,
}).onUnhandled(async (_event, delivery) => {
  await pool.query('INSERT INTO listener_runs (trace_id, pid) VALUES ($1, $2)', [delivery.traceId, process.pid]);
  await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 30));
});
const webhook = terraWebhook(handler);
const server = createServer((req, res) => void webhook(req, res));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => {
  server.closeAllConnections();
  server.close(() => {
    void handler
      .close()
      .then(() => pool.end())
      .then(() => process.exit(0));
  });
});
