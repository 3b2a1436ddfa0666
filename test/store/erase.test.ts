/**
 * Erasure: `erase()` deletes a person's or a connection's records at once and leaves an audit row
 * (who, when, counts per type, no data); `onDisconnect: 'delete'` does it on `deauth` and
 * `access_revoked` (never on a reauth), at once or `deleteAfterMs` later.
 */
import { afterEach, expect, it } from 'vitest';
import { TerraConfigurationError, TerraInvalidArgumentError } from '../../src/errors.js';
import { createTerraStore } from '../../src/store/data/store.js';
import {
  type DataTestDatabase,
  dailyRecord,
  dataEvent,
  describeEngines,
  openDataStore,
  sleepRecord,
  user,
} from './support.js';

const ring = user('u-ring', 'OURA');
const watch = user('u-watch', 'GARMIN');
const other = user('u-other', 'FITBIT', 'person-2');

let n = 0;
async function fill(db: DataTestDatabase) {
  const at = () => ({ traceId: `erase-${n++}`, orderingTimestamp: 1_000 + n });
  await db.terra.apply({ type: 'auth', status: 'success', user: ring } as never, at());
  await db.terra.apply({ type: 'auth', status: 'success', user: watch } as never, at());
  await db.terra.apply(
    dataEvent('sleep', ring, [sleepRecord('r1', '2026-04-01T23:00:00Z', '2026-04-02T07:00:00Z')]) as never,
    at(),
  );
  await db.terra.apply(
    dataEvent('daily', watch, [dailyRecord('2026-04-01', 1), dailyRecord('2026-04-02', 2)]) as never,
    at(),
  );
  await db.terra.apply(dataEvent('daily', other, [dailyRecord('2026-04-01', 3)]) as never, at());
  await db.terra.apply(
    { type: 'athlete', user: watch, athlete: { first_name: 'A', unknown: 1 }, version: '1' } as never,
    at(),
  );
}

const count = async (db: DataTestDatabase) =>
  (await db.sql<{ n: number }>('SELECT count(*)::int AS n FROM terra_records'))[0]?.n;

