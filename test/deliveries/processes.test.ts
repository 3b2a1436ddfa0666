/**
 * Durable receivers as separate processes on one PostgreSQL: three fed racing duplicates (each
 * listener runs once), and three killed with SIGKILL at random moments and restarted while a sender
 * keeps delivering (nothing acknowledged is lost; a listener runs twice only where a process died
 * while running it). Loopback only, bounded in count and time.
 */
import { afterAll, expect, it } from 'vitest';
import { fixtures } from '../../src/testing/fixtures/index.js';
import {
  describePostgres,
  openDatabase,
  postgresUrl,
  REQUIRED_MESSAGE,
  type TestDatabase,
} from '../connections/support/engines.js';
import { prng } from '../connections/support/stream.js';
import { killReceiverProcesses, type ReceiverProcess, startReceiverProcess } from '../support/receiver-process.js';
import { until } from '../support/wait.js';
import { signatureHeader } from '../support/webhooks.js';

const SECRET = 'durable-processes-secret';

afterAll(killReceiverProcesses);

const startReceiver = (schema: string) =>
  startReceiverProcess('test/deliveries/support/durable-receiver.ts', [schema, SECRET], postgresUrl);

/** The body and headers of one delivery, signed. */
function signed(index: number): { traceId: string; body: string; headers: Record<string, string> } {
  const traceId = `proc-${index}`;
  const body = JSON.stringify(fixtures.event('auth', { user: fixtures.user({ seed: index, provider: 'GARMIN' }) }));
  return {
    traceId,
    body,
    headers: {
      'content-type': 'application/json',
      'terra-signature': signatureHeader(body, SECRET),
      'x-terra-trace-id': traceId,
      'x-terra-ordering-timestamp': String(1_767_225_600_000 + index),
    },
  };
}

/** Posts once; the status, or 0 when the connection failed (a receiver killed). */
async function post(url: string, delivery: ReturnType<typeof signed>): Promise<number> {
  try {
    const response = await fetch(url, { method: 'POST', body: delivery.body, headers: delivery.headers });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

async function prepare(): Promise<TestDatabase> {
  const db = await openDatabase('postgres');
  await db.sql(
    'CREATE TABLE listener_runs (trace_id TEXT NOT NULL, pid INTEGER NOT NULL, at TIMESTAMPTZ DEFAULT now())',
  );
  return db;
}

const runsOf = async (db: TestDatabase) =>
  db.sql<{ trace_id: string; n: number }>('SELECT trace_id, count(*)::int AS n FROM listener_runs GROUP BY trace_id');

const title = 'durable receiver processes on one PostgreSQL';
describePostgres(title, () => {
  it('three receivers fed racing duplicates run each listener exactly once', async () => {
    if (!postgresUrl) throw new Error(REQUIRED_MESSAGE);
    const db = await prepare();
    const receivers = await Promise.all([0, 1, 2].map(() => startReceiver(db.schema)));
    try {
      const COUNT = 150;
      const statuses: number[] = [];
      // Every delivery sent to all three receivers at once, in batches.
      for (let start = 0; start < COUNT; start += 25) {
        const batch = Array.from({ length: Math.min(25, COUNT - start) }, (_, i) => signed(start + i));
        const answers = await Promise.all(batch.flatMap((d) => receivers.map((r) => post(r.url, d))));
        statuses.push(...answers);
      }
      expect(statuses.every((s) => s === 200)).toBe(true);
      await until(
        async () => (await db.store.deliveries({ status: 'handled', limit: 10_000 })).length === COUNT,
        30_000,
        'every delivery handled',
        50,
      );
      const runs = await runsOf(db);
      expect(runs).toHaveLength(COUNT);
      expect(runs.filter((r) => r.n !== 1)).toEqual([]);
      process.stdout.write(
        `racing duplicates: ${COUNT} deliveries sent 3 times each (${statuses.length} requests), listeners ran ${runs.length} times\n`,
      );
    } finally {
      await Promise.all(receivers.map((r) => r.stop()));
      await db.close();
    }
  }, 90_000);

  it('receivers killed with SIGKILL and restarted lose nothing acknowledged', async () => {
    if (!postgresUrl) throw new Error(REQUIRED_MESSAGE);
    const random = prng(20261206);
    const db = await prepare();
    const receivers = await Promise.all([0, 1, 2].map(() => startReceiver(db.schema)));
    // At least MIN deliveries, more while the kills are not all done, never more than MAX.
    const MIN = 400;
    const MAX = 3000;
    const KILLS = 5;
    let kills = 0;
    let sending = true;
    try {
      const killer = (async () => {
        while (sending && kills < KILLS) {
          await new Promise((resolve) => setTimeout(resolve, 80 + random() * 200));
          if (!sending) break;
          const slot = Math.floor(random() * receivers.length);
          const victim = receivers[slot] as ReceiverProcess;
          victim.child.kill('SIGKILL');
          kills++;
          receivers[slot] = await startReceiver(db.schema);
        }
      })();
      const acknowledged = new Set<string>();
      let requests = 0;
      let next = 0;
      const sender = async () => {
        while (next < MAX && (next < MIN || kills < KILLS)) {
          const delivery = signed(next++);
          // A fifth are sent twice, as Terra's retries are; each is sent until some receiver says 200.
          const copies = random() < 0.2 ? 2 : 1;
          for (let copy = 0; copy < copies; copy++) {
            for (let tries = 0; tries < 50; tries++) {
              requests++;
              const target = receivers[Math.floor(random() * receivers.length)] as ReceiverProcess;
              if ((await post(target.url, delivery)) === 200) {
                acknowledged.add(delivery.traceId);
                break;
              }
              await new Promise((resolve) => setTimeout(resolve, 20));
            }
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, sender));
      sending = false;
      await killer;
      const COUNT = next;
      expect(kills).toBe(KILLS);
      expect(acknowledged.size).toBe(COUNT);
      await until(
        async () => (await db.store.deliveries({ status: 'handled', limit: 10_000 })).length === COUNT,
        60_000,
        'every delivery handled',
        50,
      );
      const runs = await runsOf(db);
      const twice = runs.filter((r) => r.n > 1);
      // Each receiver works at most 8 deliveries at once: a kill can interrupt no more listeners than that.
      expect(runs).toHaveLength(COUNT);
      expect(twice.length).toBeLessThanOrEqual(kills * 8);
      const dead = await db.store.deliveries({ status: ['dead', 'failed', 'pending', 'processing'] });
      expect(dead).toEqual([]);
      process.stdout.write(
        `SIGKILL test: ${COUNT} deliveries sent (${requests} requests), ${acknowledged.size} acknowledged, ${runs.length} handled, ${twice.length} run twice (interrupted by ${kills} kills)\n`,
      );
    } finally {
      sending = false;
      await Promise.all(receivers.map((r) => r.stop()));
      await db.close();
    }
  }, 120_000);
});
