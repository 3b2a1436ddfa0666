/**
 * Every SQL statement the store runs, named: a constant per fixed statement, a builder per statement
 * whose shape depends on the event (which columns one write touches). Nothing else in the store
 * writes SQL, except the tables themselves in `migrations.ts` and the order guard's comparisons in
 * `order-guard.ts`, which the connection upsert takes as its `SET` list.
 * @internal
 */
import type { CheckedDelivery, ConnectionWrite, LargeRequestWrite, Plan } from './effects.js';
import { connectionUpdates } from './order-guard.js';
import { CONNECTION_COLUMNS, LARGE_REQUEST_COLUMNS } from './rows.js';

/** Unix milliseconds as an ISO string for a `timestamptz` parameter. */
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Collects statement parameters, giving each value its placeholder (`$1::type`). */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

// ------------------------------------------------------------------------------------------------
// Transactions (on a `pg` client; PGlite runs its own)

export const BEGIN = 'BEGIN';
export const COMMIT = 'COMMIT';
export const ROLLBACK = 'ROLLBACK';

// ------------------------------------------------------------------------------------------------
// Migrations

/**
 * Key of the advisory lock `migrate()` holds (bytes of "terra" read as a number), so that several
 * receivers starting at once migrate one after the other.
 */
export const MIGRATION_LOCK_KEY = 500152652385;

/** Held until the migrating transaction ends. */
export const LOCK_MIGRATIONS = `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;

/** The table of applied versions (not itself a migration). */
export const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS terra_migrations (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)`;

/** The newest version applied (0: none). */
export const SELECT_SCHEMA_VERSION = 'SELECT COALESCE(max(version), 0) AS version FROM terra_migrations';

/** $1 version, $2 description. */
export const INSERT_MIGRATION = 'INSERT INTO terra_migrations (version, description) VALUES ($1::integer, $2::text)';

// ------------------------------------------------------------------------------------------------
// Deliveries

/** The insert that records a delivery; returns a row only when the trace id is new. */
export function insertDelivery(params: Params, plan: Plan, delivery: CheckedDelivery): string {
  return `INSERT INTO terra_deliveries (trace_id, event_type, terra_user_id, reference, ordering_timestamp)
VALUES (${params.add(delivery.traceId, 'text')}, ${params.add(plan.eventType, 'varchar')}, ${params.add(plan.terraUserId, 'varchar')},
  ${params.add(delivery.reference, 'text')}, ${params.add(iso(delivery.orderingTimestamp), 'timestamptz')})
ON CONFLICT (trace_id) DO NOTHING RETURNING trace_id`;
}

/** $1 trace id: whether a recorded delivery's listeners completed. */
export const SELECT_DELIVERY_HANDLED = 'SELECT handled_at FROM terra_deliveries WHERE trace_id = $1::text';

/** $1 trace id; the first completion's time stands. */
export const MARK_HANDLED =
  'UPDATE terra_deliveries SET handled_at = COALESCE(handled_at, now()) WHERE trace_id = $1::text RETURNING 1';

// ------------------------------------------------------------------------------------------------
// Connections

/**
 * The upsert of one connection: `VALUES`, or with `condition` a `SELECT ... WHERE` (to make it
 * depend on the delivery being new). What an existing row keeps is the order guard's `SET` list.
 */
export function upsertConnection(params: Params, write: ConnectionWrite, condition?: string): string {
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
  return `INSERT INTO terra_connections AS c
  (terra_user_id, provider, provider_at, reference_id, reference_id_at, connected_at, last_sync,
   status, disconnected_at, replaced_by, last_error, last_event_at, updated_at)
${condition === undefined ? `VALUES (${values})` : `SELECT ${values} WHERE ${condition}`}
ON CONFLICT (terra_user_id) DO UPDATE SET
  ${connectionUpdates(write).join(',\n  ')}`;
}

/** $1 terra user id, $2 time, $3 full list or $4 added and $5 removed: one scope fact. */
export const INSERT_SCOPE_CHANGE =
  'INSERT INTO terra_scope_changes (terra_user_id, changed_at, scopes, scopes_added, scopes_removed) VALUES ($1::varchar, $2::timestamptz, $3::text[], $4::text[], $5::text[])';

/**
 * $1 terra user id: the newest full list, then every delta from its time on, oldest first (a full
 * list first on a tie): the order `foldScopes` in `order-guard.ts` replays them in.
 */
export const SELECT_SCOPE_FACTS = `SELECT changed_at, scopes, scopes_added, scopes_removed FROM terra_scope_changes
WHERE terra_user_id = $1::varchar AND changed_at >= COALESCE(
  (SELECT max(changed_at) FROM terra_scope_changes WHERE terra_user_id = $1::varchar AND scopes IS NOT NULL),
  '-infinity'::timestamptz)
ORDER BY changed_at, (scopes IS NULL), id`;

