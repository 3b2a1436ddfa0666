/**
 * `createTerraStore`: the connection store plus the person's data. `apply` writes a data event's
 * records (an `s3_payload` downloaded first) in the statement that records the delivery and writes
 * its effect on the connection: all of it or none, once per trace id.
 */
import { TerraConfigurationError, TerraError } from '../../errors.js';
import type { S3PayloadEvent } from '../../models/generated/S3PayloadEvent.js';
import { fetchS3Payload } from '../../webhooks/s3.js';
import { createRunner } from '../database.js';
import { type ConnectionStoreOperation, toStoreError } from '../errors.js';
import { composeConnectionStore, DEFAULT_STORE_TIMEOUT_MS } from '../store.js';
import { applyResponse, recordsWrite, rowsOfWebhookEvent } from './apply.js';
import { days } from './days.js';
import { erase, eraseDisconnected } from './erase.js';
import { records } from './queries.js';
import { DATA_TYPES, type DataType } from './schema.js';
import type { TerraStore, TerraStoreOptions } from './types.js';

/** Runs `body`, turning any failure (a synchronous throw included) into a typed rejection. */
async function guard<T>(operation: ConnectionStoreOperation, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw error instanceof TerraError ? error : toStoreError(operation, error);
  }
}

/** How often (in applied deliveries) the store looks for disconnected connections whose data is due. */
const SWEEP_EVERY = 1000;

const DISCONNECTING = new Set(['deauth', 'access_revoked']);

function checkData(data: unknown): DataType[] {
  if (data === undefined || data === false) return [];
  if (data === true) return [...DATA_TYPES];
  if (Array.isArray(data) && data.every((t) => (DATA_TYPES as readonly unknown[]).includes(t)))
    return [...new Set(data as DataType[])];
  throw new TerraConfigurationError('data', `data must be true, false or a list of ${DATA_TYPES.join(', ')}.`);
}

/**
 * Makes the store of connections and data on `db` (a `pg` `Pool`, a connected `pg` `Client`, or a
 * PGlite instance). Call `await store.migrate()` once before using it.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { createTerraStore } from 'terra-sdk/store';
 *
 * const store = createTerraStore({ db: new PGlite('./terra-data'), data: true });
 * await store.migrate();
 * // createWebhookHandler({ secret, store }) writes every delivery; then:
 * const week = await store.days('person-1', { from: '2026-04-01', to: '2026-04-07' });
 * ```
 * @throws {@link TerraConfigurationError} when `db` or an option is unusable.
 */
export function createTerraStore(options: TerraStoreOptions): TerraStore {
  const { data, onDisconnect, deleteAfterMs, s3, ...connectionOptions } = (options ?? {}) as TerraStoreOptions;
  const kept = checkData(data);
  const keep: ReadonlySet<DataType> = new Set(kept);
  if (onDisconnect !== undefined && onDisconnect !== 'keep' && onDisconnect !== 'delete')
    throw new TerraConfigurationError('onDisconnect', "onDisconnect must be 'keep' or 'delete'.");
  if (
    deleteAfterMs !== undefined &&
    (typeof deleteAfterMs !== 'number' || !Number.isFinite(deleteAfterMs) || deleteAfterMs < 0)
  )
    throw new TerraConfigurationError('deleteAfterMs', 'deleteAfterMs must be a number of milliseconds, 0 or more.');
  if (deleteAfterMs !== undefined && onDisconnect !== 'delete')
    throw new TerraConfigurationError('deleteAfterMs', "deleteAfterMs applies only with onDisconnect: 'delete'.");
  const deleting = onDisconnect === 'delete';
  const afterMs = deleteAfterMs ?? 0;
  const runner = createRunner(connectionOptions.db, connectionOptions.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS);
  let applied = 0;
  const sweep = () => (deleting ? eraseDisconnected(runner, afterMs) : Promise.resolve([]));
  const connections = composeConnectionStore(connectionOptions, {
    // A failed download rejects, so the delivery is answered 500 (or retried by the worker).
    prepare: (event) =>
      (event as { type?: unknown } | null)?.type === 's3_payload'
        ? fetchS3Payload(event as unknown as S3PayloadEvent, s3)
        : undefined,
    extraWrites: (event, delivery) => {
      if (keep.size === 0) return undefined;
      const rows = rowsOfWebhookEvent(event, keep, delivery.orderingTimestamp ?? Date.now(), delivery.traceId);
      return rows.length === 0 ? undefined : recordsWrite(rows, deleting);
    },
    afterApplied: deleting
      ? async (event) => {
          applied++;
          if (DISCONNECTING.has((event as { type: string }).type) || applied % SWEEP_EVERY === 0) await sweep();
        }
      : undefined,
  });

  return {
    ...connections,
    dataTypes: kept,
    applyResponse: (response) => guard('applyResponse', () => applyResponse(runner, response, keep, deleting)),
    records: (type, query) => guard('records', () => records(runner, type, query, keep)) as never,
    days: (referenceId, daysOptions) => guard('days', () => days(runner, referenceId, daysOptions)),
    erase: (target) => guard('erase', () => erase(runner, target)),
    eraseDisconnected: () => guard('eraseDisconnected', sweep),
  };
}
