/**
 * `createConnectionStore`: the store's parts put together. Each method checks its arguments, runs
 * its part and turns any database failure into a typed rejection.
 *
 * Where things are: named SQL in `sql.ts`; the tables in `migrations.ts`; each event's effect in
 * `effects.ts`; which event may overwrite which in `order-guard.ts`; applying a delivery in
 * `apply.ts`; the reads in `queries.ts`; argument checks in `arguments.ts`; pg and PGlite in
 * `database.ts`.
 */
import { TerraError } from '../errors.js';
import { DAY_MS } from '../internal/dates.js';
import { applyEvent, markHandled } from './apply.js';
import { checkStoreOptions } from './arguments.js';
import { createRunner } from './database.js';
import { type ConnectionStoreOperation, toStoreError } from './errors.js';
import { expectRequest } from './large-requests.js';
import { migrate } from './migrations.js';
import { autoPruner, prune } from './prune.js';
import { connectionsFor, connectionsWithStatus, getConnection, largeRequest } from './queries.js';
import { streamCursor } from './stream-cursors.js';
import type { ConnectionStore, ConnectionStoreOptions } from './types.js';

const DEFAULT_RETENTION_MS = 7 * DAY_MS;

/** Runs `body`, turning any failure (a synchronous throw included) into a typed rejection. */
async function guard<T>(operation: ConnectionStoreOperation, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw error instanceof TerraError ? error : toStoreError(operation, error);
  }
}

/**
 * Makes a connection store on `db`: a `pg` `Pool`, a connected `pg` `Client`, or a PGlite instance.
 * Call `await store.migrate()` once before using it.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { createConnectionStore } from 'terra-sdk/connections';
 *
 * const store = createConnectionStore({ db: new PGlite('./terra-data') });
 * await store.migrate();
 * await store.apply(delivery.getParsedResponse(), delivery); // delivery: a verified TerraWebhookResponse
 * console.log(await store.connectionsFor('person-1'));
 * ```
 * @throws {@link TerraConfigurationError} when `db` is none of the accepted kinds, or an option is unusable.
 */
export function createConnectionStore(options: ConnectionStoreOptions): ConnectionStore {
  const checked = checkStoreOptions(options);
  const runner = createRunner(checked.db);
  const retentionMs = checked.retentionMs ?? DEFAULT_RETENTION_MS;
  const afterApply = checked.autoPrune === false ? undefined : autoPruner(runner, retentionMs);
  return {
    kind: runner.kind,
    migrate: () => guard('migrate', () => migrate(runner)),
    apply: (event, delivery) =>
      guard('apply', async () => {
        const result = await applyEvent(runner, event, delivery);
        if (afterApply !== undefined && result.status === 'applied') await afterApply();
        return result;
      }),
    markHandled: (traceId) => guard('markHandled', () => markHandled(runner, traceId)),
    getConnection: (terraUserId) => guard('getConnection', () => getConnection(runner, terraUserId)),
    connectionsFor: (referenceId) => guard('connectionsFor', () => connectionsFor(runner, referenceId)),
    activeConnections: (listOptions) =>
      guard('activeConnections', () => connectionsWithStatus(runner, 'active', listOptions, 'activeConnections')),
    needingReconnect: (listOptions) =>
      guard('needingReconnect', () =>
        connectionsWithStatus(runner, 'needs_reconnect', listOptions, 'needingReconnect'),
      ),
    largeRequest: (reference) => guard('largeRequest', () => largeRequest(runner, reference)),
    expectRequest: (reference, expectOptions) =>
      guard('expectRequest', () => expectRequest(runner, reference, expectOptions)),
    prune: (pruneOptions) => guard('prune', () => prune(runner, pruneOptions, retentionMs)),
    streamCursor: (name) => streamCursor(runner, name, guard),
  };
}
