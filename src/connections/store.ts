import { TerraConfigurationError, TerraError, TerraInvalidArgumentError } from '../errors.js';
import { DAY_MS } from '../internal/dates.js';
import { describeKind } from '../internal/describe.js';
import { applyScopeChanges } from '../models/scopes.js';
import type { TerraWebhookEvent } from '../webhooks/events.js';
import { type ConnectionStoreDatabase, createRunner, type DatabaseKind, type Runner, withRetry } from './database.js';
import { type ConnectionStoreOperation, toStoreError } from './errors.js';
import {
  baseReference,
  type CheckedDelivery,
  type ConnectionStatus,
  type ConnectionWrite,
  checkDelivery,
  type LargeRequestWrite,
  type Plan,
  planEvent,
} from './plan.js';
import {
  CONNECTION_COLUMNS,
  LARGE_REQUEST_COLUMNS,
  type LargeRequestRow,
  type TerraConnectionRow,
  textArray,
  toConnectionRow,
  toLargeRequestRow,
} from './rows.js';
import { CREATE_MIGRATIONS_TABLE, MIGRATION_LOCK_KEY, MIGRATIONS, SCHEMA_VERSION } from './schema.js';

/** Options of {@link createConnectionStore}. */
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
 */
export type ApplyStatus = 'applied' | 'applied_before' | 'handled_before';

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
 * Made by {@link createConnectionStore}. Every method returns a promise that rejects (never throws)
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
}

const DEFAULT_RETENTION_MS = 7 * DAY_MS;
const PRUNE_EVERY = 1000;
const PRUNE_BATCH = 1000;
const MAX_LIST = 10_000;

type Query = (text: string, params?: unknown[]) => Promise<unknown[]>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Collects statement parameters, giving each value its placeholder (`$1::type`). */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/** Newer-or-equal test of a stored time column against the proposed one. */
const newer = (column: string) =>
  `EXCLUDED.${column} IS NOT NULL AND (c.${column} IS NULL OR EXCLUDED.${column} >= c.${column})`;

/**
 * The upsert of one connection. `source` is `VALUES` or a `SELECT ... WHERE` (to make it depend on
 * the delivery being new). Rules: provider and reference_id follow the newest event naming them;
 * connected_at and last_sync only move forwards; status, disconnected_at, replaced_by and last_error
 * are the state of the newest lifecycle event (an equal timestamp overwrites).
 */
function upsertConnection(params: Params, write: ConnectionWrite, condition?: string): string {
  const life = write.lifecycle;
  const id = params.add(write.terraUserId, 'varchar');
  const provider = params.add(write.provider, 'varchar');
  const reference = params.add(write.referenceId, 'varchar');
  // Allocated on first use: a parameter no expression mentions has no type PostgreSQL can infer.
  let atParam: string | undefined;
  const at = () => {
    atParam ??= params.add(iso(write.at), 'timestamptz');
    return atParam;
  };
  const values = [
    id,
    provider,
    write.provider === null ? 'NULL::timestamptz' : at(),
    reference,
    write.referenceId === null ? 'NULL::timestamptz' : at(),
    params.add(iso(write.connectedAt), 'timestamptz'),
    params.add(iso(write.lastSync), 'timestamptz'),
    params.add(life?.status ?? 'active', 'varchar'),
    params.add(iso(life?.disconnectedAt ?? null), 'timestamptz'),
    params.add(life?.replacedBy ?? null, 'varchar'),
    params.add(life?.lastError ?? null, 'text'),
    life === null ? 'NULL::timestamptz' : at(),
    'now()',
  ].join(', ');
  const gated = (column: string) =>
    `${column} = CASE WHEN ${newer('last_event_at')} THEN EXCLUDED.${column} ELSE c.${column} END`;
  // Only the columns this write can change: a shorter statement plans faster.
  const set = [
    `provider = CASE WHEN ${newer('provider_at')} THEN EXCLUDED.provider ELSE c.provider END`,
    `provider_at = CASE WHEN ${newer('provider_at')} THEN EXCLUDED.provider_at ELSE c.provider_at END`,
    `reference_id = CASE WHEN ${newer('reference_id_at')} THEN EXCLUDED.reference_id ELSE c.reference_id END`,
    `reference_id_at = CASE WHEN ${newer('reference_id_at')} THEN EXCLUDED.reference_id_at ELSE c.reference_id_at END`,
    ...(write.connectedAt === null ? [] : ['connected_at = GREATEST(c.connected_at, EXCLUDED.connected_at)']),
    ...(write.lastSync === null ? [] : ['last_sync = GREATEST(c.last_sync, EXCLUDED.last_sync)']),
    ...(life === null ? [] : ['status', 'disconnected_at', 'replaced_by', 'last_error', 'last_event_at'].map(gated)),
    'updated_at = now()',
  ];
  return `INSERT INTO terra_connections AS c
  (terra_user_id, provider, provider_at, reference_id, reference_id_at, connected_at, last_sync,
   status, disconnected_at, replaced_by, last_error, last_event_at, updated_at)
${condition === undefined ? `VALUES (${values})` : `SELECT ${values} WHERE ${condition}`}
ON CONFLICT (terra_user_id) DO UPDATE SET
  ${set.join(',\n  ')}`;
}

