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
import type { TerraWebhookEvent } from '../webhooks/events.js';
import { applyEvent, type DataHooks, markFailed, markHandled } from './apply.js';
import { checkStoreOptions } from './arguments.js';
import { createRunner } from './database.js';
import { deadline, type Within } from './deadline.js';
import { deliveryQueue } from './deliveries/queue.js';
import { reconcile } from './deliveries/reconcile.js';
import { deliveryHealth, getDelivery, listDeliveries, recoverDeliveries, replayDelivery } from './deliveries/replay.js';
import { type ConnectionStoreOperation, TerraStoreError, toStoreError } from './errors.js';
import { expectRequest } from './large-requests.js';
import { migrate } from './migrations.js';
import { lockDataDir } from './pglite-lock.js';
import { autoPruner, prune } from './prune.js';
import { connectionsFor, connectionsWithStatus, getConnection, largeRequest } from './queries.js';
import { streamCursor } from './stream-cursors.js';
import type { ConnectionStore, ConnectionStoreOptions } from './types.js';

const DEFAULT_RETENTION_MS = 7 * DAY_MS;
/** How long a store call waits for the database by default: well inside Terra's delivery timeout. */
export const DEFAULT_STORE_TIMEOUT_MS = 5000;

/**
 * Runs `body` within the store's time limit (`within`; none for `undefined`), turning any failure (a
 * synchronous throw included) into a typed rejection. The limit bounds every wait the driver itself
 * does not: a pool with no free client, an unreachable host, a connection queued behind a stuck one.
 * What the database was doing goes on (PostgreSQL's own `statement_timeout` ends it in a
 * transaction); its outcome is no longer awaited.
 */
async function guard<T>(
  operation: ConnectionStoreOperation,
  limit: Limit | undefined,
  claimed: (() => Promise<void>) | undefined,
  body: () => Promise<T>,
): Promise<T> {
  try {
    if (claimed !== undefined) await claimed();
    const work = body();
    return await (limit === undefined
      ? work
      : limit.within(work, () => new TerraStoreError(operation, { timeoutMs: limit.timeoutMs })));
  } catch (error) {
    throw error instanceof TerraError ? error : toStoreError(operation, error);
  }
}

/** A store's time limit on its calls. */
interface Limit {
  timeoutMs: number;
  within: Within;
}

/** A failure of `apply` as the store's typed error. */
const applyError = (error: unknown): TerraError => (error instanceof TerraError ? error : toStoreError('apply', error));

/**
 * `hooks.prepare(event)`, its failure typed as the store's (a throw included); `undefined` when the
 * event is applied as it came, which spares a delivery an await.
 */
function prepared(hooks: DataHooks, event: TerraWebhookEvent): Promise<TerraWebhookEvent> | undefined {
  let pending: Promise<TerraWebhookEvent> | undefined;
  try {
    pending = hooks.prepare(event);
  } catch (error) {
    return Promise.reject(applyError(error));
  }
  return pending?.catch((error: unknown) => {
    throw applyError(error);
  });
}

/**
 * Claims a PGlite data directory for this process (see `pglite-lock.ts`): now when it exists, else
 * once PGlite has made it, before the first operation. `undefined` when there is nothing to wait for.
 */
