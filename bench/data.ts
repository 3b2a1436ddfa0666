/**
 * Data store speed (issue 22):
 *
 * - ingest: data deliveries applied by `createTerraStore(...).apply` (each sleep record upserted
 *   with its scores merged, then the delivery recorded), against plain `INSERT ... ON CONFLICT DO
 *   UPDATE` of the same JSON into a table of the same shape (`LIKE terra_records_as_sent INCLUDING
 *   ALL`, the store's table: its columns and indexes; one statement per record, no merge, no deduplication, no delivery or
 *   connection row), the two in alternating runs. Budget: the store at least 0.5x the floor's rate, on PGlite and PostgreSQL.
 * - `days()` of a month for a person with three devices and a year of data stored. Budget: 50 ms
 *   on PGlite (median of 9).
 */
import type pg from 'pg';
import { createTerraStore } from 'terra-sdk/store';
import { alternating, type Db, onEachEngine } from './connections.js';

export interface DataCost {
  engine: 'PGlite' | 'PostgreSQL';
  records: number;
  storePerSecond: number;
  floorPerSecond: number;
  /** Store rate over floor rate (at least 0.5). */
  ratio: number;
  /** days() of a month, median ms (PGlite only). */
  daysMs?: number;
}

const RECORDS = 1500;
const DAY = 86_400_000;

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

function sleep(i: number, device: number, version: number) {
  const start = Date.UTC(2025, 0, 1) + Math.floor(i / 3) * DAY + 22 * 3_600_000 + device * 600_000;
  return {
    metadata: {
      summary_id: `sleep-${device}-${i}`,
      start_time: iso(start),
      end_time: iso(start + 8 * 3_600_000),
      is_nap: false,
      upload_type: 1,
    },
    sleep_durations_data: {
      asleep: { duration_asleep_state_seconds: 25_000 + version },
      awake: { duration_awake_state_seconds: 1200 },
    },
    heart_rate_data: { summary: { avg_hr_bpm: 52, resting_hr_bpm: 48, max_hr_bpm: 80, min_hr_bpm: 44 } },
    respiration_data: { breaths_data: { avg_breaths_per_min: 14 } },
    data_enrichment: { sleep_score: version % 2 === 0 ? 80 : null, readiness_score: 70 },
  };
}

/** The floor's table is the store's own shape: the same columns, defaults and indexes. */
const FLOOR_TABLE = 'CREATE TABLE IF NOT EXISTS bench_records_floor (LIKE terra_records_as_sent INCLUDING ALL)';

const FLOOR_UPSERT = `INSERT INTO bench_records_floor (type, terra_user_id, record_key, provider, reference_id, calendar_date,
  start_time, end_time, start_at, end_at, summary_id, ordering_ts, tiebreak, data, scores, trace_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
ON CONFLICT (type, terra_user_id, record_key) DO UPDATE SET data = EXCLUDED.data, ordering_ts = EXCLUDED.ordering_ts,
  tiebreak = EXCLUDED.tiebreak, scores = EXCLUDED.scores, trace_id = EXCLUDED.trace_id, written_at = now()`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function measure(engine: DataCost['engine'], db: Db): Promise<DataCost> {
  const store = createTerraStore({ db: db as never, data: true, autoPrune: false });
  await store.migrate();
  await db.query(FLOOR_TABLE);
  const users = [0, 1, 2].map((d) => ({
    user_id: `bench-u${d}`,
    provider: ['OURA', 'GARMIN', 'APPLE'][d],
    reference_id: 'bench-person',
  }));
  const storeTimes: number[] = [];
  const floorTimes: number[] = [];
  for (let round = 0; round < 3; round++) {
    const work = Array.from({ length: RECORDS }, (_, i) => {
      // Half the records are re-sends of the one before: a newer copy whose sleep score is null, which
      // must keep the stored one, as Terra's updates do.
      const n = i % 2 === 0 ? i : i - 1;
      const device = n % 3;
      return { device, record: sleep(n, device, round * 10 + i), at: Date.UTC(2026, 0, 1) + round * DAY + i };
    });
    const { storeMs, floorMs } = await alternating(
      work.length,
      (i) => {
        const w = work[i] as (typeof work)[number];
        return store.apply({ type: 'sleep', user: users[w.device], data: [w.record], version: '2022-03-16' } as never, {
          traceId: `bench-${round}-${i}`,
          orderingTimestamp: w.at,
        });
      },
      (i) => {
        const w = work[i] as (typeof work)[number];
        const values = [
          'sleep',
          users[w.device]?.user_id,
          w.record.metadata.summary_id,
          users[w.device]?.provider,
          'bench-person',
          w.record.metadata.start_time.slice(0, 10),
          w.record.metadata.start_time,
          w.record.metadata.end_time,
          w.record.metadata.start_time,
          w.record.metadata.end_time,
          w.record.metadata.summary_id,
          new Date(w.at).toISOString(),
          `bench-${round}-${i}`,
          JSON.stringify(w.record),
          JSON.stringify(w.record.data_enrichment),
          `bench-${round}-${i}`,
        ];
        return engine === 'PostgreSQL'
          ? (db as unknown as pg.Pool).query({ name: 'bench_records_floor', text: FLOOR_UPSERT, values })
          : db.query(FLOOR_UPSERT, values);
      },
    );
    storeTimes.push(storeMs);
    floorTimes.push(floorMs);
  }
  const storeMs = median(storeTimes);
  const floorMs = median(floorTimes);
  const cost: DataCost = {
    engine,
    records: RECORDS,
    storePerSecond: (RECORDS / storeMs) * 1000,
    floorPerSecond: (RECORDS / floorMs) * 1000,
    ratio: floorMs / storeMs,
  };
  if (engine === 'PGlite') {
    // A year for three devices: a sleep, an activity and a daily per device per day.
    for (const [d, user] of users.entries()) {
      const nights = Array.from({ length: 365 }, (_, day) => sleep(day * 3, d, 1));
      const dailies = Array.from({ length: 365 }, (_, day) => ({
        metadata: {
          start_time: `${new Date(Date.UTC(2025, 0, 1) + day * DAY).toISOString().slice(0, 10)}T00:00:00+00:00`,
          end_time: null,
          upload_type: 1,
        },
        distance_data: { steps: 8000 + day },
      }));
      const activities = nights.map((n, day) => ({
        metadata: {
          summary_id: `run-${d}-${day}`,
          start_time: n.metadata.start_time.replace('T22', 'T07'),
          end_time: n.metadata.start_time.replace('T22', 'T08'),
          type: 8,
          upload_type: 1,
        },
      }));
      for (const [type, data] of [
        ['sleep', nights],
        ['daily', dailies],
        ['activity', activities],
      ] as const)
        await store.apply({ type, user, data, version: '2022-03-16' } as never, {
          traceId: `year-${d}-${type}`,
          orderingTimestamp: 1,
        });
    }
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t = performance.now();
      await store.days('bench-person', { from: '2025-06-01', to: '2025-06-30' });
      times.push(performance.now() - t);
    }
    cost.daysMs = median(times);
  }
  return cost;
}

export function measureDataCost(): Promise<{ costs: DataCost[]; skipped: string[] }> {
  return onEachEngine('data store on PostgreSQL', 'bench_data', measure);
}
