/**
 * The two engines every store test runs on: PGlite in this process, and a real PostgreSQL server
 * when TERRA_TEST_DATABASE_URL names one: given by you or .ci/run, or a throwaway cluster that the
 * global setup (test/support/postgres-server.ts) starts when PostgreSQL is installed. Each test gets
 * a schema of its own, so tests and test files never see each other's tables.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, it } from 'vitest';
import { type ConnectionStore, createConnectionStore } from '../../../src/store/connections.js';
import { MIGRATIONS } from '../../../src/store/migrations.js';
import { CREATE_MIGRATIONS_TABLE, INSERT_MIGRATION } from '../../../src/store/sql.js';

export const postgresUrl: string | undefined = process.env.TERRA_TEST_DATABASE_URL || undefined;
export const postgresRequired = process.env.TERRA_REQUIRE_POSTGRES === '1';
export const SKIP_MESSAGE =
  'TERRA_TEST_DATABASE_URL is unset and PostgreSQL is not installed: the PostgreSQL half of the connection-store suite is skipped (install PostgreSQL, or set TERRA_TEST_DATABASE_URL).';

export const REQUIRED_MESSAGE =
  'TERRA_REQUIRE_POSTGRES=1 but there is no PostgreSQL server: install PostgreSQL (the tests then start a throwaway cluster), or set TERRA_TEST_DATABASE_URL (.ci/run starts one with scripts/postgres.sh).';

export type EngineName = 'pglite' | 'postgres';

/** One fresh, empty schema on one engine, with a store on it. */
export interface TestDatabase {
  engine: EngineName;
  /** The store's `db`: the PGlite instance, or a pg Pool whose connections use the schema. */
  db: PGlite | pg.Pool;
  store: ConnectionStore;
  schema: string;
  /** Runs SQL in the schema (outside the store). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** A second, independent pg Pool on the same schema (PostgreSQL only), for concurrency tests. */
  pool(max?: number): pg.Pool;
  close(): Promise<void>;
}

let counter = 0;
const schemaName = () => `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;

let lite: Promise<PGlite> | undefined;
/** One PGlite per test file (starting one takes seconds); schemas keep tests apart. */
function sharedLite(): Promise<PGlite> {
  lite ??= PGlite.create();
  return lite;
}

/** A pg Pool whose every connection uses `schema`. */
export function poolOn(schema: string, max = 4): pg.Pool {
  return new pg.Pool({ connectionString: postgresUrl, max, options: `-c search_path=${schema}` });
}

/** A fresh schema on `engine`, with a migrated store unless `migrate` is false. */
export async function openDatabase(engine: EngineName, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const schema = schemaName();
  const pools: pg.Pool[] = [];
  let db: PGlite | pg.Pool;
  if (engine === 'pglite') {
    const instance = await sharedLite();
    await instance.query(`CREATE SCHEMA ${schema}`);
    await instance.query(`SET search_path TO ${schema}`);
    db = instance;
  } else {
    if (!postgresUrl) throw new Error(SKIP_MESSAGE);
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    db = poolOn(schema);
    pools.push(db);
  }
  const store = createConnectionStore({ db });
  if (options.migrate !== false) await store.migrate();
  return {
    engine,
    db,
    store,
    schema,
    sql: async <T>(text: string, params?: unknown[]) =>
      (await (db as { query(t: string, p?: unknown[]): Promise<{ rows: unknown[] }> }).query(text, params)).rows as T[],
    pool: (max = 4) => {
      if (engine !== 'postgres') throw new Error('pool() is for PostgreSQL');
      const pool = poolOn(schema, max);
      pools.push(pool);
      return pool;
    },
    close: async () => {
      if (engine === 'pglite') {
        await (db as PGlite).query(`DROP SCHEMA ${schema} CASCADE`);
        await (db as PGlite).query('SET search_path TO public');
      } else {
        await Promise.all(pools.map((p) => p.end()));
        const admin = new pg.Client({ connectionString: postgresUrl });
        await admin.connect();
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      }
    },
  };
}

/**
 * Brings a database opened with `migrate: false` to schema `version` exactly as that version's
 * store left it: the migrations up to it, one statement at a time, recorded as applied. For tests
 * of what a later `migrate()` does to an older store's rows.
 */
export async function migrateUpTo(db: TestDatabase, version: number): Promise<void> {
  await db.sql(CREATE_MIGRATIONS_TABLE);
  for (const migration of MIGRATIONS.filter((m) => m.version <= version)) {
    for (const statement of migration.statements) await db.sql(statement);
    await db.sql(INSERT_MIGRATION, [migration.version, migration.description]);
  }
}

/**
 * A fresh migrated database for each test of the suite: opened before each test and handed to
 * `use`, closed after it.
 */
export function openForEachTest(engine: EngineName, use: (db: TestDatabase) => void): void {
  let open: TestDatabase | undefined;
  beforeEach(async () => {
    open = await openDatabase(engine);
    use(open);
  }, 60_000);
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });
}

afterAll(async () => {
  if (lite) await (await lite).close();
  lite = undefined;
});

/**
 * Runs `suite` once per engine: always on PGlite, and on PostgreSQL when a server is there. Without
 * one, the PostgreSQL half is collected and reported skipped, test by test (the global setup prints
 * the one line saying how to run it), or fails when TERRA_REQUIRE_POSTGRES=1.
 */
export function describeEngines(name: string, suite: (engine: EngineName) => void): void {
  describe(`${name} [PGlite]`, () => suite('pglite'));
  if (postgresUrl) {
    describe(`${name} [PostgreSQL]`, () => suite('postgres'));
  } else if (postgresRequired) {
    describe(`${name} [PostgreSQL]`, () => {
      it('has a PostgreSQL server (TERRA_REQUIRE_POSTGRES=1)', () => {
        throw new Error(REQUIRED_MESSAGE);
      });
    });
  } else {
    describe.skip(`${name} [PostgreSQL] (skipped: no server)`, () => suite('postgres'));
  }
}

/**
 * Runs `suite` on PostgreSQL only. Without a server it is reported skipped, its title saying why,
 * unless TERRA_REQUIRE_POSTGRES=1, where it runs (and its tests fail with REQUIRED_MESSAGE).
 */
export function describePostgres(title: string, suite: () => void): void {
  describe.skipIf(!postgresUrl && !postgresRequired)(
    postgresUrl || postgresRequired ? title : `${title} (skipped: TERRA_TEST_DATABASE_URL is unset)`,
    suite,
  );
}

/** The columns two runs must agree on, one row per connection, in a stable order. */
export async function connectionsSnapshot(db: TestDatabase): Promise<Record<string, unknown>[]> {
  const rows = await db.sql(
    `SELECT terra_user_id, provider, reference_id, status, scopes, last_sync, replaced_by, connected_at,
            disconnected_at, last_error, last_event_at
     FROM terra_connections ORDER BY terra_user_id`,
  );
  return rows.map((row) => ({
    ...row,
    ...Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])),
  }));
}

/** Large requests, as two runs must agree on them. */
export async function largeRequestsSnapshot(db: TestDatabase): Promise<Record<string, unknown>[]> {
  return db.sql(
    `SELECT reference, terra_user_id, expected, received, (expected IS NOT NULL AND received >= expected) AS complete,
            (completed_at IS NOT NULL) AS completed
     FROM terra_large_requests ORDER BY reference`,
  );
}
