/**
 * `store.migrate()`: the tables Terra's guide names, made once however many receivers start at once,
 * and an app's own copy of the guide's table adopted in place.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createConnectionStore, SCHEMA_VERSION } from '../../src/store/connections.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { describeEngines, type EngineName, migrateUpTo, openDatabase, type TestDatabase } from './support/engines.js';

/** Every version, in order: what a new database gets. */
const ALL = MIGRATIONS.map((m) => m.version);

interface Column {
  column_name: string;
  data_type: string;
  character_maximum_length: number | null;
  is_nullable: 'YES' | 'NO';
  column_default: string | null;
}

describeEngines('migrate', (engine: EngineName) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await openDatabase(engine, { migrate: false });
  }, 60_000);
  afterEach(async () => {
    await db.close();
  });

  const columns = (table: string) =>
    db.sql<Column>(
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
      [db.schema, table],
    );

  it("creates the guide's terra_connections with its columns and indexes, then does nothing", async () => {
    expect(await db.store.migrate()).toEqual({ from: 0, to: SCHEMA_VERSION, applied: ALL });
    expect(await db.store.migrate()).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION, applied: [] });
    const cols = Object.fromEntries((await columns('terra_connections')).map((c) => [c.column_name, c]));
    expect(Object.keys(cols)).toEqual([
      'id',
      'user_id',
      'terra_user_id',
      'provider',
      'reference_id',
      'connected_at',
      'last_sync',
      'status',
      'scopes',
      'disconnected_at',
      'replaced_by',
      'last_error',
      'last_event_at',
      'provider_at',
      'reference_id_at',
      'updated_at',
      'scopes_at',
    ]);
    expect(cols.id).toMatchObject({ data_type: 'integer', is_nullable: 'NO' });
    expect(cols.id?.column_default).toMatch(/^nextval/);
    expect(cols.user_id).toMatchObject({ data_type: 'integer', is_nullable: 'YES' });
    expect(cols.terra_user_id).toMatchObject({
      data_type: 'character varying',
      character_maximum_length: 255,
      is_nullable: 'NO',
    });
    expect(cols.provider).toMatchObject({ data_type: 'character varying', character_maximum_length: 50 });
    expect(cols.reference_id).toMatchObject({ data_type: 'character varying', character_maximum_length: 255 });
    expect(cols.connected_at).toMatchObject({ data_type: 'timestamp with time zone' });
    expect(cols.connected_at?.column_default).toBe('now()');
    expect(cols.last_sync).toMatchObject({ data_type: 'timestamp with time zone' });
    expect(cols.status).toMatchObject({ data_type: 'character varying', character_maximum_length: 20 });
    expect(cols.status?.column_default).toMatch(/^'active'/);
    expect(cols.scopes).toMatchObject({ data_type: 'ARRAY' });
    const indexes = await db.sql<{ indexname: string; indexdef: string }>(
      'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 ORDER BY indexname',
      [db.schema],
    );
    const byName = Object.fromEntries(indexes.map((i) => [i.indexname, i.indexdef]));
    expect(byName.idx_terra_user).toMatch(/ON \S*terra_connections USING btree \(user_id\)/);
    expect(byName.idx_terra_reference).toMatch(/ON \S*terra_connections USING btree \(reference_id\)/);
    expect(Object.values(byName).some((def) => /UNIQUE INDEX .* \(terra_user_id\)/.test(def))).toBe(true);
    // No foreign key: the store needs no users table.
    const fks = await db.sql(
      "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 AND c.contype = 'f'",
      [db.schema],
    );
    expect(fks).toEqual([]);
    const tables = await db.sql<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE 'terra\\_%' ORDER BY table_name",
      [db.schema],
    );
    expect(tables.map((t) => t.table_name)).toEqual([
      'terra_connections',
      'terra_deliveries',
      'terra_delivery_health',
      'terra_erasures',
      'terra_large_request_chunks',
      'terra_large_requests',
      'terra_migrations',
      'terra_records',
      'terra_records_as_sent',
      'terra_scope_changes',
      'terra_stream_cursors',
    ]);
  });

  it('several stores migrating at once create the tables once', async () => {
    // PostgreSQL: separate pools, as separate receivers would have. PGlite: one instance, called at once.
    const stores =
      engine === 'postgres'
        ? Array.from({ length: 4 }, () => createConnectionStore({ db: db.pool(1) }))
        : Array.from({ length: 4 }, () => db.store);
    const results = await Promise.all(stores.map((s) => s.migrate()));
    expect(results.filter((r) => r.applied.length > 0)).toEqual([{ from: 0, to: SCHEMA_VERSION, applied: ALL }]);
    expect(results.filter((r) => r.applied.length === 0)).toHaveLength(3);
    expect(await db.sql('SELECT version FROM terra_migrations ORDER BY version')).toEqual(
      ALL.map((version) => ({ version })),
    );
  });

  it("adopts an app's own copy of the guide's table, keeping its rows and foreign key", async () => {
    await db.sql('CREATE TABLE users (id SERIAL PRIMARY KEY, email TEXT)');
    await db.sql(`CREATE TABLE terra_connections (
      id SERIAL PRIMARY KEY,
      user_id INTEGER REFERENCES users(id),
      terra_user_id VARCHAR(255) UNIQUE,
      provider VARCHAR(50),
      reference_id VARCHAR(255),
      connected_at TIMESTAMP DEFAULT NOW(),
      last_sync TIMESTAMP,
      status VARCHAR(20) DEFAULT 'active',
      scopes TEXT[]
    )`);
    await db.sql('CREATE INDEX idx_terra_user ON terra_connections(user_id)');
    await db.sql('CREATE INDEX idx_terra_reference ON terra_connections(reference_id)');
    await db.sql("INSERT INTO users (email) VALUES ('a@example.com')");
    await db.sql(
      "INSERT INTO terra_connections (user_id, terra_user_id, provider, reference_id) VALUES (1, 'existing', 'FITBIT', 'person-1')",
    );
    expect((await db.store.migrate()).applied).toEqual(ALL);
    await db.store.apply(
      { type: 'deauth', user: { user_id: 'existing', provider: 'FITBIT', reference_id: 'person-1' } } as never,
      { traceId: 't1', orderingTimestamp: Date.UTC(2026, 0, 2) },
    );
    await db.store.apply({ type: 'activity', user: { user_id: 'existing', provider: 'FITBIT' }, data: [] } as never, {
      traceId: 't2',
      orderingTimestamp: Date.UTC(2026, 0, 3),
    });
    const row = await db.store.getConnection('existing');
    expect(row).toMatchObject({ user_id: 1, status: 'disconnected', provider: 'FITBIT', reference_id: 'person-1' });
    expect(row?.disconnected_at?.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(row?.last_sync).toBeInstanceOf(Date);
  });

  it('upgrades scopes a version 7 store folded: each row knows its newest fact, and later facts fold onto it', async () => {
    await migrateUpTo(db, 7);
    // What version 7 left: the facts, and the list its replay wrote.
    await db.sql(
      "INSERT INTO terra_connections (terra_user_id, provider, scopes) VALUES ('old', 'OURA', '{sleep,daily}'), ('none', 'OURA', NULL)",
    );
    await db.sql(`INSERT INTO terra_scope_changes (terra_user_id, changed_at, scopes, scopes_added, scopes_removed) VALUES
      ('old', '2026-01-01T00:00:00Z', '{sleep}', NULL, NULL),
      ('old', '2026-01-03T00:00:00Z', NULL, '{daily}', '{}')`);
    expect(await db.store.migrate()).toMatchObject({ from: 7, applied: ALL.filter((v) => v > 7) });
    expect(await db.sql('SELECT terra_user_id, scopes_at FROM terra_connections ORDER BY terra_user_id')).toEqual([
      { terra_user_id: 'none', scopes_at: null },
      { terra_user_id: 'old', scopes_at: new Date('2026-01-03T00:00:00Z') },
    ]);
    const user = { user_id: 'old', provider: 'OURA' };
    const change = (added: string, removed: string, day: number) =>
      db.store.apply({ type: 'permission_change', user, scopes_added: added, scopes_removed: removed } as never, {
        traceId: `change-${day}`,
        orderingTimestamp: Date.UTC(2026, 0, day),
      });
    // Newer than every fact: one step from the stored list.
    await change('body', 'sleep', 4);
    expect((await db.store.getConnection('old'))?.scopes).toEqual(['daily', 'body']);
    // Between two facts: the facts replayed in time order.
    await change('hr', 'daily', 2);
    expect((await db.store.getConnection('old'))?.scopes).toEqual(['hr', 'daily', 'body']);
  });
});
