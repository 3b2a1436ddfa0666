/**
 * One webhook receiver process of the concurrency test: terra-sdk/node's `terraWebhook` over a
 * handler with a connection store on its own pg Pool, on the PostgreSQL schema it is given. Prints
 * `{"port":n}` once it listens; `GET /stats` tells how often the listener ran and what failed; it
 * stops when its standard input closes.
 *
 *   node --import tsx test/connections/support/http-receiver.ts <schema> <secret>
 */
import { createWebhookHandler } from '../../../src/webhooks/handler.js';
import { openSchemaStore, receiverArgs, serveUntilStdinEnds } from '../../support/receiver-process.js';

const [schema, secret] = receiverArgs(2, 'http-receiver.ts <schema> <secret>') as [string, string];
const { pool, store } = await openSchemaStore(schema, 4);
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
serveUntilStdinEnds(handler, {
  route: (req, res) => {
    if (req.url !== '/stats') return false;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ listened, failures }));
    return true;
  },
  onStop: () => pool.end(),
});
