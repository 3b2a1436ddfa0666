/**
 * The store's central property: whatever order deliveries arrive in, however often each is
 * repeated, the tables end as one in-order pass leaves them.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import {
  connectionsSnapshot,
  describeEngines,
  type EngineName,
  largeRequestsSnapshot,
  openForEachTest,
  type TestDatabase,
} from './support/engines.js';
import { type Delivery, deliveriesOf, STEP_KINDS, type Step } from './support/stream.js';

const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom(...STEP_KINDS),
  a: fc.nat(40),
  b: fc.nat(40),
  c: fc.nat(100),
});

async function applyAll(db: TestDatabase, deliveries: readonly Delivery[]): Promise<void> {
  for (const { event, delivery } of deliveries) await db.store.apply(event as never, delivery);
}

async function reset(db: TestDatabase): Promise<void> {
  await db.sql(
    'TRUNCATE terra_connections, terra_deliveries, terra_scope_changes, terra_large_requests, terra_large_request_chunks RESTART IDENTITY',
  );
}

async function state(db: TestDatabase) {
  const [deliveries] = await db.sql<{ n: number }>('SELECT count(*)::int AS n FROM terra_deliveries');
  return {
    connections: await connectionsSnapshot(db),
    largeRequests: await largeRequestsSnapshot(db),
    deliveries: deliveries?.n,
  };
}

describeEngines('ordering and duplicates', (engine: EngineName) => {
  let db: TestDatabase;
  openForEachTest(engine, (opened) => {
    db = opened;
  });

  it('any permutation with repeats ends as the in-order pass', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 45 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (steps, sortKeys, repeats) => {
          const deliveries = deliveriesOf(steps);
          await reset(db);
          await applyAll(db, deliveries);
          const inOrder = await state(db);

          const shuffled = deliveries.map((d, i) => ({ d, key: sortKeys[i] ?? i }));
          for (const r of repeats) {
            const d = deliveries[r % deliveries.length];
            if (d) shuffled.push({ d, key: sortKeys[(r + 7) % Math.max(1, sortKeys.length)] ?? r });
          }
          shuffled.sort((x, y) => x.key - y.key);
          await reset(db);
          await applyAll(
            db,
            shuffled.map((s) => s.d),
          );
          expect(await state(db)).toEqual(inOrder);
        },
      ),
      { numRuns: engine === 'pglite' ? 40 : 60 },
    );
  }, 120_000);

  it('an older auth delivered after a deauth does not bring the connection back', async () => {
    const user = { user_id: 'late-auth', provider: 'GARMIN', reference_id: 'person-1' };
    await db.store.apply({ type: 'deauth', status: 'success', user } as never, {
      traceId: 'd',
      orderingTimestamp: 2000,
    });
    await db.store.apply({ type: 'auth', status: 'success', user: { ...user, scopes: 'sleep' } } as never, {
      traceId: 'a',
      orderingTimestamp: 1000,
    });
    const row = await db.store.getConnection('late-auth');
    expect(row?.status).toBe('disconnected');
    expect(row?.disconnected_at?.getTime()).toBe(2000);
    // The auth still tells when the connection was made and what it allowed.
    expect(row?.connected_at?.getTime()).toBe(1000);
    expect(row?.scopes).toEqual(['sleep']);
  });

  it('an event with the same ordering timestamp as the stored one overwrites it', async () => {
    const user = { user_id: 'tie', provider: 'OURA', reference_id: 'person-2' };
    await db.store.apply({ type: 'connection_error', message: 'first', user } as never, {
      traceId: 'e1',
      orderingTimestamp: 5000,
    });
    await db.store.apply({ type: 'deauth', user } as never, { traceId: 'e2', orderingTimestamp: 5000 });
    expect((await db.store.getConnection('tie'))?.status).toBe('disconnected');
    await db.store.apply({ type: 'connection_error', message: 'older', user } as never, {
      traceId: 'e3',
      orderingTimestamp: 4999,
    });
    expect((await db.store.getConnection('tie'))?.status).toBe('disconnected');
  });

  it('a delivery without an ordering timestamp counts as the newest, at its time of receipt', async () => {
    const user = { user_id: 'no-ts', provider: 'FITBIT', reference_id: 'person-3' };
    const before = Date.now();
    await db.store.apply({ type: 'auth', status: 'success', user } as never, { traceId: 'n1' });
    const after = Date.now();
    const row = await db.store.getConnection('no-ts');
    expect(row?.last_event_at?.getTime()).toBeGreaterThanOrEqual(before);
    expect(row?.last_event_at?.getTime()).toBeLessThanOrEqual(after);
    // A stamped event emitted before it arrived cannot undo it...
    await db.store.apply({ type: 'deauth', user } as never, { traceId: 'n2', orderingTimestamp: before - 60_000 });
    expect((await db.store.getConnection('no-ts'))?.status).toBe('active');
    // ...and an unstamped one arriving later wins.
    await db.store.apply({ type: 'deauth', user } as never, { traceId: 'n3' });
    expect((await db.store.getConnection('no-ts'))?.status).toBe('disconnected');
    // A data delivery without a timestamp syncs at its time of receipt.
    const t = Date.now();
    await db.store.apply({ type: 'daily', user, data: [] } as never, {});
    expect((await db.store.getConnection('no-ts'))?.last_sync?.getTime()).toBeGreaterThanOrEqual(t);
  });
});
