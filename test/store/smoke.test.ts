import { afterEach, expect, it } from 'vitest';
import { TerraError } from '../../src/errors.js';
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
    // The newer copy is kept as sent; the view writes the score it lacks into it.
    expect(JSON.parse(String(snap[0]?.sent)).data_enrichment).toEqual({ sleep_score: null, readiness_score: 70 });
    expect(snap[0]?.stale).toBe(true);
  });

  it('stores a record whatever its times, with the instants PostgreSQL can read', { timeout: 60_000 }, async () => {
    db = await openDataStore(engine);
    const u = user('u1', 'OURA');
    const records = [
      // Terra's usual text, passed as the instant itself.
      sleepRecord('usual', '2026-04-01T23:00:00+02:00', '2026-04-02T07:00:00.5-03:30'),
      // Finer than milliseconds: the instant as ISO, to the millisecond.
      sleepRecord('fine', '2026-04-01T23:00:00.123456+02:00', '2026-04-02T07:00:00Z'),
      // Instants past year 9999 or before year 1 as ISO would fail the delivery: kept without them.
      sleepRecord('late', '9999-12-31T23:30:00-05:00', '0000-01-01T00:00:00Z'),
    ];
    await db.terra.apply(dataEvent('sleep', u, records) as never, { traceId: 't-times', orderingTimestamp: 1000 });
    const times = await db.sql(
      "SELECT record_key, to_char(start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS start_at, to_char(end_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS end_at FROM terra_records ORDER BY record_key",
    );
    expect(times).toEqual([
      { record_key: 'fine', start_at: '2026-04-01 21:00:00.123000', end_at: '2026-04-02 07:00:00.000000' },
      { record_key: 'late', start_at: null, end_at: null },
      { record_key: 'usual', start_at: '2026-04-01 21:00:00.000000', end_at: '2026-04-02 10:30:00.500000' },
    ]);
  });

  it('rejects with a typed error, writing nothing, when reading the event throws', { timeout: 60_000 }, async () => {
    db = await openDataStore(engine);
    const hostile = {
      get type(): string {
        throw new Error('a getter that throws');
      },
    };
    const failure = await db.terra.apply(hostile as never, { traceId: 't-hostile', orderingTimestamp: 1000 }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TerraError);
    expect(await recordsSnapshot(db)).toEqual([]);
    expect(await db.sql('SELECT trace_id FROM terra_deliveries')).toEqual([]);
  });
});