/** The write of a large request: an announcement, a payload, or a processing notice. */
function upsertLargeRequest(params: Params, write: LargeRequestWrite, condition?: string): string {
  const reference = params.add(write.reference, 'varchar');
  const user = params.add(write.terraUserId, 'varchar');
  const where = condition === undefined ? '' : ` WHERE ${condition}`;
  const done = (expected: string, received: string) =>
    `CASE WHEN r.completed_at IS NOT NULL THEN r.completed_at WHEN ${expected} IS NOT NULL AND ${received} >= ${expected} THEN now() END`;
  switch (write.kind) {
    case 'announce': {
      const expected = params.add(write.expected, 'integer');
      return `INSERT INTO terra_large_requests AS r (reference, terra_user_id, expected, announced_at, completed_at)
SELECT ${reference}, ${user}, ${expected}, now(), CASE WHEN ${expected} = 0 THEN now() END${where}
ON CONFLICT (reference) DO UPDATE SET
  terra_user_id = COALESCE(EXCLUDED.terra_user_id, r.terra_user_id),
  expected = COALESCE(EXCLUDED.expected, r.expected),
  announced_at = COALESCE(r.announced_at, EXCLUDED.announced_at),
  completed_at = ${done('COALESCE(EXCLUDED.expected, r.expected)', 'r.received')},
  updated_at = now()
RETURNING reference, expected, received`;
    }
    case 'payload':
      return `INSERT INTO terra_large_requests AS r (reference, terra_user_id, received, last_payload_at)
SELECT ${reference}, ${user}, 1, now()${where}
ON CONFLICT (reference) DO UPDATE SET
  terra_user_id = COALESCE(r.terra_user_id, EXCLUDED.terra_user_id),
  received = r.received + 1,
  last_payload_at = now(),
  completed_at = ${done('r.expected', 'r.received + 1')},
  updated_at = now()
RETURNING reference, expected, received`;
    case 'processing':
      return `INSERT INTO terra_large_requests AS r (reference, terra_user_id)
SELECT ${reference}, ${user}${where}
ON CONFLICT (reference) DO UPDATE SET
  terra_user_id = COALESCE(r.terra_user_id, EXCLUDED.terra_user_id),
  updated_at = now()
RETURNING reference, expected, received`;
  }
}

/** The insert that records a delivery; returns a row only when the trace id is new. */
function insertDelivery(params: Params, plan: Plan, delivery: CheckedDelivery): string {
  return `INSERT INTO terra_deliveries (trace_id, event_type, terra_user_id, reference, ordering_timestamp)
VALUES (${params.add(delivery.traceId, 'text')}, ${params.add(plan.eventType, 'varchar')}, ${params.add(plan.terraUserId, 'varchar')},
  ${params.add(delivery.reference, 'text')}, ${params.add(iso(delivery.orderingTimestamp), 'timestamptz')})
ON CONFLICT (trace_id) DO NOTHING RETURNING trace_id`;
}

