import { afterEach, expect, it } from 'vitest';
import {
  type DataTestDatabase,
  dataEvent,
  describeEngines,
  openDataStore,
  recordsSnapshot,
  sleepRecord,
  user,
} from './support.js';

describeEngines('data store smoke', (engine) => {
  let db: DataTestDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });
  it('stores a sleep and keeps a score a newer null copy drops', { timeout: 60_000 }, async () => {
    db = await openDataStore(engine);
    const u = user('u1', 'OURA');
    const withScore = sleepRecord('s1', '2026-04-01T23:00:00+02:00', '2026-04-02T07:00:00+02:00', {
      data_enrichment: { sleep_score: 80, readiness_score: null },
      unknown_field: { kept: true },
    });
    const newerNull = sleepRecord('s1', '2026-04-01T23:00:00+02:00', '2026-04-02T07:10:00+02:00', {
      data_enrichment: { sleep_score: null, readiness_score: 70 },
    });
    await db.terra.apply(dataEvent('sleep', u, [withScore]) as never, { traceId: 't1', orderingTimestamp: 1000 });
    await db.terra.apply(dataEvent('sleep', u, [newerNull]) as never, { traceId: 't2', orderingTimestamp: 2000 });
    const [stored] = await db.terra.records('sleep', { referenceId: 'person-1' });
    expect(stored?.metadata.end_time).toBe('2026-04-02T07:10:00+02:00');
    expect(stored?.data_enrichment).toEqual({ sleep_score: 80, readiness_score: 70 });
    const snap = await recordsSnapshot(db);
    expect(snap).toHaveLength(1);
    expect(snap[0]?.calendar_date).toBe('2026-04-01');
  });
});
