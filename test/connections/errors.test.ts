/**
 * Every way the store can be misused or the database can fail: typed errors that say what to do,
 * rejected rather than thrown, never carrying a value.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type ConnectionStoreDatabase,
  createConnectionStore,
  TerraConfigurationError,
  TerraError,
  TerraInvalidArgumentError,
  TerraStoreError,
} from '../../src/store/connections.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import {
  describeEngines,
  type EngineName,
  openDatabase,
  openForEachTest,
  postgresUrl,
  type TestDatabase,
} from './support/engines.js';

/** Resolves to what `promise` rejected with (and fails if it resolved). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

const SECRET_USER = 'f3e0c1d2-secret-user-id';
const user = { user_id: SECRET_USER, provider: 'GARMIN', reference_id: 'secret-person-ref', scopes: null };

describe('createConnectionStore: the db and options', () => {
  it('accepts the pg and PGlite types without @types/pg in the public declarations', () => {
    expectTypeOf<pg.Pool>().toExtend<ConnectionStoreDatabase>();
    expectTypeOf<pg.Client>().toExtend<ConnectionStoreDatabase>();
    expectTypeOf<pg.PoolClient>().toExtend<ConnectionStoreDatabase>();
    expectTypeOf<PGlite>().toExtend<ConnectionStoreDatabase>();
    expect(createConnectionStore({ db: new pg.Pool() }).kind).toBe('pool');
    expect(createConnectionStore({ db: new pg.Client() }).kind).toBe('client');
  });

  it.each([
    ['nothing', undefined],
    ['null', null],
    ['a string', 'postgres://localhost/db'],
    ['an object without query', { connect() {} }],
    ['a function', () => undefined],
  ])('rejects %s as db with TerraConfigurationError', (_, db) => {
    let error: unknown;
    try {
      createConnectionStore({ db: db as never });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TerraConfigurationError);
    expect((error as TerraConfigurationError).option).toBe('db');
    expect((error as Error).message).toMatch(/pg Pool, a connected pg Client or a PGlite instance/);
  });

  it('rejects missing options and unusable retention or autoPrune', () => {
    expect(() => createConnectionStore(undefined as never)).toThrow(TerraConfigurationError);
    const db = { query: async () => ({ rows: [] }) };
    expect(() => createConnectionStore({ db, retentionMs: 60_000 })).toThrow(/at least 86400000 \(one day/);
    expect(() => createConnectionStore({ db, retentionMs: Number.NaN })).toThrow(TerraConfigurationError);
    expect(() => createConnectionStore({ db, autoPrune: 'yes' as never })).toThrow(/autoPrune must be true or false/);
    expect(createConnectionStore({ db, retentionMs: 2 * 86_400_000, autoPrune: false }).kind).toBe('client');
  });

  it('refuses an unknown option with the one it most likely means', () => {
    const db = { query: async () => ({ rows: [] }) };
    let error: unknown;
    try {
      createConnectionStore({ db, retention: 86_400_000 } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TerraConfigurationError);
    expect((error as TerraConfigurationError).option).toBe('retention');
    expect((error as Error).message).toMatch(/unknown option retention \(did you mean retentionMs\?\)/);
  });
});

describeEngines('store errors', (engine: EngineName) => {
  let db: TestDatabase;
  openForEachTest(engine, (opened) => {
    db = opened;
  });

  it.each([
    ['not an object', 'auth', /parsed webhook event/],
    ['no type', { user }, /object whose type is undefined/],
    ['an empty type', { type: '', user }, /parsed webhook event/],
    ['a data event without user', { type: 'activity', data: [] }, /user\.user_id.*got user as undefined/],
    ['a user without user_id', { type: 'deauth', user: { provider: 'GARMIN' } }, /got user\.user_id as undefined/],
    ['an empty user_id', { type: 'auth', status: 'success', user: { user_id: ' ', provider: 'X' } }, /user\.user_id/],
    ['a reauth without new_user', { type: 'user_reauth', old_user: user }, /new_user\.user_id/],
    ['a user_id over 255 characters', { type: 'deauth', user: { user_id: 'u'.repeat(256) } }, /256 characters/],
    ['a provider over 50 characters', { type: 'deauth', user: { ...user, provider: 'P'.repeat(51) } }, /at most 50/],
  ])('apply rejects an event with %s, writing nothing', async (_, event, message) => {
    const call = db.store.apply(event as never, { traceId: 'bad-event' });
    const error = await rejection(call);
    expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    expect((error as TerraInvalidArgumentError).argument).toBe('event');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(SECRET_USER);
    expect(error.message).not.toContain('uuuuuuuuuu');
    expect(await db.sql('SELECT * FROM terra_deliveries')).toEqual([]);
  });

  it.each([
    ['a string', 'trace-1', /delivery must be an object/],
    ['an empty trace id', { traceId: '' }, /delivery\.traceId must be a non-empty string/],
    ['a numeric trace id', { traceId: 12 }, /got a number/],
    ['a trace id of 2,000 characters', { traceId: 't'.repeat(2000) }, /a string of 2000 characters/],
    ['an empty reference', { reference: ' ' }, /delivery\.reference/],
    ['a reference of 300 characters', { reference: `${'r'.repeat(300)}:chunk:1` }, /delivery\.reference is 300/],
    ['an ordering timestamp as a string', { orderingTimestamp: '1700000000000' }, /unix milliseconds.*got a string/],
    ['a NaN ordering timestamp', { orderingTimestamp: Number.NaN }, /got a header that is not a number/],
    ['a negative ordering timestamp', { orderingTimestamp: -1 }, /got -1/],
    // Past 9999-12-31 toISOString writes a signed six-digit year that PostgreSQL refuses (a 500 loop before).
    [
      'an ordering timestamp past year 9999',
      { orderingTimestamp: 253_402_300_800_000 },
      /year 9999.*got 253402300800000/,
    ],
    ['the largest date JavaScript has', { orderingTimestamp: 8.64e15 }, /year 9999/],
    ['a trace id with a NUL', { traceId: 'trace\u0000x' }, /delivery\.traceId.*without NUL/],
    ['a trace id with a lone surrogate', { traceId: 'trace\uD800x' }, /delivery\.traceId.*without NUL/],
  ])('apply rejects a delivery with %s', async (_, delivery, message) => {
    const error = await rejection(db.store.apply({ type: 'deauth', user } as never, delivery as never));
    expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    expect((error as TerraInvalidArgumentError).argument).toBe('delivery');
    expect(error.message).toMatch(message);
  });

  it('query methods reject bad arguments without throwing', async () => {
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => db.store.getConnection(''), 'terraUserId', /non-empty string/],
      [() => db.store.getConnection(7 as never), 'terraUserId', /got a number/],
      [() => db.store.connectionsFor(null as never), 'referenceId', /got null/],
      [() => db.store.activeConnections({ limit: 0 }), 'limit', /1 to 10000/],
      [() => db.store.activeConnections({ limit: 1.5 }), 'limit', /1 to 10000/],
      [() => db.store.needingReconnect({ afterId: -1 }), 'afterId', /row id/],
      [() => db.store.activeConnections({ provider: '' }), 'provider', /non-empty/],
      [() => db.store.activeConnections('GARMIN' as never), 'options', /must be an object/],
      [() => db.store.markHandled(''), 'traceId', /non-empty/],
      [() => db.store.largeRequest(undefined as never), 'reference', /got undefined/],
      [() => db.store.prune({ olderThanMs: -5 }), 'olderThanMs', /at least 0/],
      [() => db.store.prune(3 as never), 'options', /must be an object/],
      [() => db.store.activeConnections({ limt: 5 } as never), 'limt', /did you mean limit\?/],
      [() => db.store.expectRequest('r', { expect: 2 } as never), 'expect', /did you mean expected\?/],
      [() => db.store.prune({ olderThan: 5 } as never), 'olderThan', /did you mean olderThanMs\?/],
    ];
    for (const [call, argument, message] of cases) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call();
      }).not.toThrow();
      const error = await rejection(promise as Promise<unknown>);
      expect(error).toBeInstanceOf(TerraInvalidArgumentError);
      expect((error as TerraInvalidArgumentError).argument).toBe(argument);
      expect(error.message).toMatch(message);
    }
  });

  it('before migrate, the database error says to migrate, and carries no value', async () => {
    const fresh = await openDatabase(engine, { migrate: false });
    try {
      const error = await rejection(
        fresh.store.apply({ type: 'auth', status: 'success', user } as never, {
          traceId: 'trace-secret-1',
          orderingTimestamp: 1,
        }),
      );
      expect(error).toBeInstanceOf(TerraStoreError);
      expect(error).toBeInstanceOf(TerraError);
      expect(error).toMatchObject({ operation: 'apply', code: '42P01' });
      expect(error.message).toMatch(/^store\.apply\(\) failed: the database answered 42P01 \(undefined_table\)/);
      expect(error.message).toMatch(/run `await store\.migrate\(\)`/);
      const everything = `${error.message} ${error.stack} ${String((error as { cause?: unknown }).cause)}`;
      for (const value of [SECRET_USER, 'trace-secret-1', 'secret-person-ref', 'GARMIN'])
        expect(everything).not.toContain(value);
      expect((error as { cause?: unknown }).cause).toBeUndefined();
      for (const read of [
        () => fresh.store.getConnection('x'),
        () => fresh.store.connectionsFor('x'),
        () => fresh.store.activeConnections(),
        () => fresh.store.needingReconnect(),
        () => fresh.store.largeRequest('x'),
        () => fresh.store.markHandled('x'),
        () => fresh.store.prune(),
      ]) {
        const e = await rejection(read());
        expect(e).toBeInstanceOf(TerraStoreError);
        expect((e as TerraStoreError).code).toBe('42P01');
      }
    } finally {
      await fresh.close();
    }
  });

  it('a value that does not fit a column the app narrowed is a TerraStoreError without the value', async () => {
    await db.sql('ALTER TABLE terra_connections ALTER COLUMN reference_id TYPE VARCHAR(5)');
    const error = await rejection(db.store.apply({ type: 'deauth', user } as never, { traceId: 'long-ref' }));
    expect(error).toMatchObject({ name: 'TerraStoreError', operation: 'apply', code: '22001' });
    expect(error.message).toMatch(/string_data_right_truncation/);
    expect(error.message).not.toContain('secret-person-ref');
    // Nothing of the failed transaction stayed: the delivery can be applied once the table is fixed.
    expect(await db.sql('SELECT * FROM terra_deliveries')).toEqual([]);
  });
});

describe('database failures through the driver', () => {
  let lite: PGlite;
  beforeAll(async () => {
    lite = await PGlite.create();
    await createConnectionStore({ db: lite }).migrate();
  }, 60_000);
  afterAll(async () => {
    await lite.close();
  });

  /** PGlite behind a db whose statements fail as told. */
  function faulty(fail: (text: string, count: number) => unknown) {
    let count = 0;
    const db = {
      query: async (text: string, params?: unknown[]) => {
        const error = fail(text, count++);
        if (error) throw error;
        return lite.query(text, params);
      },
      transaction: <T>(
        work: (tx: { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> }) => Promise<T>,
      ) =>
        lite.transaction((tx) =>
          work({
            query: async (text, params) => {
              const error = fail(text, count++);
              if (error) throw error;
              return tx.query(text, params);
            },
          }),
        ),
    };
    return db;
  }

  it.each([
    ['a transaction (auth with scopes)', 'auth'],
    ['a single statement (deauth)', 'deauth'],
  ] as const)('retries %s that hit a deadlock, and applies it once', async (_, type) => {
    let thrown = 0;
    const store = createConnectionStore({
      db: faulty((text) => {
        if (/^(WITH d AS \(\n?)?INSERT INTO terra_(connections|deliveries)/.test(text) && thrown < 2) {
          thrown++;
          return Object.assign(new Error('deadlock detected'), { code: '40P01' });
        }
        return undefined;
      }),
    });
    const traceId = `retried-${type}`;
    const who = { ...user, user_id: traceId, scopes: 'a' };
    const result = await store.apply(fixtures.event(type, { user: who }), { traceId });
    expect(result.status).toBe('applied');
    expect(thrown).toBe(2);
    const rows = await lite.query('SELECT count(*)::int AS n FROM terra_deliveries WHERE trace_id = $1', [traceId]);
    expect(rows.rows).toEqual([{ n: 1 }]);
    expect((await store.getConnection(traceId))?.status).toBe(type === 'auth' ? 'active' : 'disconnected');
  });

  it('gives up after five deadlocks with a TerraStoreError', async () => {
    let thrown = 0;
    const store = createConnectionStore({
      db: faulty((text) => {
        if (!text.includes('INSERT INTO terra_deliveries')) return undefined;
        thrown++;
        return Object.assign(new Error('deadlock'), { code: '40P01' });
      }),
    });
    const error = await rejection(store.apply({ type: 'deauth', user } as never, { traceId: 'never' }));
    expect(error).toMatchObject({ name: 'TerraStoreError', code: '40P01' });
    expect(error.message).toMatch(/deadlock_detected.*can be retried/);
    expect(thrown).toBe(5);
  });

  it('never repeats a driver message, which may hold values', async () => {
    const store = createConnectionStore({
      db: faulty(() =>
        Object.assign(new Error(`invalid input syntax for type integer: "${SECRET_USER}"`), {
          code: '22P02',
          detail: `Key (terra_user_id)=(${SECRET_USER})`,
          table: 'terra_connections',
          constraint: `bad ${SECRET_USER}`,
        }),
      ),
    });
    const error = await rejection(store.apply({ type: 'deauth', user } as never, { traceId: 'x' }));
    expect(error).toMatchObject({ code: '22P02', table: 'terra_connections', constraint: undefined });
    expect(error.message).toMatch(/22P02 \(data_exception\) on table terra_connections/);
    expect(`${error.message}${error.stack}`).not.toContain(SECRET_USER);
  });

  it('a db whose query throws synchronously, or rejects with a non-error, still rejects typed', async () => {
    const throwing = createConnectionStore({
      db: {
        query: () => {
          throw 'boom';
        },
      },
    });
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = throwing.getConnection('a');
    }).not.toThrow();
    const error = await rejection(promise as Promise<unknown>);
    expect(error).toBeInstanceOf(TerraStoreError);
    expect((error as TerraStoreError).code).toBeUndefined();
    expect(error.message).toMatch(/the database call failed/);
  });

  it('a migrate on tables made by a newer version is refused', async () => {
    await lite.query("INSERT INTO terra_migrations (version, description) VALUES (99, 'from the future')");
    try {
      const error = await rejection(createConnectionStore({ db: lite }).migrate());
      expect(error).toBeInstanceOf(TerraConfigurationError);
      expect(error.message).toMatch(/schema version 99, made by a newer terra-sdk/);
    } finally {
      await lite.query('DELETE FROM terra_migrations WHERE version = 99');
    }
  });
});