/**
 * The whole of a simple delivery (at most one connection, no scope change) as one statement: the
 * delivery's record, and only if it is new, its writes. One round trip, atomic without BEGIN.
 */
function oneStatement(plan: Plan, delivery: CheckedDelivery): { text: string; values: unknown[] } {
  const params = new Params();
  const parts = [
    delivery.traceId === null ? 'd AS (SELECT 1 AS trace_id)' : `d AS (${insertDelivery(params, plan, delivery)})`,
  ];
  const fresh = 'EXISTS (SELECT 1 FROM d)';
  const write = plan.writes[0];
  if (write !== undefined) parts.push(`c AS (${upsertConnection(params, write, fresh)} RETURNING 1)`);
  if (plan.largeRequest !== null) parts.push(`l AS (${upsertLargeRequest(params, plan.largeRequest, fresh)})`);
  const select =
    plan.largeRequest === null
      ? 'SELECT (SELECT count(*) FROM d)::int AS fresh'
      : 'SELECT (SELECT count(*) FROM d)::int AS fresh, l.reference, l.expected, l.received FROM (SELECT 1) AS one LEFT JOIN l ON true';
  return { text: `WITH ${parts.join(',\n')}\n${select}`, values: params.values };
}

/** Records the scope fact of `write` and recomputes the connection's `scopes` from all of them. */
async function writeScopes(q: Query, write: ConnectionWrite): Promise<void> {
  const scopes = write.scopes;
  if (scopes === null) return;
  const full = 'full' in scopes;
  await q(
    'INSERT INTO terra_scope_changes (terra_user_id, changed_at, scopes, scopes_added, scopes_removed) VALUES ($1::varchar, $2::timestamptz, $3::text[], $4::text[], $5::text[])',
    full
      ? [write.terraUserId, iso(write.at), scopes.full, null, null]
      : [write.terraUserId, iso(write.at), null, scopes.added, scopes.removed],
  );
  // The newest full list, then every delta from its time on, oldest first (a full list first on a tie).
  const facts = (await q(
    `SELECT changed_at, scopes, scopes_added, scopes_removed FROM terra_scope_changes
     WHERE terra_user_id = $1::varchar AND changed_at >= COALESCE(
       (SELECT max(changed_at) FROM terra_scope_changes WHERE terra_user_id = $1::varchar AND scopes IS NOT NULL),
       '-infinity'::timestamptz)
     ORDER BY changed_at, (scopes IS NULL), id`,
    [write.terraUserId],
  )) as { changed_at: unknown; scopes: unknown; scopes_added: unknown; scopes_removed: unknown }[];
  let current: string[] = [];
  for (const fact of facts) {
    if (fact.scopes !== null && fact.scopes !== undefined) current = asArray(fact.scopes);
    else
      current = applyScopeChanges(current, {
        scopes_added: asArray(fact.scopes_added).join(','),
        scopes_removed: asArray(fact.scopes_removed).join(','),
      });
  }
  await q('UPDATE terra_connections SET scopes = $2::text[] WHERE terra_user_id = $1::varchar', [
    write.terraUserId,
    current,
  ]);
  if (full) {
    // Facts older than the newest full list can never matter again.
    await q(
      `DELETE FROM terra_scope_changes WHERE terra_user_id = $1::varchar AND changed_at <
        (SELECT max(changed_at) FROM terra_scope_changes WHERE terra_user_id = $1::varchar AND scopes IS NOT NULL)`,
      [write.terraUserId],
    );
  }
}

function asArray(value: unknown): string[] {
  return textArray(value) ?? [];
}

function progress(row: unknown): LargeRequestProgress | undefined {
  if (row === undefined) return undefined;
  const r = toLargeRequestRow(row);
  return { reference: r.reference, expected: r.expected, received: r.received, complete: r.complete };
}