/** $1 terra user id, $2 the scopes. */
export const UPDATE_SCOPES = 'UPDATE terra_connections SET scopes = $2::text[] WHERE terra_user_id = $1::varchar';

/** $1 terra user id: facts older than the newest full list, which can never matter again. */
export const DELETE_SUPERSEDED_SCOPES = `DELETE FROM terra_scope_changes WHERE terra_user_id = $1::varchar AND changed_at <
  (SELECT max(changed_at) FROM terra_scope_changes WHERE terra_user_id = $1::varchar AND scopes IS NOT NULL)`;

/**
 * The whole of a simple delivery (at most one connection, no scope change) as one statement: the
 * delivery's record, and only if it is new, its writes. One round trip, atomic without BEGIN.
 */
export function applyInOneStatement(plan: Plan, delivery: CheckedDelivery): { text: string; values: unknown[] } {
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

// ------------------------------------------------------------------------------------------------
// Large requests

/** The write of a large request: an announcement, a payload, or a processing notice. */
export function upsertLargeRequest(params: Params, write: LargeRequestWrite, condition?: string): string {
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

// An announcement (announced_at) fixes `expected`; before it, the caller's number stands.
const WANTED = 'CASE WHEN r.announced_at IS NOT NULL THEN r.expected ELSE COALESCE(EXCLUDED.expected, r.expected) END';

/** $1 reference, $2 terra user id, $3 payloads expected (or null): `expectRequest`. */
export const EXPECT_REQUEST = `INSERT INTO terra_large_requests AS r (reference, terra_user_id, expected, completed_at)
VALUES ($1::varchar, $2::varchar, $3::integer, CASE WHEN $3::integer = 0 THEN now() END)
ON CONFLICT (reference) DO UPDATE SET
  terra_user_id = COALESCE(r.terra_user_id, EXCLUDED.terra_user_id),
  expected = ${WANTED},
  completed_at = CASE WHEN r.completed_at IS NOT NULL THEN r.completed_at
    WHEN ${WANTED} IS NOT NULL AND r.received >= ${WANTED} THEN now() END,
  updated_at = now()
RETURNING ${LARGE_REQUEST_COLUMNS}`;

// ------------------------------------------------------------------------------------------------
// Reads

/** $1 terra user id. */
export const SELECT_CONNECTION = `SELECT ${CONNECTION_COLUMNS} FROM terra_connections WHERE terra_user_id = $1::varchar`;

/** $1 reference id: one person's connections, in the order first seen. */
export const SELECT_CONNECTIONS_FOR = `SELECT ${CONNECTION_COLUMNS} FROM terra_connections WHERE reference_id = $1::varchar ORDER BY id`;

/** $1 status, $2 provider or null, $3 after this id, $4 limit or null (all). */
export const SELECT_CONNECTIONS_BY_STATUS = `SELECT ${CONNECTION_COLUMNS} FROM terra_connections
WHERE status = $1::varchar AND ($2::varchar IS NULL OR upper(provider) = upper($2::varchar)) AND id > $3::integer
ORDER BY id LIMIT $4::integer`;

/** $1 reference. */
export const SELECT_LARGE_REQUEST = `SELECT ${LARGE_REQUEST_COLUMNS} FROM terra_large_requests WHERE reference = $1::varchar`;

// ------------------------------------------------------------------------------------------------
// Pruning

/** $1 cut-off time, $2 batch size. */
export const PRUNE_DELIVERIES = `DELETE FROM terra_deliveries WHERE trace_id IN
  (SELECT trace_id FROM terra_deliveries WHERE received_at < $1::timestamptz ORDER BY received_at LIMIT $2::integer)
RETURNING 1`;

/** $1 cut-off time, $2 batch size. */
export const PRUNE_LARGE_REQUESTS = `DELETE FROM terra_large_requests WHERE reference IN
  (SELECT reference FROM terra_large_requests WHERE updated_at < $1::timestamptz ORDER BY updated_at LIMIT $2::integer)
RETURNING 1`;

// ------------------------------------------------------------------------------------------------
// Stream cursors (a streaming consumer's last seq, by consumer name)

/** $1 consumer name: its cursor as decimal digits, exact past 2^53. */
export const SELECT_STREAM_CURSOR = 'SELECT seq::text AS seq FROM terra_stream_cursors WHERE name = $1::text';

/**
 * $1 consumer name, $2 seq (decimal digits): saves the cursor, never moving it backwards (a late or
 * concurrent save of an older seq keeps the newer one).
 */
export const UPSERT_STREAM_CURSOR = `INSERT INTO terra_stream_cursors AS c (name, seq, updated_at)
VALUES ($1::text, $2::numeric, now())
ON CONFLICT (name) DO UPDATE SET seq = GREATEST(c.seq, EXCLUDED.seq), updated_at = now()`;
