/**
 * Terra's recommended `terra_connections` table, kept true by the webhooks: exactly once per
 * delivery, never undone by an older event, safe with many receivers on one PostgreSQL. Entry point
 * `terra-sdk/connections`.
 *
 * Runs on PostgreSQL through `pg` (a `Pool` or a `Client`) or on PGlite (`@electric-sql/pglite`,
 * PostgreSQL in WebAssembly: the embedded default, no server). Both are optional peer dependencies:
 * install the one you use. This entry imports neither.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createConnectionStore } from 'terra-sdk/connections';
 *
 * const store = createConnectionStore({ db: new pg.Pool({ connectionString: process.env.DATABASE_URL }) });
 * await store.migrate();
 * const result = await store.apply(event, { traceId, reference, orderingTimestamp });
 * if (result.runListeners) { await react(event); await store.markHandled(traceId); }
 * ```
 *
 * @module terra-sdk/connections
 */
export { TerraConfigurationError, TerraError, TerraInvalidArgumentError } from '../errors.js';
export type {
  ConnectionStoreDatabase,
  DatabaseKind,
  PGliteDatabase,
  SqlPool,
  SqlPoolClient,
  SqlQueryable,
  SqlQueryResult,
} from './database.js';
export type {
  ReconcileEntry,
  ReconcileReport,
  ReconcileSource,
  ReconcileUser,
} from './deliveries/reconcile.js';
export {
  DELIVERY_STATUSES,
  type DeliveryHealthGap,
  type DeliveryListOptions,
  type DeliveryRow,
  type DeliveryStatus,
  type RecoverOptions,
} from './deliveries/types.js';
export { type ConnectionStoreOperation, TerraStoreError } from './errors.js';
export { SCHEMA_VERSION } from './migrations.js';
export type { ConnectionStatus, LargeRequestRow, TerraConnectionRow } from './rows.js';
export { createConnectionStore } from './store.js';
export type {
  ApplyResult,
  ApplyStatus,
  ConnectionListOptions,
  ConnectionStore,
  ConnectionStoreDelivery,
  ConnectionStoreOptions,
  LargeRequestProgress,
  MigrateResult,
  PruneResult,
  StoreStreamCursor,
} from './types.js';