function checkId(value: unknown, name: string, max = 255): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max)
    throw new TerraInvalidArgumentError(
      name,
      `${name} must be a non-empty string of at most ${max} characters; got ${
        typeof value === 'string' ? `a string of ${value.length} characters` : describeKind(value)
      }.`,
    );
  return value.trim();
}

function checkListOptions(options: unknown): { provider: string | null; limit: number | null; afterId: number } {
  if (options === undefined) return { provider: null, limit: null, afterId: 0 };
  if (typeof options !== 'object' || options === null)
    throw new TerraInvalidArgumentError('options', `options must be an object; got ${describeKind(options)}.`);
  const { provider, limit, afterId } = options as ConnectionListOptions;
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_LIST))
    throw new TerraInvalidArgumentError(
      'limit',
      `limit must be an integer from 1 to ${MAX_LIST}; got ${String(limit)}.`,
    );
  if (afterId !== undefined && (!Number.isSafeInteger(afterId) || afterId < 0))
    throw new TerraInvalidArgumentError(
      'afterId',
      `afterId must be a row id (an integer, 0 or more); got ${String(afterId)}.`,
    );
  return {
    provider: provider === undefined ? null : checkId(provider, 'provider', 50),
    limit: limit ?? null,
    afterId: afterId ?? 0,
  };
}

