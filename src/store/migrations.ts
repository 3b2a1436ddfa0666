/**
 * The store's tables, as numbered migrations. A database records the versions it has in
 * `terra_migrations`; `migrate()` applies the missing ones in order, in one transaction, under an
 * advisory lock. Never edit a released migration: add the next one.
 */
import { TerraConfigurationError } from '../errors.js';
import { DATA_FUNCTIONS_MIGRATION, DATA_MIGRATION, RECORDS_AS_SENT_MIGRATION } from './data/schema.js';
import type { Runner } from './database.js';
import { DELIVERY_NEXT_INDEX_MIGRATION, DURABLE_DELIVERIES_MIGRATION } from './deliveries/sql.js';
import type { Migration } from './migration.js';
import { SCOPES_MIGRATION } from './scopes.js';
import { CREATE_MIGRATIONS_TABLE, INSERT_MIGRATION, LOCK_MIGRATIONS, SELECT_SCHEMA_VERSION } from './sql.js';
import type { MigrateResult } from './types.js';

/** Every migration, in order. @internal */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'terra_connections, terra_deliveries, terra_scope_changes, terra_large_requests',
    statements: [
      // Terra's recommended table, columns as its guide names them. `user_id` is the app's own user:
      // the store never writes it, and there is no foreign key (the store needs no `users` table).
      // IF NOT EXISTS: an app that already created the guide's table keeps it, and gets the columns
      // below added.
      `CREATE TABLE IF NOT EXISTS terra_connections (
        id SERIAL PRIMARY KEY,
        user_id INTEGER,
        terra_user_id VARCHAR(255) UNIQUE NOT NULL,
        provider VARCHAR(50),
        reference_id VARCHAR(255),
        connected_at TIMESTAMPTZ DEFAULT now(),
        last_sync TIMESTAMPTZ,
        status VARCHAR(20) DEFAULT 'active',
        scopes TEXT[]
      )`,
      `ALTER TABLE terra_connections
        ADD COLUMN IF NOT EXISTS disconnected_at TIMESTAMPTZ,
        ADD COLUMN IF NOT EXISTS replaced_by VARCHAR(255),
        ADD COLUMN IF NOT EXISTS last_error TEXT,
        ADD COLUMN IF NOT EXISTS last_event_at TIMESTAMPTZ,
        ADD COLUMN IF NOT EXISTS provider_at TIMESTAMPTZ,
        ADD COLUMN IF NOT EXISTS reference_id_at TIMESTAMPTZ,
        ADD COLUMN IF NOT EXISTS updated_at TIMESTAMPTZ NOT NULL DEFAULT now()`,
      'CREATE INDEX IF NOT EXISTS idx_terra_user ON terra_connections (user_id)',
      'CREATE INDEX IF NOT EXISTS idx_terra_reference ON terra_connections (reference_id)',
      'CREATE INDEX IF NOT EXISTS idx_terra_connections_status ON terra_connections (status, id)',
      // One row per delivery (X-Terra-Trace-Id), written in the transaction of its effect. No payload.
      `CREATE TABLE IF NOT EXISTS terra_deliveries (
        trace_id TEXT PRIMARY KEY,
        event_type VARCHAR(64) NOT NULL,
        terra_user_id VARCHAR(255),
        reference TEXT,
        ordering_timestamp TIMESTAMPTZ,
        received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        handled_at TIMESTAMPTZ
      )`,
      'CREATE INDEX IF NOT EXISTS idx_terra_deliveries_received ON terra_deliveries (received_at)',
      // Scope facts per connection: a full list (auth) or a delta (permission_change), at the event's
      // ordering timestamp. terra_connections.scopes is derived from them, so any arrival order gives
      // the same list. Facts older than the newest full list are deleted.
      `CREATE TABLE IF NOT EXISTS terra_scope_changes (
        id BIGSERIAL PRIMARY KEY,
        terra_user_id VARCHAR(255) NOT NULL,
        changed_at TIMESTAMPTZ NOT NULL,
        scopes TEXT[],
        scopes_added TEXT[],
        scopes_removed TEXT[]
      )`,
      'CREATE INDEX IF NOT EXISTS idx_terra_scope_changes_user ON terra_scope_changes (terra_user_id, changed_at)',
      // Large requests by terra-reference (the part before any ':chunk:' suffix).
      `CREATE TABLE IF NOT EXISTS terra_large_requests (
        reference VARCHAR(255) PRIMARY KEY,
        terra_user_id VARCHAR(255),
        expected INTEGER,
        received INTEGER NOT NULL DEFAULT 0,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        announced_at TIMESTAMPTZ,
        last_payload_at TIMESTAMPTZ,
        completed_at TIMESTAMPTZ,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
      'CREATE INDEX IF NOT EXISTS idx_terra_large_requests_updated ON terra_large_requests (updated_at)',
    ],
  },
  {
    version: 2,
    description: 'terra_large_request_chunks: each chunk of a large request counted once',
    statements: [
      // The chunks of each large request seen, by the part of terra-reference after the request's
      // reference (`chunk:{n}`): a chunk replayed with another trace id does not count again. Rows go
      // with their request when it is pruned. Requests counted before this table keep their count.
      `CREATE TABLE IF NOT EXISTS terra_large_request_chunks (
        reference VARCHAR(255) NOT NULL,
        chunk VARCHAR(255) NOT NULL,
        received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (reference, chunk)
      )`,
    ],
  },
  DURABLE_DELIVERIES_MIGRATION,
  // The data store's tables (src/store/data/schema.ts).
  DATA_MIGRATION,
  {
    version: 6,
    description: 'terra_stream_cursors',
    statements: [
      // A streaming consumer's cursor, one row per consumer name. NUMERIC(20, 0) holds every int64
      // seq exactly (a JavaScript number would not past 2^53).
      `CREATE TABLE IF NOT EXISTS terra_stream_cursors (
        name VARCHAR(255) PRIMARY KEY,
        seq NUMERIC(20, 0) NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
    ],
  },
  DATA_FUNCTIONS_MIGRATION,
  SCOPES_MIGRATION,
  RECORDS_AS_SENT_MIGRATION,
  DELIVERY_NEXT_INDEX_MIGRATION,
];

/** The newest schema version this version of the SDK knows. */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * Brings the database to {@link SCHEMA_VERSION}: the missing migrations in order, in one transaction,
 * while holding the advisory lock, so that receivers starting together take turns. @internal
 */
export function migrate(runner: Runner): Promise<MigrateResult> {
  return runner.transaction(async (q) => {
    await q(LOCK_MIGRATIONS);
    await q(CREATE_MIGRATIONS_TABLE);
    const [row] = (await q(SELECT_SCHEMA_VERSION)) as { version: unknown }[];
    const from = Number(row?.version ?? 0);
    if (from > SCHEMA_VERSION)
      throw new TerraConfigurationError(
        'db',
        `The terra_ tables are at schema version ${from}, made by a newer terra-sdk; this version knows up to ${SCHEMA_VERSION}. Upgrade terra-sdk.`,
      );
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) continue;
      for (const statement of migration.statements) await q(statement);
      await q(INSERT_MIGRATION, [migration.version, migration.description]);
      applied.push(migration.version);
    }
    return { from, to: Math.max(from, SCHEMA_VERSION), applied };
  }, false);
}
