/**
 * One receiver process of the multi-process test: applies its share of a delivery stream to the
 * PostgreSQL schema it is given, through its own pool, a few deliveries at a time, marking each
 * handled after its (absent) listeners, as a webhook handler would. Prints what became of them.
 *
 *   node --import tsx test/connections/support/receiver.ts <deliveries.json> <schema>
 */
import { readFileSync } from 'node:fs';
import { openSchemaStore, receiverArgs } from '../../support/receiver-process.js';
import type { Delivery } from './stream.js';

const [file, schema] = receiverArgs(2, 'receiver.ts <deliveries.json> <schema>') as [string, string];
const deliveries = JSON.parse(readFileSync(file, 'utf8')) as Delivery[];
const { pool, store } = await openSchemaStore(schema, 3);
const counts: Record<string, number> = { applied: 0, applied_before: 0, handled_before: 0 };
let next = 0;
async function worker(): Promise<void> {
  while (next < deliveries.length) {
    const { event, delivery } = deliveries[next++] as Delivery;
    const result = await store.apply(event as never, delivery);
    counts[result.status] = (counts[result.status] ?? 0) + 1;
    if (result.runListeners) await store.markHandled(delivery.traceId);
  }
}
await Promise.all([worker(), worker(), worker()]);
await pool.end();
process.stdout.write(`${JSON.stringify(counts)}\n`);
