/**
 * Connection store throughput: deliveries applied per second by `store.apply` (each one a
 * transaction that records its trace id and writes its effect), against the same number of plain
 * `INSERT ... ON CONFLICT DO UPDATE` statements on a table of the same shape (the floor: one
 * autocommitted statement per event, no deduplication, no ordering), the two in alternating runs.
 * One connection, one delivery at a time, on PGlite in this process and on PostgreSQL when one is available:
 * TERRA_TEST_DATABASE_URL, or the cluster `bash scripts/postgres.sh start` left running.
 */
import { existsSync, readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createConnectionStore } from 'terra-sdk/connections';

export interface ConnectionCost {
  engine: 'PGlite' | 'PostgreSQL';
  events: number;
  storeMs: number;
  floorMs: number;
  storePerSecond: number;
  floorPerSecond: number;
  ratio: number;
}

/** What the benchmarks write through: a PGlite or a pg Pool. */
export interface Db {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

const EVENTS = 2000;
const CONNECTIONS = 200;
const ROUNDS = 3;

/** A day of traffic for 200 connections: an auth each, then data, some permission changes and deauths. */
function workload(round: number): { event: Record<string, unknown>; delivery: Record<string, unknown> }[] {
  const start = Date.UTC(2026, 6, 1);
  return Array.from({ length: EVENTS }, (_, i) => {
    const n = i % CONNECTIONS;
    const user = {
      user_id: `bench-${round}-${n}`,
      provider: ['GARMIN', 'FITBIT', 'OURA'][n % 3],
      reference_id: `person-${Math.floor(n / 2)}`,
      scopes: 'activity,sleep,daily',
    };
    const type = i < CONNECTIONS ? 'auth' : i % 50 === 0 ? 'deauth' : i % 10 === 0 ? 'permission_change' : 'activity';
    const event =
      type === 'auth'
        ? { type, status: 'success', user }
        : type === 'permission_change'
          ? { type, status: 'warning', user, scopes_added: 'body', scopes_removed: 'sleep' }
          : { type, user, data: [] };
    return { event, delivery: { traceId: `bench-${round}-${i}`, orderingTimestamp: start + i * 1000 } };
  });
}

/** Steps run in alternating runs of this many, so that the machine's drift falls on both sides alike. */
const RUN = 50;

/**
 * Times `count` steps of the store and `count` of the floor, in alternating runs of {@link RUN}
 * (store steps 0-49, floor steps 0-49, store 50-99, ...): a slow patch of the machine (another
 * process, a checkpoint) then costs both sides, rather than whichever happened to run through it.
 */
export async function alternating(
  count: number,
  store: (i: number) => Promise<unknown>,
  floor: (i: number) => Promise<unknown>,
): Promise<{ storeMs: number; floorMs: number }> {
  let storeMs = 0;
  let floorMs = 0;
  for (let from = 0; from < count; from += RUN) {
    const to = Math.min(count, from + RUN);
    let t = performance.now();
    for (let i = from; i < to; i++) await store(i);
    storeMs += performance.now() - t;
    t = performance.now();
    for (let i = from; i < to; i++) await floor(i);
    floorMs += performance.now() - t;
  }
  return { storeMs, floorMs };
}

const FLOOR_TABLE = `CREATE TABLE IF NOT EXISTS bench_floor (
  id SERIAL PRIMARY KEY, user_id INTEGER, terra_user_id VARCHAR(255) UNIQUE NOT NULL, provider VARCHAR(50),
  reference_id VARCHAR(255), connected_at TIMESTAMPTZ DEFAULT now(), last_sync TIMESTAMPTZ,
  status VARCHAR(20) DEFAULT 'active', scopes TEXT[])`;

const FLOOR_UPSERT = `INSERT INTO bench_floor (terra_user_id, provider, reference_id, last_sync, status)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (terra_user_id) DO UPDATE SET provider = EXCLUDED.provider, reference_id = EXCLUDED.reference_id,
  last_sync = EXCLUDED.last_sync, status = EXCLUDED.status`;

async function measure(engine: ConnectionCost['engine'], db: Db): Promise<ConnectionCost> {
  // On PostgreSQL the floor is a named prepared statement too, as the store's statements are.
  const floor = (values: unknown[]) =>
    engine === 'PostgreSQL'
      ? (db as unknown as pg.Pool).query({ name: 'bench_floor_upsert', text: FLOOR_UPSERT, values })
      : db.query(FLOOR_UPSERT, values);
  const store = createConnectionStore({ db: db as never, autoPrune: false });
  await store.migrate();
  await db.query(FLOOR_TABLE);
  const storeTimes: number[] = [];
  const floorTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const events = workload(round);
    const { storeMs, floorMs } = await alternating(
      events.length,
      (i) => {
        const { event, delivery } = events[i] as (typeof events)[number];
        return store.apply(event as never, delivery);
      },
      (i) => {
        const { event, delivery } = events[i] as (typeof events)[number];
        const user = event.user as { user_id: string; provider: string; reference_id: string };
        return floor([
          user.user_id,
          user.provider,
          user.reference_id,
          new Date(delivery.orderingTimestamp as number).toISOString(),
          event.type === 'deauth' ? 'disconnected' : 'active',
        ]);
      },
    );
    storeTimes.push(storeMs);
    floorTimes.push(floorMs);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const storeMs = median(storeTimes);
  const floorMs = median(floorTimes);
  return {
    engine,
    events: EVENTS,
    storeMs,
    floorMs,
    storePerSecond: (EVENTS / storeMs) * 1000,
    floorPerSecond: (EVENTS / floorMs) * 1000,
    ratio: storeMs / floorMs,
  };
}

/** The PostgreSQL to measure on, if any. */
export function postgresUrl(): string | undefined {
  if (process.env.TERRA_TEST_DATABASE_URL) return process.env.TERRA_TEST_DATABASE_URL;
  const state = new URL('../.postgres-test', import.meta.url);
  if (!existsSync(state)) return undefined;
  const port = readFileSync(state, 'utf8').split('\n')[1]?.trim();
  return port ? `postgres://postgres@127.0.0.1:${port}/postgres` : undefined;
}

/**
 * Runs `measure` on a fresh in-process PGlite, then, when a server is found, on a throwaway schema
 * of PostgreSQL over one connection (dropped afterwards). Without a server, `skipped` says so,
 * naming `what` ("<what>: no server ...").
 */
export async function onEachEngine<T>(
  what: string,
  schemaPrefix: string,
  measure: (engine: 'PGlite' | 'PostgreSQL', db: Db) => Promise<T>,
): Promise<{ costs: T[]; skipped: string[] }> {
  const costs: T[] = [];
  const skipped: string[] = [];
  const lite = await PGlite.create();
  try {
    costs.push(await measure('PGlite', lite));
  } finally {
    await lite.close();
  }
  const url = postgresUrl();
  if (!url) {
    skipped.push(`${what}: no server (set TERRA_TEST_DATABASE_URL, or run \`bash scripts/postgres.sh start\`)`);
    return { costs, skipped };
  }
  const schema = `${schemaPrefix}_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema}` });
  try {
    costs.push(await measure('PostgreSQL', pool));
  } finally {
    await pool.end();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
  return { costs, skipped };
}

export function measureConnectionCost(): Promise<{ costs: ConnectionCost[]; skipped: string[] }> {
  return onEachEngine('PostgreSQL', 'bench', measure);
}