function checkRetention(value: unknown, name: string, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum)
    throw new TerraInvalidArgumentError(
      name,
      `${name} must be a number of milliseconds, at least ${minimum}${minimum === DAY_MS ? ' (one day: Terra retries a delivery for about that long)' : ''}; got ${
        typeof value === 'number' ? String(value) : describeKind(value)
      }.`,
    );
  return value;
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
  if (typeof options !== 'object' || options === null)
    throw new TerraConfigurationError(
      'options',
      `createConnectionStore takes { db }, where db is a pg Pool, a pg Client or a PGlite instance; got ${describeKind(options)}.`,
    );
  let retentionMs: number;
  try {
    retentionMs = checkRetention(options.retentionMs, 'retentionMs', DAY_MS) ?? DEFAULT_RETENTION_MS;
  } catch (error) {
    throw new TerraConfigurationError('retentionMs', (error as Error).message);
  }
  if (options.autoPrune !== undefined && typeof options.autoPrune !== 'boolean')
    throw new TerraConfigurationError(
      'autoPrune',
      `autoPrune must be true or false; got ${describeKind(options.autoPrune)}.`,
    );
  const runner: Runner = createRunner(options.db);
  const autoPrune = options.autoPrune ?? true;
  let appliedSincePrune = 0;

  /** Runs `body`, turning any failure into a typed rejection. */
  async function guard<T>(operation: ConnectionStoreOperation, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw error instanceof TerraError ? error : toStoreError(operation, error);
    }
  }

  async function pruneBatch(olderThanMs: number, batch: number): Promise<PruneResult> {
    const before = new Date(Date.now() - olderThanMs).toISOString();
    const deliveries = await runner.query(
      `DELETE FROM terra_deliveries WHERE trace_id IN
        (SELECT trace_id FROM terra_deliveries WHERE received_at < $1::timestamptz ORDER BY received_at LIMIT $2::integer)
       RETURNING 1`,
      [before, batch],
    );
    const largeRequests = await runner.query(
      `DELETE FROM terra_large_requests WHERE reference IN
        (SELECT reference FROM terra_large_requests WHERE updated_at < $1::timestamptz ORDER BY updated_at LIMIT $2::integer)
       RETURNING 1`,
      [before, batch],
    );
    return { deliveries: deliveries.length, largeRequests: largeRequests.length };
  }

  async function list(status: ConnectionStatus, options: unknown): Promise<TerraConnectionRow[]> {
    const { provider, limit, afterId } = checkListOptions(options);
    const rows = await runner.query(
      `SELECT ${CONNECTION_COLUMNS} FROM terra_connections
       WHERE status = $1::varchar AND ($2::varchar IS NULL OR upper(provider) = upper($2::varchar)) AND id > $3::integer
       ORDER BY id LIMIT $4::integer`,
      [status, provider, afterId, limit],
    );
    return rows.map(toConnectionRow);
  }

  return {
    kind: runner.kind,

    migrate: () =>
      guard('migrate', () =>
        runner.transaction(async (q) => {
          await q(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
          await q(CREATE_MIGRATIONS_TABLE);
          const [row] = (await q('SELECT COALESCE(max(version), 0) AS version FROM terra_migrations')) as {
            version: unknown;
          }[];
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
            await q('INSERT INTO terra_migrations (version, description) VALUES ($1::integer, $2::text)', [
              migration.version,
              migration.description,
            ]);
            applied.push(migration.version);
          }
          return { from, to: Math.max(from, SCHEMA_VERSION), applied };
        }),
      ),

    apply: (event, delivery) =>
      guard('apply', async () => {
        const checked = checkDelivery(delivery);
        const plan = planEvent(event, checked, Date.now());
        const traceId = checked.traceId;
        const applied = (largeRequest: LargeRequestProgress | undefined): ApplyResult => ({
          status: 'applied',
          runListeners: true,
          deduplicated: traceId !== null,
          traceId: traceId ?? undefined,
          connections: plan.writes.map((w) => w.terraUserId),
          largeRequest,
        });
        const repeated = async (q: Query): Promise<ApplyResult> => {
          const [seen] = (await q('SELECT handled_at FROM terra_deliveries WHERE trace_id = $1::text', [traceId])) as {
            handled_at: unknown;
          }[];
          const handled = seen !== undefined && seen.handled_at !== null && seen.handled_at !== undefined;
          return {
            status: handled ? 'handled_before' : 'applied_before',
            runListeners: !handled,
            deduplicated: true,
            traceId: traceId ?? undefined,
            connections: [],
            largeRequest: undefined,
          };
        };
        let result: ApplyResult;
        if (plan.writes.length <= 1 && plan.writes.every((w) => w.scopes === null)) {
          const { text, values } = oneStatement(plan, checked);
          const [row] = (await withRetry(() => runner.query(text, values))) as ({ fresh: number } & Record<
            string,
            unknown
          >)[];
          result =
            row !== undefined && Number(row.fresh) > 0
              ? applied(row.reference === undefined || row.reference === null ? undefined : progress(row))
              : await repeated(runner.query);
        } else {
          result = await runner.transaction(async (q): Promise<ApplyResult> => {
            if (traceId !== null) {
              const params = new Params();
              if ((await q(insertDelivery(params, plan, checked), params.values)).length === 0) return repeated(q);
            }
            for (const write of plan.writes) {
              const params = new Params();
              await q(upsertConnection(params, write), params.values);
              await writeScopes(q, write);
            }
            let largeRequest: LargeRequestProgress | undefined;
            if (plan.largeRequest !== null) {
              const params = new Params();
              const [row] = await q(upsertLargeRequest(params, plan.largeRequest), params.values);
              largeRequest = progress(row);
            }
            return applied(largeRequest);
          });
        }
        if (autoPrune && result.status === 'applied' && ++appliedSincePrune >= PRUNE_EVERY) {
          appliedSincePrune = 0;
          // Housekeeping only: a failure here does not fail the delivery, and the next round retries.
          await pruneBatch(retentionMs, PRUNE_BATCH).catch(() => undefined);
        }
        return result;
      }),

    markHandled: (traceId) =>
      guard('markHandled', async () => {
        const id = checkId(traceId, 'traceId', 1024);
        const rows = await runner.query(
          'UPDATE terra_deliveries SET handled_at = COALESCE(handled_at, now()) WHERE trace_id = $1::text RETURNING 1',
          [id],
        );
        return rows.length > 0;
      }),

    getConnection: (terraUserId) =>
      guard('getConnection', async () => {
        const id = checkId(terraUserId, 'terraUserId');
        const [row] = await runner.query(
          `SELECT ${CONNECTION_COLUMNS} FROM terra_connections WHERE terra_user_id = $1::varchar`,
          [id],
        );
        return row === undefined ? undefined : toConnectionRow(row);
      }),

    connectionsFor: (referenceId) =>
      guard('connectionsFor', async () => {
        const id = checkId(referenceId, 'referenceId');
        const rows = await runner.query(
          `SELECT ${CONNECTION_COLUMNS} FROM terra_connections WHERE reference_id = $1::varchar ORDER BY id`,
          [id],
        );
        return rows.map(toConnectionRow);
      }),

    activeConnections: (options) => guard('activeConnections', () => list('active', options)),

    needingReconnect: (options) => guard('needingReconnect', () => list('needs_reconnect', options)),

    largeRequest: (reference) =>
      guard('largeRequest', async () => {
        const id = baseReference(checkId(reference, 'reference', 1024));
        const [row] = await runner.query(
          `SELECT ${LARGE_REQUEST_COLUMNS} FROM terra_large_requests WHERE reference = $1::varchar`,
          [id.slice(0, 255)],
        );
        return row === undefined ? undefined : toLargeRequestRow(row);
      }),

    expectRequest: (reference, expectOptions) =>
      guard('expectRequest', async () => {
        const id = baseReference(checkId(reference, 'reference', 255));
        if (expectOptions !== undefined && (typeof expectOptions !== 'object' || expectOptions === null))
          throw new TerraInvalidArgumentError(
            'options',
            `options must be an object { expected?, terraUserId? }; got ${describeKind(expectOptions)}.`,
          );
        const expected = expectOptions?.expected;
        if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 0 || expected > 1_000_000))
          throw new TerraInvalidArgumentError(
            'expected',
            `expected must be a whole number of payloads from 0 to 1000000, or left out; got ${
              typeof expected === 'number' ? String(expected) : describeKind(expected)
            }.`,
          );
        const user =
          expectOptions?.terraUserId === undefined ? null : checkId(expectOptions.terraUserId, 'terraUserId');
        // An announcement (announced_at) fixes `expected`; before it, the caller's number stands.
        const wanted =
          'CASE WHEN r.announced_at IS NOT NULL THEN r.expected ELSE COALESCE(EXCLUDED.expected, r.expected) END';
        const [row] = await withRetry(() =>
          runner.query(
            `INSERT INTO terra_large_requests AS r (reference, terra_user_id, expected, completed_at)
VALUES ($1::varchar, $2::varchar, $3::integer, CASE WHEN $3::integer = 0 THEN now() END)
ON CONFLICT (reference) DO UPDATE SET
  terra_user_id = COALESCE(r.terra_user_id, EXCLUDED.terra_user_id),
  expected = ${wanted},
  completed_at = CASE WHEN r.completed_at IS NOT NULL THEN r.completed_at
    WHEN ${wanted} IS NOT NULL AND r.received >= ${wanted} THEN now() END,
  updated_at = now()
RETURNING ${LARGE_REQUEST_COLUMNS}`,
            [id, user, expected ?? null],
          ),
        );
        return toLargeRequestRow(row);
      }),

    prune: (pruneOptions) =>
      guard('prune', async () => {
        if (pruneOptions !== undefined && (typeof pruneOptions !== 'object' || pruneOptions === null))
          throw new TerraInvalidArgumentError(
            'options',
            `options must be an object; got ${describeKind(pruneOptions)}.`,
          );
        const olderThanMs = checkRetention(pruneOptions?.olderThanMs, 'olderThanMs', 0) ?? retentionMs;
        const total: PruneResult = { deliveries: 0, largeRequests: 0 };
        for (;;) {
          const batch = await pruneBatch(olderThanMs, PRUNE_BATCH);
          total.deliveries += batch.deliveries;
          total.largeRequests += batch.largeRequests;
          if (batch.deliveries < PRUNE_BATCH && batch.largeRequests < PRUNE_BATCH) return total;
        }
      }),
  };
}
