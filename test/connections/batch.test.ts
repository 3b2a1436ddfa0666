/**
 * On node-postgres (and PGlite, in one `exec`), a delivery that changes a connection's scopes writes
 * its fact and replays the scopes as one round trip (BEGIN, two prepared statements run by EXECUTE, COMMIT). What that must
 * keep: atomicity when its second statement fails, a connection left usable afterwards, recovery
 * when the session lost its prepared statements, the same on a single `pg` Client, and values that
 * stay data when they are sent as literals.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnectionStore } from '../../src/store/connections.js';
import { createRunner } from '../../src/store/database.js';
import { openDatabase, postgresUrl, type TestDatabase } from './support/engines.js';

const user = { user_id: 'batch-user', provider: 'GARMIN', reference_id: 'person-1' };
const auth = (scopes: string) => ({ type: 'auth', status: 'success', user: { ...user, scopes } }) as never;

describe.skipIf(!postgresUrl)('a scope change in one round trip [PostgreSQL]', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeEach(async () => {
    db = await openDatabase('postgres');
    // One connection, so the test can reach the session the store prepared its statements on.
    pool = db.pool(1);
  }, 60_000);
  afterEach(async () => {
    await db.close();
  });

  it('sends one query per delivery once its statements are prepared', async () => {
    const store = createConnectionStore({ db: pool });
    await store.apply(auth('sleep'), { traceId: 'first', orderingTimestamp: 1000 });
    const client = await pool.connect();
    const sent: string[] = [];
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      sent.push(typeof args[0] === 'string' ? args[0] : 'named statement');
      return query(...args);
    };
    client.release();
    await store.apply(auth('sleep,daily'), { traceId: 'second', orderingTimestamp: 2000 });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^BEGIN;[\s\S]*EXECUTE[\s\S]*EXECUTE[\s\S]*COMMIT$/);
    expect((await store.getConnection(user.user_id))?.scopes).toEqual(['sleep', 'daily']);
  });

  it('rolls the whole delivery back when the replay fails, and the connection stays usable', async () => {
    const store = createConnectionStore({ db: pool });
    await store.apply(auth('sleep'), { traceId: 'before', orderingTimestamp: 1000 });
    // A rule of the app's own that the replay's UPDATE breaks.
    await db.sql("ALTER TABLE terra_connections ADD CONSTRAINT no_body CHECK (NOT ('body' = ANY (scopes)))");
    await expect(
      store.apply(auth('sleep,body'), { traceId: 'refused', orderingTimestamp: 2000 }),
    ).rejects.toMatchObject({ name: 'TerraStoreError', code: '23514' });
    // Nothing of it was kept: not the delivery's record, not its fact, not the row's change.
    expect(await db.sql('SELECT 1 FROM terra_deliveries WHERE trace_id = $1', ['refused'])).toEqual([]);
    const [facts] = await db.sql<{ n: number }>('SELECT count(*)::int AS n FROM terra_scope_changes');
    expect(facts?.n).toBe(1);
    expect((await store.getConnection(user.user_id))?.scopes).toEqual(['sleep']);
    // The same connection takes the next delivery; Terra's retry of the refused one then applies.
    await store.apply(auth('sleep,daily'), { traceId: 'next', orderingTimestamp: 3000 });
    await db.sql('ALTER TABLE terra_connections DROP CONSTRAINT no_body');
    const retried = await store.apply(auth('sleep,body'), { traceId: 'refused', orderingTimestamp: 2000 });
    expect(retried.status).toBe('applied');
    expect((await store.getConnection(user.user_id))?.scopes).toEqual(['sleep', 'daily']);
  });

  it('prepares again when the session lost its prepared statements', async () => {
    const store = createConnectionStore({ db: pool });
    await store.apply(auth('sleep'), { traceId: 'one', orderingTimestamp: 1000 });
    // What a pooler that hands the connection to another server session looks like to the batch.
    const { rows: names } = await pool.query<{ name: string }>(
      "SELECT name FROM pg_prepared_statements WHERE name LIKE 'terra\\_%\\_s'",
    );
    expect(names.length).toBeGreaterThan(0);
    for (const { name } of names) await pool.query(`DEALLOCATE ${name}`);
    await store.apply(auth('daily'), { traceId: 'two', orderingTimestamp: 2000 });
    await store.apply(auth('body'), { traceId: 'three', orderingTimestamp: 3000 });
    expect((await store.getConnection(user.user_id))?.scopes).toEqual(['body']);
  });

  it('does the same on a single pg Client', async () => {
    const client = new pg.Client({ connectionString: postgresUrl, options: `-c search_path=${db.schema}` });
    await client.connect();
    try {
      const store = createConnectionStore({ db: client });
      await Promise.all([
        store.apply(auth('sleep'), { traceId: 'c1', orderingTimestamp: 1000 }),
        store.apply(
          {
            type: 'permission_change',
            status: 'warning',
            user,
            scopes_added: 'daily',
            scopes_removed: 'sleep',
          } as never,
          { traceId: 'c2', orderingTimestamp: 2000 },
        ),
      ]);
      expect((await store.getConnection(user.user_id))?.scopes).toEqual(['daily']);
    } finally {
      await client.end();
    }
  });

  it('keeps quotes, backslashes and non-ASCII in values as data', async () => {
    const store = createConnectionStore({ db: pool });
    const odd = "it's \\ a 'scope'; DROP TABLE terra_connections; -- ünï";
    await store.apply(
      { type: 'auth', status: 'success', user: { ...user, reference_id: odd, scopes: `${odd},sleep` } } as never,
      { traceId: "trace 'quoted' \\", orderingTimestamp: 1000 },
    );
    const row = await store.getConnection(user.user_id);
    expect(row?.scopes).toEqual([odd, 'sleep']);
    expect(row?.reference_id).toBe(odd);
  });
});

describe('a scope change in one call [PGlite]', () => {
  it('runs the fact and the replay as one exec once its statements are prepared', async () => {
    const lite = await PGlite.create();
    try {
      const calls: string[] = [];
      let recording = false;
      const query = lite.query.bind(lite);
      const exec = lite.exec.bind(lite);
      lite.query = ((...args: Parameters<typeof query>) => {
        if (recording) calls.push('query');
        return query(...args);
      }) as typeof lite.query;
      lite.exec = ((...args: Parameters<typeof exec>) => {
        if (recording) calls.push(`exec ${String(args[0]).split(';')[0]}`);
        return exec(...args);
      }) as typeof lite.exec;
      const store = createConnectionStore({ db: lite });
      await store.migrate();
      await store.apply(auth('sleep'), { traceId: 'first', orderingTimestamp: 1000 });
      recording = true;
      await store.apply(auth('sleep,daily'), { traceId: 'second', orderingTimestamp: 2000 });
      expect(calls).toEqual(['exec BEGIN']);
      expect((await store.getConnection(user.user_id))?.scopes).toEqual(['sleep', 'daily']);
    } finally {
      await lite.close();
    }
  });
});

describe('a batch with a statement that cannot be prepared', () => {
  it('falls back to a statement per round trip, in one transaction, on both engines', async () => {
    const lite = await PGlite.create();
    const pools = postgresUrl ? [new pg.Pool({ connectionString: postgresUrl, max: 1 })] : [];
    try {
      for (const db of [lite, ...pools]) {
        // `$1` alone has no type PREPARE can infer (SQLSTATE 42P18).
        const runner = createRunner(db, 5000);
        const statements = [
          { text: 'SELECT $1 AS untyped', values: ['kept'] },
          { text: 'SELECT $1::int + 1 AS typed', values: [41] },
        ];
        for (let i = 0; i < 2; i++)
          expect(await runner.batch(statements)).toEqual([[{ untyped: 'kept' }], [{ typed: 42 }]]);
      }
    } finally {
      await lite.close();
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});
