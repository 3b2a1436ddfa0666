/**
 * `runner.batch`, which group-commits durable deliveries: several statements in one transaction, in
 * one round trip on node-postgres (BEGIN, prepared statements run by EXECUTE, COMMIT) and in one
 * `exec` on PGlite. What that must keep: atomicity when a later statement fails, a connection left
 * usable afterwards, recovery when the session lost its prepared statements, the same on a single
 * `pg` Client, and values that stay data when they are sent as literals. And a scope change, which
 * took such a batch before its list was computed by the upsert itself, is now one statement.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnectionStore } from '../../src/store/connections.js';
import { createRunner, type Runner } from '../../src/store/database.js';
import { openDatabase, postgresUrl, type TestDatabase } from './support/engines.js';

const user = { user_id: 'batch-user', provider: 'GARMIN', reference_id: 'person-1' };
const auth = (scopes: string) => ({ type: 'auth', status: 'success', user: { ...user, scopes } }) as never;

const NOTES = 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL CHECK (body <> $$refused$$))';
const note = (id: number, body: string) => ({
  text: 'INSERT INTO notes (id, body) VALUES ($1::integer, $2::text) RETURNING id',
  values: [id, body],
});

/** Records what a pool's connections are sent, once `recording` is set. */
async function recordSent(pool: pg.Pool): Promise<{ sent: string[]; start(): void }> {
  const client = await pool.connect();
  const sent: string[] = [];
  let recording = false;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    if (recording) sent.push(typeof args[0] === 'string' ? args[0] : 'named statement');
    return query(...args);
  };
  client.release();
  return { sent, start: () => (recording = true) };
}

describe.skipIf(!postgresUrl)('a batch in one round trip [PostgreSQL]', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let runner: Runner;
  beforeEach(async () => {
    db = await openDatabase('postgres');
    // One connection, so the test can reach the session the batch prepared its statements on.
    pool = db.pool(1);
    runner = createRunner(pool, 5000);
    await db.sql(NOTES);
  }, 60_000);
  afterEach(async () => {
    await db.close();
  });

  it('sends one query per batch once its statements are prepared', async () => {
    await runner.batch([note(1, 'a'), note(2, 'b')]);
    const { sent, start } = await recordSent(pool);
    start();
    expect(await runner.batch([note(3, 'c'), note(4, 'd')])).toEqual([[{ id: 3 }], [{ id: 4 }]]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^BEGIN;[\s\S]*EXECUTE[\s\S]*EXECUTE[\s\S]*COMMIT$/);
  });

  it('rolls the whole batch back when a later statement fails, and the connection stays usable', async () => {
    await runner.batch([note(1, 'a')]);
    await expect(runner.batch([note(2, 'kept?'), note(3, 'refused')])).rejects.toMatchObject({ code: '23514' });
    expect(await db.sql('SELECT id FROM notes ORDER BY id')).toEqual([{ id: 1 }]);
    expect(await runner.batch([note(2, 'b'), note(3, 'c')])).toEqual([[{ id: 2 }], [{ id: 3 }]]);
  });

  it('prepares again when the session lost its prepared statements', async () => {
    await runner.batch([note(1, 'a')]);
    // What a pooler that hands the connection to another server session looks like to the batch.
    const { rows: names } = await pool.query<{ name: string }>(
      "SELECT name FROM pg_prepared_statements WHERE name LIKE 'terra\\_%\\_s'",
    );
    expect(names.length).toBeGreaterThan(0);
    for (const { name } of names) await pool.query(`DEALLOCATE ${name}`);
    expect(await runner.batch([note(2, 'b')])).toEqual([[{ id: 2 }]]);
    expect(await runner.batch([note(3, 'c')])).toEqual([[{ id: 3 }]]);
  });

  it('does the same on a single pg Client, batches called at once taking turns', async () => {
    const client = new pg.Client({ connectionString: postgresUrl, options: `-c search_path=${db.schema}` });
    await client.connect();
    try {
      const one = createRunner(client, 5000);
      const results = await Promise.all([one.batch([note(1, 'a'), note(2, 'b')]), one.batch([note(3, 'c')])]);
      expect(results).toEqual([[[{ id: 1 }], [{ id: 2 }]], [[{ id: 3 }]]]);
    } finally {
      await client.end();
    }
  });

  it('keeps quotes, backslashes and non-ASCII in values as data', async () => {
    const odd = "it's \\ a 'note'; DROP TABLE notes; -- ünï";
    await runner.batch([note(1, odd), note(2, 'plain')]);
    expect(await db.sql('SELECT body FROM notes ORDER BY id')).toEqual([{ body: odd }, { body: 'plain' }]);
  });

  it('sends a scope change as one statement', async () => {
    const store = createConnectionStore({ db: pool });
    await store.apply(auth('sleep'), { traceId: 'first', orderingTimestamp: 1000 });
    const { sent, start } = await recordSent(pool);
    start();
    await store.apply(auth('sleep,daily'), { traceId: 'second', orderingTimestamp: 2000 });
    expect(sent).toEqual(['named statement']);
    expect((await store.getConnection(user.user_id))?.scopes).toEqual(['sleep', 'daily']);
  });
});

describe('a batch in one call [PGlite]', () => {
  it('runs the statements as one exec once they are prepared; a scope change is one query', async () => {
    const lite = await PGlite.create();
    try {
      const calls: string[] = [];
      let recording = false;
      const query = lite.query.bind(lite);
      const exec = lite.exec.bind(lite);
      lite.query = ((...args: Parameters<typeof query>) => {
        if (recording) calls.push(`query ${String(args[0]).split(/[ (]/)[0]}`);
        return query(...args);
      }) as typeof lite.query;
      lite.exec = ((...args: Parameters<typeof exec>) => {
        if (recording) calls.push(`exec ${String(args[0]).split(';')[0]}`);
        return exec(...args);
      }) as typeof lite.exec;
      await lite.query(NOTES);
      const runner = createRunner(lite, 5000);
      await runner.batch([note(1, 'a'), note(2, 'b')]);
      recording = true;
      expect(await runner.batch([note(3, 'c'), note(4, 'd')])).toEqual([[{ id: 3 }], [{ id: 4 }]]);
      expect(calls).toEqual(['exec BEGIN']);

      const store = createConnectionStore({ db: lite });
      await store.migrate();
      await store.apply(auth('sleep'), { traceId: 'first', orderingTimestamp: 1000 });
      calls.length = 0;
      await store.apply(auth('sleep,daily'), { traceId: 'second', orderingTimestamp: 2000 });
      expect(calls).toEqual(['query EXECUTE']);
      expect((await store.getConnection(user.user_id))?.scopes).toEqual(['sleep', 'daily']);
    } finally {
      await lite.close();
    }
  });

  it('prepares a statement again when its table changed under it', async () => {
    const lite = await PGlite.create();
    try {
      const store = createConnectionStore({ db: lite });
      await store.migrate();
      await store.apply(auth('sleep'), { traceId: 'first', orderingTimestamp: 1000 });
      expect((await store.getConnection(user.user_id))?.last_sync).toBeNull();
      // The app changes a column's type: the prepared read's result type no longer matches (0A000).
      await lite.query('ALTER TABLE terra_connections ALTER COLUMN last_sync TYPE TIMESTAMP');
      expect((await store.getConnection(user.user_id))?.scopes).toEqual(['sleep']);
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
