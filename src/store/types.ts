/**
 * The connection store's public types: its options, the store's methods and what they resolve to.
 */

import type { TerraInvalidArgumentError } from '../errors.js';
import type { TerraWebhookEvent } from '../webhooks/events.js';
import type { DeliveryQueue } from '../webhooks/queue.js';
import type { ConnectionStoreDatabase, DatabaseKind } from './database.js';
import type { ReconcileReport, ReconcileSource } from './deliveries/reconcile.js';
import type { DeliveryHealthGap, DeliveryListOptions, DeliveryRow, RecoverOptions } from './deliveries/types.js';
import type { LargeRequestRow, TerraConnectionRow } from './rows.js';

/** Options of `createConnectionStore`. */
export interface ConnectionStoreOptions {
  /**
   * The database: a `pg` `Pool`, a connected `pg` `Client`, or a PGlite instance. See
   * {@link ConnectionStoreDatabase}.
   */
  db: ConnectionStoreDatabase;
  /**
   * How long delivery records (trace ids, for deduplication) and finished or abandoned large requests
   * are kept, in milliseconds. Terra retries a delivery for about a day, so at least one day; default
   * seven days.
   */
  retentionMs?: number | undefined;
  /**
   * Delete records older than `retentionMs` every thousand applied deliveries, a bounded batch at a
   * time (default `true`). With `false`, call {@link ConnectionStore.prune} yourself.
   */
  autoPrune?: boolean | undefined;
  /**
   * The longest any store call (other than `migrate`) waits for the database, in milliseconds
   * (default 5,000): for a free pool client, a connection, a lock or a statement. Past it the call
   * rejects with a `TerraStoreError` whose `retryable` is `true`, and the webhook handler answers 503
   * with `Retry-After`, so Terra sends the delivery again. On `pg`, each transaction also gets it as
   * its `statement_timeout` and `lock_timeout` (`SET LOCAL`), so the server stops waiting too.
   */
  timeoutMs?: number | undefined;
}

/** The delivery headers `apply` needs. A `TerraWebhookResponse` has them all. */
export interface ConnectionStoreDelivery {
  /** `X-Terra-Trace-Id`: unique per delivery, the same on Terra's retries. The deduplication key. */
  traceId?: string | null | undefined;
  /** `terra-reference`: the API request the delivery answers (chunks `{reference}:chunk:{n}` count for `{reference}`). */
  reference?: string | null | undefined;
  /** `X-Terra-Ordering-Timestamp`, unix milliseconds. Missing means newest: the time of receipt is used. */
  orderingTimestamp?: number | null | undefined;
}

/**
 * What became of a delivery:
 * - `applied`: new; its effect was written now. Run your listeners, then {@link ConnectionStore.markHandled}.
 * - `applied_before`: seen before and its effect written then, but its listeners never completed
 *   (a retry after a listener failed). Run the listeners again, then mark it handled.
 * - `handled_before`: seen before and marked handled. Answer 200 and do nothing.
 * - `in_progress`: seen before, and its listeners are running now (in this process or another):
 *   do not run them again; the webhook handler answers 503 with `Retry-After`, so Terra sends it
 *   again later. {@link ConnectionStore.markFailed} after a failure lets the retry run them at once.
 */
export type ApplyStatus = 'applied' | 'applied_before' | 'handled_before' | 'in_progress';

/** How far a large request has arrived, as of one delivery. */
export interface LargeRequestProgress {
  /** The request's `terra-reference` (without any `:chunk:N` suffix). */
  reference: string;
  /** Payloads announced by `large_request_sending`; null before the announcement. */
  expected: number | null;
  /** Payloads received so far. */
  received: number;
  /** Whether every announced payload has arrived. */
  complete: boolean;
}

/** The result of {@link ConnectionStore.apply}. */
export interface ApplyResult {
  /** New, applied before, or handled before: see {@link ApplyStatus}. */
  status: ApplyStatus;
  /** Whether your listeners should run for this delivery (`status` is not `handled_before`). */
  runListeners: boolean;
  /**
   * Whether the delivery could be deduplicated. `false` when it had no trace id: it was applied, and
   * would be applied again if delivered again.
   */
  deduplicated: boolean;
  /** The delivery's trace id, when it had one. */
  traceId: string | undefined;
  /** The Terra user ids whose rows this delivery wrote (none for a repeat or an event with no effect on connections). */
  connections: readonly string[];
  /** The large request this delivery announced or advanced, after it. */
  largeRequest: LargeRequestProgress | undefined;
}

