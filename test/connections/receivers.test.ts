/**
 * The concurrency test: four receiver processes behind terra-sdk/node, each with its own
 * connection pool to one PostgreSQL, fed one shuffled stream of a few thousand signed deliveries
 * (a fifth of them repeats, all reordered) over loopback. The tables end as a single in-order pass
 * leaves them, with every effect applied once.
 */
import { afterAll, expect, it } from 'vitest';
import { killReceiverProcesses, startReceiverProcess } from '../support/receiver-process.js';
import { signatureHeader } from '../support/webhooks.js';
import {
  connectionsSnapshot,
  describePostgres,
  largeRequestsSnapshot,
  openDatabase,
  postgresUrl,
  REQUIRED_MESSAGE,
} from './support/engines.js';
import { type Delivery, deliveriesOf, prng, randomSteps, shuffledWithDuplicates } from './support/stream.js';

const RECEIVERS = 4;
const STEPS = 3000;
const IN_FLIGHT = 24;
const SECRET = 'receivers-test-secret';

afterAll(killReceiverProcesses);

const startReceiver = (schema: string) =>
  startReceiverProcess('test/connections/support/http-receiver.ts', [schema, SECRET], postgresUrl);

/** The body and headers Terra would POST for one delivery, signed. */
function signed({ event, delivery }: Delivery): { body: string; headers: Record<string, string> } {
  // The stream's athlete events leave out the profile the athlete schema requires.
  const body = JSON.stringify(event.type === 'athlete' ? { ...event, athlete: {} } : event);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'terra-signature': signatureHeader(body, SECRET),
      'x-terra-trace-id': delivery.traceId,
      'x-terra-ordering-timestamp': String(delivery.orderingTimestamp),
      ...(delivery.reference ? { 'terra-reference': delivery.reference } : {}),
    },
  };
}

const title = `${RECEIVERS} receiver processes behind terra-sdk/node on one PostgreSQL`;
describePostgres(title, () => {
  it('end with the tables of one in-order pass, every effect applied once', async () => {
    if (!postgresUrl) throw new Error(REQUIRED_MESSAGE);
    const random = prng(20261201);
    const deliveries = deliveriesOf(randomSteps(STEPS, random), 'http');
    const stream = shuffledWithDuplicates(deliveries, 0.25, random);
    const repeats = stream.length - deliveries.length;
    expect(repeats / stream.length).toBeGreaterThanOrEqual(0.19);
    // Reordered: many deliveries arrive after one Terra emitted later.
    let late = 0;
    for (let i = 1; i < stream.length; i++)
      if ((stream[i]?.delivery.orderingTimestamp ?? 0) < (stream[i - 1]?.delivery.orderingTimestamp ?? 0)) late++;
    expect(late).toBeGreaterThan(stream.length / 3);

    const shared = await openDatabase('postgres');
    const reference = await openDatabase('postgres');
    const receivers = await Promise.all(Array.from({ length: RECEIVERS }, () => startReceiver(shared.schema)));
    try {
      const started = Date.now();
      const statuses = new Map<number, number>();
      let next = 0;
      let busy = 0;
      const sender = async () => {
        while (next < stream.length) {
          const delivery = stream[next++] as Delivery;
          const target = receivers[Math.floor(random() * RECEIVERS)] as { url: string };
          const { body, headers } = signed(delivery);
          // A repeat that races its first copy is answered 503 while the first copy's listener
          // runs; Terra sends it again later (here: soon).
          for (let tries = 0; ; tries++) {
            const response = await fetch(target.url, { method: 'POST', body, headers });
            await response.arrayBuffer();
            if (response.status === 503 && tries < 100) {
              busy++;
              await new Promise((resolve) => setTimeout(resolve, 10));
              continue;
            }
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            break;
          }
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
      const sendingMs = Date.now() - started;
      expect(Object.fromEntries(statuses)).toEqual({ 200: stream.length });

      const stats = await Promise.all(
        receivers.map(
          async (r) => (await (await fetch(`${r.base}/stats`)).json()) as { listened: number; failures: string[] },
        ),
      );
      expect(stats.flatMap((s) => s.failures)).toEqual([]);

      for (const { event, delivery } of deliveries) await reference.store.apply(event as never, delivery);
      expect(await connectionsSnapshot(shared)).toEqual(await connectionsSnapshot(reference));
      // Chunk counts would show a delivery applied twice.
      expect(await largeRequestsSnapshot(shared)).toEqual(await largeRequestsSnapshot(reference));
      const [recorded] = await shared.sql<{ n: number; handled: number }>(
        'SELECT count(*)::int AS n, count(handled_at)::int AS handled FROM terra_deliveries',
      );
      expect(recorded).toEqual({ n: deliveries.length, handled: deliveries.length });
      // Listeners ran exactly once per delivery: a repeat that raced its first copy was answered
      // 503 while that copy's listener ran, never run again.
      const listened = stats.reduce((n, s) => n + s.listened, 0);
      expect(listened).toBe(deliveries.length);
      const kinds = new Set((await connectionsSnapshot(shared)).map((r) => r.status));
      expect([...kinds].sort()).toEqual(['active', 'disconnected', 'needs_reconnect']);
      process.stdout.write(
        `${RECEIVERS} receivers behind terra-sdk/node took ${stream.length} signed deliveries (${deliveries.length} distinct, ${repeats} repeats) in ${sendingMs} ms; listeners ran ${listened} times; ${busy} racing repeats answered 503\n`,
      );
    } finally {
      await Promise.all(receivers.map((r) => r.stop()));
      await shared.close();
      await reference.close();
    }
  }, 90_000);
});