describeEngines('erasure', (engine) => {
  let db: DataTestDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it('erase({ referenceId }) deletes every connection of the person and leaves an audit row without data', {
    timeout: 60_000,
  }, async () => {
    db = await openDataStore(engine);
    await fill(db);
    expect(await count(db)).toBe(5);
    expect(await db.terra.records('athlete', { terraUserId: 'u-watch' })).toEqual([{ first_name: 'A', unknown: 1 }]);
    const audit = await db.terra.erase({ referenceId: 'person-1' });
    expect(audit).toMatchObject({
      reason: 'request',
      reference_id: 'person-1',
      terra_user_ids: ['u-ring', 'u-watch'],
      counts: { sleep: 1, daily: 2, athlete: 1 },
      delivery_bodies: 0, // none kept: these deliveries were not durable
    });
    expect(audit.erased_at).toBeInstanceOf(Date);
    expect(await count(db)).toBe(1);
    const rows = await db.sql<{ row: string }>('SELECT row_to_json(e)::text AS row FROM terra_erasures e');
    expect(rows).toHaveLength(1);
    // The audit row says who and how many, never what.
    expect(rows[0]?.row).not.toMatch(/steps|2026-04-0|first_name/);
    expect(await db.terra.erase({ terraUserId: 'u-other' })).toMatchObject({
      counts: { daily: 1 },
      reference_id: null,
    });
    expect(await count(db)).toBe(0);
    await expect(db.terra.erase({} as never)).rejects.toBeInstanceOf(TerraInvalidArgumentError);
    await expect(db.terra.erase({ referenceId: 'a', terraUserId: 'b' } as never)).rejects.toBeInstanceOf(
      TerraInvalidArgumentError,
    );
  });

  it('a retry of a delivery applied before the erasure stores nothing again; a new delivery does', {
    timeout: 60_000,
  }, async () => {
    db = await openDataStore(engine);
    const night = dataEvent('sleep', ring, [sleepRecord('r9', '2026-04-03T23:00:00Z', '2026-04-04T07:00:00Z')]);
    const connection = async () => (await db?.sql('SELECT last_sync, updated_at FROM terra_connections'))?.[0];
    expect(await db.terra.apply(night as never, { traceId: 'before', orderingTimestamp: 5_000 })).toMatchObject({
      status: 'applied',
    });
    await db.terra.erase({ referenceId: 'person-1' });
    const kept = await connection();
    expect(await db.terra.apply(night as never, { traceId: 'before', orderingTimestamp: 5_000 })).toMatchObject({
      deduplicated: true,
    });
    expect(await count(db)).toBe(0);
    expect(await connection()).toEqual(kept);
    await db.terra.apply(night as never, { traceId: 'after', orderingTimestamp: 6_000 });
    expect(await count(db)).toBe(1);
  });

  it('clears the raw delivery bodies kept for the person, where the deliveries keep bodies', {
    timeout: 60_000,
  }, async () => {
    db = await openDataStore(engine);
    await fill(db);
    // As durable deliveries keep them (terra_deliveries.body, bytea, beside the delivery's terra_user_id).
    await db.sql("UPDATE terra_deliveries SET body = convert_to('raw bytes', 'UTF8')");
    const kept = await db.sql<{ n: number }>(
      "SELECT count(*)::int AS n FROM terra_deliveries WHERE terra_user_id IN ('u-ring', 'u-watch')",
    );
    const audit = await db.terra.erase({ referenceId: 'person-1' });
    expect(audit.delivery_bodies).toBe(kept[0]?.n);
    expect(
      await db.sql('SELECT terra_user_id FROM terra_deliveries WHERE body IS NOT NULL ORDER BY terra_user_id'),
    ).toEqual([{ terra_user_id: 'u-other' }]);
  });

  it("onDisconnect: 'delete' erases at deauth and refuses later data; a reauth keeps it", {
    timeout: 60_000,
  }, async () => {
    db = await openDataStore(engine, { data: true, onDisconnect: 'delete' });
    await fill(db);
    await db.terra.apply({ type: 'deauth', status: 'success', user: ring, message: 'bye' } as never, {
      traceId: 'deauth-ring',
      orderingTimestamp: 50_000,
    });
    expect(await db.terra.records('sleep', { terraUserId: 'u-ring' })).toEqual([]);
    const [audit] = await db.sql<{ reason: string; counts: unknown }>('SELECT reason, counts FROM terra_erasures');
    expect(audit).toEqual({ reason: 'disconnected', counts: { sleep: 1 } });
    // A late delivery for the disconnected connection is not stored.
    await db.terra.apply(
      dataEvent('sleep', ring, [sleepRecord('r2', '2026-04-03T23:00:00Z', '2026-04-04T07:00:00Z')]) as never,
      {
        traceId: 'late',
        orderingTimestamp: 10_000,
      },
    );
    expect(await db.terra.records('sleep', { terraUserId: 'u-ring' })).toEqual([]);
    // A reauth replaces the watch's id: its data stays.
    await db.terra.apply(
      {
        type: 'user_reauth',
        status: 'warning',
        message: 'm',
        old_user: watch,
        new_user: user('u-watch-2', 'GARMIN'),
      } as never,
      { traceId: 'reauth', orderingTimestamp: 60_000 },
    );
    expect(await db.terra.records('daily', { terraUserId: 'u-watch' })).toHaveLength(2);
  });

  it("onDisconnect: 'delete' with deleteAfterMs waits, then eraseDisconnected() erases", {
    timeout: 60_000,
  }, async () => {
    db = await openDataStore(engine, { data: true, onDisconnect: 'delete', deleteAfterMs: 60_000 });
    await fill(db);
    await db.terra.apply({ type: 'access_revoked', status: 'warning', user: watch, message: 'revoked' } as never, {
      traceId: 'revoke',
    });
    expect(await db.terra.records('daily', { terraUserId: 'u-watch' })).toHaveLength(2);
    expect(await db.terra.eraseDisconnected()).toEqual([]);
    await db.sql(
      "UPDATE terra_connections SET disconnected_at = now() - interval '2 minutes' WHERE terra_user_id = 'u-watch'",
    );
    const [erased] = await db.terra.eraseDisconnected();
    expect(erased).toMatchObject({
      reason: 'disconnected',
      terra_user_ids: ['u-watch'],
      counts: { daily: 2, athlete: 1 },
    });
    expect(await db.terra.records('daily', { terraUserId: 'u-watch' })).toEqual([]);
  });

  it('keeps data by default, and checks its options', { timeout: 60_000 }, async () => {
    db = await openDataStore(engine);
    await fill(db);
    await db.terra.apply({ type: 'deauth', status: 'success', user: ring, message: 'bye' } as never, { traceId: 'd' });
    expect(await db.terra.records('sleep', { terraUserId: 'u-ring' })).toHaveLength(1);
    expect(await db.terra.eraseDisconnected()).toEqual([]);
    const on = { db: db.db };
    expect(() => createTerraStore({ ...on, data: ['sleep', 'steps' as never] })).toThrow(TerraConfigurationError);
    expect(() => createTerraStore({ ...on, onDisconnect: 'forget' as never })).toThrow(TerraConfigurationError);
    expect(() => createTerraStore({ ...on, deleteAfterMs: 5 })).toThrow(/only with onDisconnect/);
    const sleepOnly = createTerraStore({ ...on, data: ['sleep'] });
    await expect(sleepOnly.records('daily', { referenceId: 'person-1' })).rejects.toThrow(/does not keep daily/);
    expect(sleepOnly.dataTypes).toEqual(['sleep']);
  });
});