function claimDataDir(dir: string | undefined, db: unknown): (() => Promise<void>) | undefined {
  const done = async () => undefined;
  if (dir === undefined || lockDataDir(dir, db as object)) return undefined;
  let pending: Promise<void> | undefined;
  let settled = false;
  return () => {
    if (settled) return done();
    pending ??= (async () => {
      const ready = (db as { waitReady?: unknown }).waitReady;
      if (ready instanceof Promise) await ready;
      lockDataDir(dir, db as object);
      settled = true;
    })();
    return pending;
  };
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
 * @throws {@link TerraConfigurationError} when `db` is none of the accepted kinds, or an option is unusable,
 *   or `db` is a PGlite whose data directory another live process uses (each call rejects with it
 *   instead when the directory did not exist yet).
 */
export function createConnectionStore(options: ConnectionStoreOptions): ConnectionStore {
  return composeConnectionStore(options);
}

/**
 * The connection store, with the data store's `hooks` applied to every delivery, whether it comes
 * through `apply` or a durable handler's worker. @internal
 */
export function composeConnectionStore(options: ConnectionStoreOptions, hooks?: DataHooks): ConnectionStore {
  const checked = checkStoreOptions(options);
  const timeoutMs = checked.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS;
  const runner = createRunner(checked.db, timeoutMs);
  const limit = Number.isFinite(timeoutMs) ? { timeoutMs, within: deadline(timeoutMs) } : undefined;
  const claimed = claimDataDir(runner.dataDir, checked.db);
  const retentionMs = checked.retentionMs ?? DEFAULT_RETENTION_MS;
  const afterApply = checked.autoPrune === false ? undefined : autoPruner(runner, retentionMs);
  return {
    kind: runner.kind,
    // Unbounded: a migration may rewrite a large table, and receivers starting together wait their turn.
    migrate: () => guard('migrate', undefined, claimed, () => migrate(runner)),
    apply: async (event, delivery) => {
      // Before the store's time limit: a download has its own limits.
      const preparing = hooks === undefined ? undefined : prepared(hooks, event);
      const current = preparing === undefined ? event : await preparing;
      return guard('apply', limit, claimed, async () => {
        const result = await applyEvent(runner, current, delivery, hooks?.extraWrites);
        if (result.status === 'applied') {
          if (hooks?.afterApplied !== undefined) await hooks.afterApplied(current);
          if (afterApply !== undefined) await afterApply();
        }
        return result;
      });
    },
    markHandled: (traceId) => guard('markHandled', limit, claimed, () => markHandled(runner, traceId)),
    markFailed: (traceId) => guard('markFailed', limit, claimed, () => markFailed(runner, traceId)),
    getConnection: (terraUserId) => guard('getConnection', limit, claimed, () => getConnection(runner, terraUserId)),
    connectionsFor: (referenceId) => guard('connectionsFor', limit, claimed, () => connectionsFor(runner, referenceId)),
    activeConnections: (listOptions) =>
      guard('activeConnections', limit, claimed, () =>
        connectionsWithStatus(runner, 'active', listOptions, 'activeConnections'),
      ),
    needingReconnect: (listOptions) =>
      guard('needingReconnect', limit, claimed, () =>
        connectionsWithStatus(runner, 'needs_reconnect', listOptions, 'needingReconnect'),
      ),
    largeRequest: (reference) => guard('largeRequest', limit, claimed, () => largeRequest(runner, reference)),
    expectRequest: (reference, expectOptions) =>
      guard('expectRequest', limit, claimed, () => expectRequest(runner, reference, expectOptions)),
    prune: (pruneOptions) => guard('prune', limit, claimed, () => prune(runner, pruneOptions, retentionMs)),
    deliveryQueue: deliveryQueue(runner, hooks),
    deliveries: (listOptions) => guard('deliveries', limit, claimed, () => listDeliveries(runner, listOptions)),
    delivery: (traceId) => guard('delivery', limit, claimed, () => getDelivery(runner, traceId)),
    replay: (traceId) => guard('replay', limit, claimed, () => replayDelivery(runner, traceId)),
    recover: (recoverOptions) => guard('recover', limit, claimed, () => recoverDeliveries(runner, recoverOptions)),
    deliveryHealth: (healthOptions) =>
      guard('deliveryHealth', limit, claimed, () => deliveryHealth(runner, healthOptions)),
    // Reconcile pages through Terra's users: not bounded by the store's own time limit.
    reconcile: (terra, reconcileOptions) =>
      guard('reconcile', undefined, claimed, () => reconcile(runner, terra, reconcileOptions)),
    streamCursor: (name) => streamCursor(runner, name, (operation, body) => guard(operation, limit, claimed, body)),
  };
}
