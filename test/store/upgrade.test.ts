/**
 * Upgrading a store made before migration 9: its records, whose JSON already holds their merged
 * scores, read the same through the view `terra_records`, and later copies converge onto them.
 */
import { afterEach, expect, it } from 'vitest';
import { createTerraStore } from '../../src/store/data/store.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { migrateUpTo, openDatabase, type TestDatabase } from '../connections/support/engines.js';
import { dataEvent, describeEngines, type EngineName, sleepRecord, user } from './support.js';

describeEngines('upgrading the data store to the records as sent', (engine: EngineName) => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it('keeps every record as it read, and merges later copies into it', { timeout: 60_000 }, async () => {
    db = await openDatabase(engine, { migrate: false });
    await migrateUpTo(db, 8);
    // What version 8 stored: a record whose JSON holds a score an older copy gave it.
    const merged = sleepRecord('s1', '2026-04-01T23:00:00+02:00', '2026-04-02T07:00:00+02:00', {
      data_enrichment: { sleep_score: 80, readiness_score: 70 },
    });
    await db.sql(
      `INSERT INTO terra_records (type, terra_user_id, record_key, provider, reference_id, calendar_date, start_time,
         end_time, start_at, end_at, summary_id, ordering_ts, tiebreak, data, scores, trace_id)
       VALUES ('sleep', 'u1', 's1', 'OURA', 'person-1', '2026-04-01', $1::text, $2::text, $1::timestamptz, $2::timestamptz, 's1',
         '1970-01-01T00:00:02Z', 'bb', $3::jsonb, $4::jsonb, 't-old')`,
      [
        merged.metadata.start_time,
        merged.metadata.end_time,
        JSON.stringify(merged),
        JSON.stringify({ sleep_score: [80, 1000, 'aa'], readiness_score: [70, 2000, 'bb'] }),
      ],
    );
    const before = await db.sql('SELECT * FROM terra_records');

    const terra = createTerraStore({ db: db.db, data: true });
    expect(await terra.migrate()).toMatchObject({
      from: 8,
      applied: MIGRATIONS.filter((m) => m.version > 8).map((m) => m.version),
    });
    expect(await db.sql('SELECT * FROM terra_records')).toEqual(before);
    expect(await db.sql('SELECT stale FROM terra_records_as_sent')).toEqual([{ stale: false }]);
    expect(await terra.records('sleep', { referenceId: 'person-1' })).toEqual([merged]);

    // A newer copy whose sleep score is null keeps the stored one; the copy itself is kept as sent.
    const newer = sleepRecord('s1', '2026-04-01T23:00:00+02:00', '2026-04-02T07:30:00+02:00', {
      data_enrichment: { sleep_score: null, readiness_score: 72 },
    });
    const u = user('u1', 'OURA');
    await terra.apply(dataEvent('sleep', u, [newer]) as never, { traceId: 't-new', orderingTimestamp: 3000 });
    const [stored] = await terra.records('sleep', { referenceId: 'person-1' });
    expect(stored?.metadata.end_time).toBe('2026-04-02T07:30:00+02:00');
    expect(stored?.data_enrichment).toEqual({ sleep_score: 80, readiness_score: 72 });
    const [sent] = await db.sql<{ data: typeof newer; stale: boolean }>(
      'SELECT data, stale FROM terra_records_as_sent',
    );
    expect(sent).toEqual({ data: newer, stale: true });
  });
});