/** What {@link ConnectionStore.migrate} did. */
export interface MigrateResult {
  /** The schema version the database had before (0: none). */
  from: number;
  /** The schema version it has now. */
  to: number;
  /** The versions applied by this call (empty when the tables were up to date). */
  applied: readonly number[];
}

/** Options of {@link ConnectionStore.activeConnections} and {@link ConnectionStore.needingReconnect}. */
export interface ConnectionListOptions {
  /** Only connections to this provider (`GARMIN`, ...; case-insensitive). */
  provider?: string | undefined;
  /** At most this many rows (1 to 10,000). Default: all. */
  limit?: number | undefined;
  /** Only rows whose `id` is greater: pass the last row's `id` to read the next page. */
  afterId?: number | undefined;
}

/** What {@link ConnectionStore.prune} deleted. */
export interface PruneResult {
  /** Delivery records (trace ids) deleted. */
  deliveries: number;
  /** Large requests deleted. */
  largeRequests: number;
}

/**
 * Terra's recommended `terra_connections` table, kept true by the webhooks, on PostgreSQL or PGlite.
 * Made by `createConnectionStore`. Every method returns a promise that rejects (never throws)
 * with a {@link TerraInvalidArgumentError} for a bad argument or a `TerraStoreError` when the database
 * fails.
 */