describe.skipIf(!postgresUrl)('PostgreSQL connection failures', () => {
  it('an unreachable server is a TerraStoreError with the network code', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: 1, user: 'nobody', password: 'hunter2-secret' });
    try {
      const error = await rejection(createConnectionStore({ db: pool }).getConnection('x'));
      expect(error).toMatchObject({ name: 'TerraStoreError', code: 'ECONNREFUSED', operation: 'getConnection' });
      expect(error.message).toMatch(/can be retried/);
      expect(`${error.message}${error.stack}`).not.toContain('hunter2-secret');
    } finally {
      await pool.end();
    }
  });

  it('a pool client whose connection broke mid-transaction is discarded, not reused', async () => {
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 1 });
    const released: unknown[] = [];
    const db = {
      get totalCount() {
        return pool.totalCount;
      },
      query: (text: string, params?: unknown[]) => pool.query(text, params),
      connect: async () => {
        const client = await pool.connect();
        return {
          query: (text: string, params?: unknown[]) =>
            /^(WITH d AS \()?INSERT INTO terra_deliveries/.test(text)
              ? Promise.reject(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))
              : client.query(text, params),
          release: (error?: Error | boolean) => {
            released.push(error);
            client.release(error);
          },
        };
      },
    };
    try {
      // A reauth writes two connections: a transaction, on a client of its own.
      const reauth = { type: 'user_reauth', new_user: { ...user, user_id: 'new-id' }, old_user: user };
      const error = await rejection(createConnectionStore({ db }).apply(reauth as never, { traceId: 't' }));
      expect(error).toMatchObject({ name: 'TerraStoreError', code: 'ECONNRESET' });
      expect(released).toHaveLength(1);
      expect(released[0]).toBeInstanceOf(Error);
      expect(pool.totalCount).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('typed rows even from a pool that returns every value as text', async () => {
    const schema = `t_text_${process.pid}`;
    const text = new pg.Pool({
      connectionString: postgresUrl,
      options: `-c search_path=${schema}`,
      types: { getTypeParser: () => (value: string) => value },
    });
    try {
      await text.query(`CREATE SCHEMA ${schema}`);
      const store = createConnectionStore({ db: text });
      await store.migrate();
      const who = { ...user, user_id: 'text-user', scopes: 'heart rate, "quoted", back\\slash,sleep' };
      await store.apply({ type: 'auth', status: 'success', user: who } as never, {
        traceId: 'a',
        orderingTimestamp: 1,
      });
      await store.apply(
        { type: 'permission_change', user: who, scopes_added: 'x y', scopes_removed: 'sleep' } as never,
        {
          traceId: 'p',
          orderingTimestamp: 2,
        },
      );
      await store.apply({ type: 'daily', user: who, data: [] } as never, {
        traceId: 'd',
        orderingTimestamp: 3,
        reference: 'r',
      });
      const row = await store.getConnection('text-user');
      expect(row?.scopes).toEqual(['heart rate', '"quoted"', 'back\\slash', 'x y']);
      expect(row?.id).toBe(1);
      expect(row?.last_sync?.getTime()).toBe(3);
      expect(row?.connected_at?.getTime()).toBe(1);
      expect(await store.largeRequest('r')).toMatchObject({ expected: null, received: 1, complete: false });
    } finally {
      await text.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await text.end();
    }
  });

  it('a pg Client is used one transaction at a time', async () => {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    const schema = `t_client_${process.pid}`;
    try {
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.query(`SET search_path TO ${schema}`);
      const store = createConnectionStore({ db: client });
      await Promise.all([store.migrate(), store.migrate()]);
      const users = Array.from({ length: 30 }, (_, i) => ({ ...user, user_id: `client-${i}` }));
      await Promise.all(
        users.flatMap((u, i) => [
          store.apply({ type: 'auth', status: 'success', user: u } as never, {
            traceId: `a${i}`,
            orderingTimestamp: 1,
          }),
          store.apply({ type: 'deauth', user: u } as never, { traceId: `d${i}`, orderingTimestamp: 2 }),
          store.apply({ type: 'deauth', user: u } as never, { traceId: `d${i}`, orderingTimestamp: 2 }),
        ]),
      );
      const rows = await client.query("SELECT count(*)::int AS n FROM terra_connections WHERE status = 'disconnected'");
      expect(rows.rows).toEqual([{ n: 30 }]);
      expect((await client.query('SELECT count(*)::int AS n FROM terra_deliveries')).rows).toEqual([{ n: 60 }]);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });
});
