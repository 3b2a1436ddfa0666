/**
 * The durable queue's one partial index (schema version 10): the claim, expired leases and body
 * expiry find their rows through it, and pick the same rows the three indexes it replaced did.
 */
import type pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { CLAIM_DELIVERIES, EXPIRE_BODIES } from '../../src/store/deliveries/sql.js';
import {
  describeEngines,
  type EngineName,
  migrateUpTo,
  openDatabase,
  type TestDatabase,
} from '../connections/support/engines.js';

/** One row of each kind the queue meets: [trace id, status, run_after, locked_until, body, body_expires_at]. */
const ROWS = [
  ['due', 'pending', '-1 hour', null, 'b', null],
  ['later', 'pending', '+1 hour', null, 'b', null],
  ['failed-due', 'failed', '-1 minute', null, 'b', null],
  ['failed-later', 'failed', '+1 minute', null, 'b', null],
  ['leased', 'processing', '-1 hour', '+1 hour', 'b', null],
  ['lease-expired', 'processing', '-1 hour', '-1 second', 'b', null],
  ['handled-kept', 'handled', '-1 hour', null, 'b', '+1 day'],
  ['handled-expired', 'handled', '-1 hour', null, 'b', '-1 second'],
  ['dead', 'dead', '-1 hour', null, 'b', null],
  ['not-durable', null, null, null, null, null],
] as const;

async function insertRows(db: TestDatabase): Promise<void> {
  for (const [traceId, status, runAfter, lockedUntil, body, expires] of ROWS)
    await db.sql(
      `INSERT INTO terra_deliveries (trace_id, event_type, status, run_after, locked_until, body, body_expires_at)
       VALUES ($1::text, 'activity', $2::varchar, now() + $3::interval, now() + $4::interval, convert_to($5::text, 'UTF8'),
         now() + $6::interval)`,
      [traceId, status, runAfter, lockedUntil, body, expires],
    );
}

/** The plan of `text` with sequential scans off: which access paths can serve it. */
async function planOf(db: TestDatabase, text: string, params: unknown[]): Promise<string> {
  const explain = `EXPLAIN ${text}`;
  if (db.engine === 'postgres') {
    const client = await (db.db as pg.Pool).connect();
    try {
      await client.query('SET enable_seqscan = off');
      return (await client.query(explain, params)).rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      client.release(true);
    }
  }
  await db.sql('SET enable_seqscan = off');
  try {
    return (await db.sql<{ 'QUERY PLAN': string }>(explain, params)).map((r) => r['QUERY PLAN']).join('\n');
  } finally {
    await db.sql('RESET enable_seqscan');
  }
}

describeEngines('the durable queue index', (engine: EngineName) => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it('claims due runs and expired leases, and expires bodies past their time, through one index', {
    timeout: 60_000,
  }, async () => {
    db = await openDatabase(engine);
    await insertRows(db);
    // Searched by the due time itself, not merely read through.
    const searched = /idx_terra_deliveries_next[^\n]*\n\s*Index Cond: \(\(CASE status WHEN/;
    expect(await planOf(db, CLAIM_DELIVERIES, ['w', 1000, 10])).toMatch(searched);
    expect(await planOf(db, EXPIRE_BODIES, [10])).toMatch(searched);

    const claimed = await db.sql<{ trace_id: string }>(CLAIM_DELIVERIES, ['w', 60_000, 10]);
    expect(claimed.map((r) => r.trace_id).sort()).toEqual(['due', 'failed-due', 'lease-expired']);
    // Claimed rows are leased now: not due again until their lease ends.
    expect(await db.sql(CLAIM_DELIVERIES, ['w', 60_000, 10])).toEqual([]);

    expect(await db.sql(EXPIRE_BODIES, [10])).toHaveLength(1);
    const bodies = await db.sql<{ trace_id: string; kept: boolean; expires: boolean }>(
      `SELECT trace_id, body IS NOT NULL AS kept, body_expires_at IS NOT NULL AS expires FROM terra_deliveries
       WHERE status IN ('handled', 'dead') ORDER BY trace_id`,
    );
    expect(bodies).toEqual([
      { trace_id: 'dead', kept: true, expires: false },
      { trace_id: 'handled-expired', kept: false, expires: false },
      { trace_id: 'handled-kept', kept: true, expires: true },
    ]);
    expect(await db.sql(EXPIRE_BODIES, [10])).toEqual([]);
  });

  it('upgrading from version 9 replaces the three indexes and forgets expiries of bodies already gone', {
    timeout: 60_000,
  }, async () => {
    db = await openDatabase(engine, { migrate: false });
    await migrateUpTo(db, 9);
    await insertRows(db);
    await db.sql("UPDATE terra_deliveries SET body = NULL WHERE trace_id = 'handled-expired'");
    expect(await db.store.migrate()).toMatchObject({ from: 9 });
    const indexes = await db.sql<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'terra_deliveries' ORDER BY indexname",
      [db.schema],
    );
    expect(indexes.map((i) => i.indexname)).toEqual([
      'idx_terra_deliveries_next',
      'idx_terra_deliveries_received',
      'terra_deliveries_pkey',
    ]);
    expect(
      await db.sql(
        "SELECT body_expires_at FROM terra_deliveries WHERE trace_id IN ('handled-expired', 'handled-kept') ORDER BY trace_id",
      ),
    ).toEqual([{ body_expires_at: null }, { body_expires_at: expect.any(Date) }]);
  });
});
