/**
 * Data store test helpers: a migrated `createTerraStore` on each engine, records shaped as Terra
 * sends them, and a snapshot of the tables two runs must agree on.
 */
import { createTerraStore } from '../../src/store/data/store.js';
import type { TerraStore, TerraStoreOptions } from '../../src/store/data/types.js';
import { type EngineName, openDatabase, type TestDatabase } from '../connections/support/engines.js';

export { describeEngines, type EngineName } from '../connections/support/engines.js';

export interface DataTestDatabase extends TestDatabase {
  terra: TerraStore;
}

export async function openDataStore(
  engine: EngineName,
  options: Omit<TerraStoreOptions, 'db'> = { data: true },
): Promise<DataTestDatabase> {
  const db = await openDatabase(engine, { migrate: false });
  const terra = createTerraStore({ ...options, db: db.db });
  await terra.migrate();
  return { ...db, terra };
}

export const user = (id: string, provider: string, reference = 'person-1') => ({
  user_id: id,
  provider,
  reference_id: reference,
  scopes: null,
  active: true,
  created_at: null,
  last_webhook_update: null,
});

export function sleepRecord(summaryId: string | null, start: string, end: string, extra: Record<string, unknown> = {}) {
  return {
    metadata: { summary_id: summaryId, start_time: start, end_time: end, is_nap: false, upload_type: 1 },
    sleep_durations_data: { asleep: { duration_asleep_state_seconds: 25000 } },
    ...extra,
  };
}

export function dailyRecord(date: string, steps: number, extra: Record<string, unknown> = {}) {
  return {
    metadata: {
      start_time: `${date}T00:00:00.000000+02:00`,
      end_time: `${date}T23:59:59.000000+02:00`,
      upload_type: 1,
    },
    distance_data: { steps },
    ...extra,
  };
}

export function dataEvent(type: string, u: ReturnType<typeof user>, data: unknown[]) {
  return { type, user: u, data, version: '2022-03-16' };
}

/**
 * Everything of the records two runs must agree on (not written_at): each row as the view
 * `terra_records` shows it, with the copy as sent and its `stale` flag from `terra_records_as_sent`.
 */
export async function recordsSnapshot(db: TestDatabase): Promise<Record<string, unknown>[]> {
  const rows = await db.sql(
    `SELECT v.type, v.terra_user_id, v.record_key, v.provider, v.reference_id, to_char(v.calendar_date, 'YYYY-MM-DD') AS calendar_date,
            v.start_time, v.end_time, v.start_at, v.end_at, v.summary_id, v.ordering_ts, v.tiebreak, v.data::text AS data,
            v.scores::text AS scores, v.trace_id, s.data::text AS sent, s.stale
     FROM terra_records v JOIN terra_records_as_sent s USING (type, terra_user_id, record_key)
     ORDER BY v.type, v.terra_user_id, v.record_key`,
  );
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])),
  );
}
