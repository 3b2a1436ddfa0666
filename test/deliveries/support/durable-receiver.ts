/**
 * One durable receiver process for the process tests: terra-sdk/node over a durable handler on its
 * own pg Pool, on the PostgreSQL schema it is given. Its listener records each run in
 * `listener_runs` (trace id, pid) and then takes a little while. Prints `{"port":n}` once it
 * listens; closes gracefully (handler.close()) when its standard input ends.
 *
 *   node --import tsx test/deliveries/support/durable-receiver.ts <schema> <secret>
 */
import { createWebhookHandler } from '../../../src/webhooks/handler.js';
import { openSchemaStore, receiverArgs, serveUntilStdinEnds } from '../../support/receiver-process.js';

const [schema, secret] = receiverArgs(2, 'durable-receiver.ts <schema> <secret>') as [string, string];
const { pool, store } = await openSchemaStore(schema, 6);
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
serveUntilStdinEnds(handler, { onStop: () => handler.close().then(() => pool.end()) });
