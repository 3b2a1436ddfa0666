/**
 * The person's health data, stored once and true, beside Terra's connections table: every record
 * as Terra sent it, one per key, the same whatever the order and duplication of the deliveries, and
 * one day per person across their devices. Entry point `terra-sdk/store`; everything of
 * `terra-sdk/connections` is here too.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createTerraStore } from 'terra-sdk/store';
 *
 * const store = createTerraStore({ db: new pg.Pool(), data: true });
 * await store.migrate();
 * const nights = await store.records('sleep', { referenceId: 'person-1', from: '2026-04-01', to: '2026-04-30' });
 * ```
 *
 * @module terra-sdk/store
 */
export * from './connections.js';
export { DEFAULT_PRIORITY, MAX_DAYS } from './data/days.js';
export { DATA_TYPES } from './data/schema.js';
export { createTerraStore } from './data/store.js';
export type {
  ApplyResponseResult,
  DataPriority,
  DataRecords,
  DataType,
  Day,
  DayItem,
  DaysOptions,
  EraseTarget,
  ErasureRow,
  RecordSource,
  RecordsQuery,
  TerraStore,
  TerraStoreOptions,
} from './data/types.js';
