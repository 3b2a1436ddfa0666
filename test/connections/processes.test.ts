/**
 * Several receiver processes on one PostgreSQL, fed one shuffled stream with repeats, end with the
 * tables a single in-order pass gives, every effect applied once.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import {
  connectionsSnapshot,
  describePostgres,
  largeRequestsSnapshot,
  openDatabase,
  postgresUrl,
  REQUIRED_MESSAGE,
  type TestDatabase,
} from './support/engines.js';
import { type Delivery, deliveriesOf, prng, randomSteps, shuffledWithDuplicates } from './support/stream.js';

const run = promisify(execFile);
const PROCESSES = 4;
const STEPS = 3000;

const work = mkdtempSync(join(tmpdir(), 'terra-receivers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const title = `${PROCESSES} receiver processes on one PostgreSQL`;
describePostgres(title, () => {
  it('end with the tables of one in-order pass, every effect applied once', async () => {
    if (!postgresUrl) throw new Error(REQUIRED_MESSAGE);
    const random = prng(20261201);
    const deliveries = deliveriesOf(randomSteps(STEPS, random));
    // 25% of the deliveries again: one delivery in five of the stream is a repeat.
    const stream = shuffledWithDuplicates(deliveries, 0.25, random);
    expect(stream.length - deliveries.length).toBeGreaterThanOrEqual(Math.floor(stream.length * 0.19));

    const shared = await openDatabase('postgres', { migrate: false });
    const reference = await openDatabase('postgres');
    try {
      // Every process gets a random share, so repeats of one delivery often race in different processes.
      const shares: Delivery[][] = Array.from({ length: PROCESSES }, () => []);
      for (const d of stream) shares[Math.floor(random() * PROCESSES)]?.push(d);
      const files = shares.map((share, i) => {
        const file = join(work, `share-${i}.json`);
        writeFileSync(file, JSON.stringify(share));
        return file;
      });
      const started = Date.now();
      const outputs = await Promise.all(
        files.map((file) =>
          run(process.execPath, ['--import', 'tsx', 'test/connections/support/receiver.ts', file, shared.schema], {
            env: { ...process.env, TERRA_TEST_DATABASE_URL: postgresUrl },
            timeout: 60_000,
          }),
        ),
      );
      const receiversMs = Date.now() - started;
      const counts = outputs.map((o) => JSON.parse(o.stdout) as Record<string, number>);
      const sum = (key: string) => counts.reduce((n, c) => n + (c[key] ?? 0), 0);

      for (const { event, delivery } of deliveries) await reference.store.apply(event as never, delivery);

      expect(await connectionsSnapshot(shared)).toEqual(await connectionsSnapshot(reference));
      expect(await largeRequestsSnapshot(shared)).toEqual(await largeRequestsSnapshot(reference));
      // Every delivery applied exactly once, whichever process got it first.
      expect(sum('applied')).toBe(deliveries.length);
      expect(sum('applied_before') + sum('handled_before') + sum('in_progress')).toBe(
        stream.length - deliveries.length,
      );
      const count = async (db: TestDatabase) =>
        (await db.sql<{ n: number }>('SELECT count(*)::int AS n FROM terra_deliveries'))[0]?.n;
      expect(await count(shared)).toBe(deliveries.length);
      const [handled] = await shared.sql<{ n: number }>(
        'SELECT count(*)::int AS n FROM terra_deliveries WHERE handled_at IS NOT NULL',
      );
      expect(handled?.n).toBe(deliveries.length);
      // The stream touched many connections, in every status.
      const statuses = new Set((await connectionsSnapshot(shared)).map((r) => r.status));
      expect([...statuses].sort()).toEqual(['active', 'disconnected', 'needs_reconnect']);
      process.stdout.write(
        `${PROCESSES} receivers applied ${stream.length} deliveries (${deliveries.length} distinct) in ${receiversMs} ms\n`,
      );
    } finally {
      await shared.close();
      await reference.close();
    }
  }, 90_000);
});
