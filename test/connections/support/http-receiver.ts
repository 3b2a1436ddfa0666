/**
 * One webhook receiver process of the concurrency test: terra-sdk/node's `terraWebhook` over a
 * handler with a connection store on its own pg Pool, on the PostgreSQL schema it is given. Prints
 * `{"port":n}` once it listens; `GET /stats` tells how often the listener ran and what failed; it
 * stops when its standard input closes.
 *
 *   node --import tsx test/connections/support/http-receiver.ts <schema> <secret>
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { terraWebhook } from '../../../src/adapters/node.js';
import { createConnectionStore } from '../../../src/store/connections.js';
import { createWebhookHandler } from '../../../src/webhooks/handler.js';

const [schema, secret] = process.argv.slice(2);
if (!schema || !secret || !process.env.TERRA_TEST_DATABASE_URL) {
  process.stderr.write('usage: http-receiver.ts <schema> <secret>, with TERRA_TEST_DATABASE_URL set\n');
  process.exit(2);
}
const pool = new pg.Pool({
  connectionString: process.env.TERRA_TEST_DATABASE_URL,
  max: 4,
  options: `-c search_path=${schema}`,
});
const store = createConnectionStore({ db: pool });
await store.migrate();
let listened = 0;
const failures: string[] = [];
const handler = createWebhookHandler({
  secret,
  store,
  onError: (_, context) => {
    failures.push(`${context.phase} ${context.status}`);
  },
}).onUnhandled(() => {
  listened++;
});
const webhook = terraWebhook(handler);
const server = createServer((req, res) => {
  if (req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ listened, failures }));
    return;
  }
  void webhook(req, res);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.stdin.resume();
process.stdin.on('end', () => {
  server.closeAllConnections();
  server.close(() => {
    void pool.end().then(() => process.exit(0));
  });
});