export interface ConnectionStore {
  /** Which kind of database the store runs on. */
  readonly kind: DatabaseKind;
  /**
   * Creates the tables, or upgrades them to this version's schema. Idempotent, and safe when several
   * processes call it at once (they take turns under an advisory lock). Call it once at start-up.
   */
  migrate(): Promise<MigrateResult>;
  /**
   * Applies one webhook event, exactly once per trace id: the delivery is recorded in the same
   * transaction as its effect. An event older (by ordering timestamp) than what the row already
   * reflects never undoes the newer state. Events with no effect on connections are recorded only.
   *
   * @param event A parsed webhook event (`parseEvent`, or a verified delivery's `getParsedResponse()`).
   * @param delivery Its delivery headers: `{ traceId, reference, orderingTimestamp }`, or a
   *   `TerraWebhookResponse`.
   */
  apply(event: TerraWebhookEvent, delivery?: ConnectionStoreDelivery): Promise<ApplyResult>;
  /**
   * Records that the listeners of a delivery completed, so a later repeat is `handled_before`.
   * Resolves to `false` when no delivery with this trace id is recorded.
   */
  markHandled(traceId: string): Promise<boolean>;
  /**
   * Records that the listeners of a delivery failed, so that Terra's retry runs them at once rather
   * than being answered 503 while they counted as running (a minute at most). Resolves to `false`
   * when no such delivery awaits its listeners.
   */
  markFailed(traceId: string): Promise<boolean>;
  /** The connection with this Terra user id, or `undefined`. */
  getConnection(terraUserId: string): Promise<TerraConnectionRow | undefined>;
  /** Every connection of one person (their reference id), in the order they were first seen. */
  connectionsFor(referenceId: string): Promise<TerraConnectionRow[]>;
  /** Connections whose status is `active`, by `id`. */
  activeConnections(options?: ConnectionListOptions): Promise<TerraConnectionRow[]>;
  /** Connections whose status is `needs_reconnect` (ask these people to connect again), by `id`. */
  needingReconnect(options?: ConnectionListOptions): Promise<TerraConnectionRow[]>;
  /**
   * How far the large request with this `terra-reference` has arrived, or `undefined` if nothing
   * about it was received. A chunk reference (`{reference}:chunk:{n}`) reads its request.
   */
  largeRequest(reference: string): Promise<LargeRequestRow | undefined>;
  /**
   * Records that an API request with this `terra-reference` sends its data to the webhook, so that
   * {@link ConnectionStore.largeRequest} tells when all of it has arrived, whichever receiver gets it.
   * `terra.backfill` calls it for each request it makes. Safe to call before, during or after the
   * deliveries arrive, from any process.
   *
   * `expected` is the number of payloads to wait for when Terra announces none: `1` for a request
   * that is not large (Terra sends it in one delivery). Leave it out for a large request: its
   * `large_request_sending` says how many. An announcement always wins over this number.
   */
  expectRequest(
    reference: string,
    options?: {
      /** The payloads to wait for when Terra announces none (a whole number, 0 or more). */
      expected?: number | undefined;
      /** The Terra user id of the connection the request is for. */
      terraUserId?: string | undefined;
    },
  ): Promise<LargeRequestRow>;
  /**
   * Deletes delivery records and large requests older than `olderThanMs` (default: the store's
   * `retentionMs`). A delivery whose record was deleted would be applied again if Terra sent it again.
   */
  prune(options?: {
    /** Age in milliseconds above which records are deleted. */
    olderThanMs?: number | undefined;
  }): Promise<PruneResult>;
  /**
   * The queue of recorded deliveries that `createWebhookHandler({ store, durable: true })` works.
   * Used by the handler; call {@link ConnectionStore.deliveries}, {@link ConnectionStore.replay} and
   * {@link ConnectionStore.recover} rather than this.
   */
  readonly deliveryQueue: DeliveryQueue;
  /** Recorded deliveries, newest first (default the last 100): status, attempts, last error. Never bodies. */
  deliveries(options?: DeliveryListOptions): Promise<DeliveryRow[]>;
  /** One recorded delivery, or `undefined`. */
  delivery(traceId: string): Promise<DeliveryRow | undefined>;
  /**
   * Queues one durable delivery again, whatever its status: a durable handler's workers run its
   * listeners again; its store effect stays applied once. Rejects with a `TerraInvalidArgumentError`
   * when no such delivery is recorded or its body is no longer kept.
   */
  replay(traceId: string): Promise<void>;
  /** Queues again every durable delivery that matches (default: `failed` and `dead`); resolves to how many. */
  recover(options?: RecoverOptions): Promise<number>;
  /**
   * The hours, within the last `hours` (default 24), in which Terra's hourly `healthcheck` said it
   * sent more deliveries than were recorded (durable handler only).
   */
  deliveryHealth(options?: { hours?: number | undefined }): Promise<DeliveryHealthGap[]>;
  /**
   * Compares the connections table with Terra's users (`terra.iterateUsers()`, every page of
   * `/subscriptions`): `missing` (Terra has it, the table does not: a missed `auth`), `zombies`
   * (active here, unknown or inactive at Terra: a missed `deauth`), `mismatched` (provider or
   * reference id differ). With `fix: true` each is repaired, idempotently: a second run reports
   * nothing and changes nothing. `perPage` is the page size asked of `/subscriptions` (Terra's
   * default when absent).
   */
  reconcile(
    terra: ReconcileSource,
    options?: { fix?: boolean | undefined; perPage?: number | undefined },
  ): Promise<ReconcileReport>;
  /**
   * The durable cursor of the streaming consumer called `name` (a row of `terra_stream_cursors`),
   * to pass as `terra.streaming.connect({ cursorStore })`: a consumer restarted after a crash resumes
   * after the last item it finished. `set` never moves the cursor backwards.
   *
   * @example
   * ```ts
   * for await (const item of terra.streaming.connect({ cursorStore: store.streamCursor('main') })) {
   *   await handle(item);
   * }
   * ```
   * @throws {@link TerraInvalidArgumentError} for a name that is not a non-empty string of at most 255 characters.
   */
  streamCursor(name: string): StoreStreamCursor;
}

/** A stream cursor kept in the store: a `cursorStore` for `terra.streaming.connect()`. */
export interface StoreStreamCursor {
  /** The saved `seq` (decimal digits, exact past 2^53), or `undefined` when none is saved yet. */
  get(): Promise<string | undefined>;
  /** Saves `seq` unless the saved one is higher. */
  set(seq: string): Promise<void>;
}
