/**
 * Every SQL statement the store runs, named: a constant per fixed statement, a builder per statement
 * whose shape depends on the event (which columns one write touches). Nothing else in the store
 * writes SQL, except the tables themselves in `migrations.ts`, the order guard's comparisons in
 * `order-guard.ts`, which the connection upsert takes as its `SET` list, and the scope facts' parts
 * of it in `scopes.ts`.
 * @internal
 */
import type { CheckedDelivery, ConnectionWrite, LargeRequestWrite, Plan } from './effects.js';
import { CONNECTION_UPDATES, CONNECTION_UPDATES_WITHOUT_LIFECYCLE, LIFECYCLE_COLUMNS } from './order-guard.js';
import { iso, Params, ValuesOnly } from './params.js';
import { CONNECTION_COLUMNS, LARGE_REQUEST_COLUMNS } from './rows.js';
import {
  INSERTED_SCOPE_VALUES,
  insertedScopes,
  insertScopeFact,
  pruneScopeFacts,
  SCOPE_COLUMNS,
  type ScopeFact,
  scopeFact,
  updatedScopes,
} from './scopes.js';

/**
 * A further write made with a delivery's effect (the data store's records), only when the delivery
 * is new: the statement text, given the parameters and the gate (see {@link GATE}). With a `shape`,
 * see {@link Shaped}.
 */
export type ExtraWrite = ((params: Params, gate: string) => string) & Shaped;

/**
 * What each part of a delivery's one statement reads to run only when the delivery is new: the part
 * `d` that records the delivery, which returns one row then and none when it was seen before (never
 * more: it writes one row by trace id, a primary key). Each part selects its rows `FROM d`, a join that PostgreSQL runs for
 * less than a condition `EXISTS (SELECT 1 FROM d)`, which sets up a sub-plan per part: about 8% of
 * a data delivery's time on PostgreSQL.
 */
export const GATE = 'd';

/**
 * A statement part whose text depends on nothing but its `shape` and where its parameters start:
 * it adds the same parameters in the same order every time. Statements made only of such parts are
 * built once per shape (see {@link applyInOneStatement}).
 */
export interface Shaped {
  readonly shape?: string;
}

// ------------------------------------------------------------------------------------------------
// Transactions (on a `pg` client; PGlite runs its own)

export const BEGIN = 'BEGIN';
export const COMMIT = 'COMMIT';
export const ROLLBACK = 'ROLLBACK';

/**
 * BEGIN with the transaction's own `statement_timeout` and `lock_timeout`: three statements in one
 * simple query, one round trip. `ms` is a whole number the store checked, never a caller's text.
 */
export function beginWithTimeouts(ms: number): string {
  const value = String(Math.max(1, Math.trunc(ms)));
  return `BEGIN; SET LOCAL statement_timeout = ${value}; SET LOCAL lock_timeout = ${value}`;
}

/** $1 name: whether this session has a prepared statement of that name (PGlite, see `database.ts`). */
export const SELECT_PREPARED = 'SELECT 1 FROM pg_prepared_statements WHERE name = $1::text';

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

/**
 * How long a delivery's listeners count as running once they started (`locked_until`): a duplicate
 * arriving meanwhile is answered 503 rather than running them again. A failure clears it at once;
 * a process that died leaves it to run out.
 */
export const IN_PROGRESS_MS = 60_000;
const IN_PROGRESS_UNTIL = `now() + interval '${IN_PROGRESS_MS} milliseconds'`;

/** The insert that records a delivery, its listeners marked running; returns a row only when the trace id is new. */
export function insertDelivery(params: Params, plan: Plan, delivery: CheckedDelivery): string {
  const values = [
    params.add(delivery.traceId, 'text'),
    params.add(plan.eventType, 'varchar'),
    params.add(plan.terraUserId, 'varchar'),
    params.add(delivery.reference, 'text'),
    params.add(iso(delivery.orderingTimestamp), 'timestamptz'),
  ];
  if (params.valuesOnly) return '';
  return `INSERT INTO terra_deliveries (trace_id, event_type, terra_user_id, reference, ordering_timestamp, locked_until)
VALUES (${values.join(', ')}, ${IN_PROGRESS_UNTIL})
ON CONFLICT (trace_id) DO NOTHING RETURNING trace_id`;
}

/**
 * $1 trace id: a delivery seen before. Its listeners are taken over (marked running again) when
 * they neither completed nor are running; `taken` says whether they were. A durable delivery
 * (`status` set) is left to the durable workers.
 */
export const TAKE_OVER_DELIVERY = `WITH t AS (UPDATE terra_deliveries SET locked_until = ${IN_PROGRESS_UNTIL}
  WHERE trace_id = $1::text AND handled_at IS NULL AND status IS NULL AND (locked_until IS NULL OR locked_until <= now())
  RETURNING 1)
SELECT handled_at, status, (SELECT count(*) FROM t)::int AS taken FROM terra_deliveries WHERE trace_id = $1::text`;

/** $1 trace id: its listeners failed, so a retry may run them at once. */
export const MARK_FAILED =
  'UPDATE terra_deliveries SET locked_until = NULL WHERE trace_id = $1::text AND handled_at IS NULL AND status IS NULL RETURNING 1';

/** $1 trace id; the first completion's time stands. */
export const MARK_HANDLED =
  'UPDATE terra_deliveries SET handled_at = COALESCE(handled_at, now()) WHERE trace_id = $1::text RETURNING 1';

// ------------------------------------------------------------------------------------------------
// Connections

const UPDATES = CONNECTION_UPDATES.join(',\n  ');
const UPDATES_WITHOUT_LIFECYCLE = CONNECTION_UPDATES_WITHOUT_LIFECYCLE.join(',\n  ');

/**
 * The upsert of one connection: `VALUES`, or with `gate` a `SELECT ... FROM gate` (to make it
 * depend on the delivery being new, see {@link GATE}). What an existing row keeps is the order
 * guard's `SET` list; with a scope fact, the row's `scopes` follow it (see `scopes.ts`), its
 * placeholders `scopes` when the statement's other parts share them.
 */
export function upsertConnection(params: Params, write: ConnectionWrite, gate?: string, scopes?: ScopeFact): string {
  const life = write.lifecycle;
  // The same parameters for every write of a kind, NULL where it sets nothing: one text per kind,
  // with or without lifecycle state (see CONNECTION_UPDATES).
  const at = iso(write.at);
  const common = [
    params.add(write.terraUserId, 'varchar'),
    params.add(write.provider, 'varchar'),
    params.add(write.provider === null ? null : at, 'timestamptz'),
    params.add(write.referenceId, 'varchar'),
    params.add(write.referenceId === null ? null : at, 'timestamptz'),
    params.add(iso(write.connectedAt), 'timestamptz'),
    params.add(iso(write.lastSync), 'timestamptz'),
  ];
  const lifecycle =
    life === null
      ? []
      : [
          params.add(life.status, 'varchar'),
          params.add(iso(life.disconnectedAt), 'timestamptz'),
          params.add(life.replacedBy, 'varchar'),
          params.add(life.lastError, 'text'),
          params.add(at, 'timestamptz'),
        ];
  const fact = write.scopes === null ? null : (scopes ?? scopeFact(params, write));
  if (params.valuesOnly) return '';
  // A new row made by a write without lifecycle state is active; its other lifecycle columns NULL.
  const values = (life === null ? [...common, "'active'", 'now()'] : [...common, ...lifecycle, 'now()']).join(', ');
  return `INSERT INTO terra_connections AS c
  (terra_user_id, provider, provider_at, reference_id, reference_id_at, connected_at, last_sync,
   ${life === null ? 'status' : LIFECYCLE_COLUMNS.join(', ')}, updated_at${fact === null ? '' : `, ${SCOPE_COLUMNS}`})
${
  fact !== null
    ? `SELECT ${values}, ${INSERTED_SCOPE_VALUES} ${insertedScopes(fact, gate)}`
    : gate === undefined
      ? `VALUES (${values})`
      : `SELECT ${values} FROM ${gate}`
}
ON CONFLICT (terra_user_id) DO UPDATE SET
  ${life === null ? UPDATES_WITHOUT_LIFECYCLE : UPDATES}${fact === null ? '' : `,\n  ${updatedScopes(fact)}`}`;
}

/**
 * The whole of a simple delivery (at most one connection) as one statement: the delivery's record
 * (or what `record` claims it with, returning a row only the first time), and only then its writes.
 * One round trip, atomic without BEGIN. With a scope change, the upsert computes the new list and
 * the fact is written too (see `scopes.ts`).
 *
 * The text of a statement made of shaped parts is built once per shape and kept: later deliveries
 * of that shape only collect their values. The store sends one statement per delivery, and building
 * its text (and hashing it to name its prepared statement) cost as much as the rest of `apply`.
 */
export function applyInOneStatement(
  plan: Plan,
  delivery: CheckedDelivery,
  extra?: ExtraWrite,
  record?: ((params: Params) => string) & Shaped,
  countable = false,
): OneStatement {
  const counted = countable && isCounted(plan, record);
  const shape = shapeOf(plan, delivery, extra, record, counted);
  const known = shape === undefined ? undefined : shapes.get(shape);
  if (known !== undefined) {
    const params = new ValuesOnly();
    partsOf(params, plan, delivery, extra, record, counted);
    return { text: known, values: params.values, counted };
  }
  const params = new Params();
  const { parts, last } = partsOf(params, plan, delivery, extra, record, counted);
  const text = `WITH ${parts.join(',\n')}\n${last}`;
  if (shape !== undefined && shapes.size < MAX_SHAPES) shapes.set(shape, text);
  return { text, values: params.values, counted };
}

/**
 * A delivery's one statement. When `counted`, it returns no rows and the delivery was new when it
 * wrote one (run it with `runner.write`); otherwise its row says so (`fresh` > 0; no row: seen before).
 */
export interface OneStatement {
  text: string;
  values: unknown[];
  counted: boolean;
}

/**
 * Whether a delivery's statement is its connection upsert, counted rather than read, on a database
 * that reports counts (`countable`): `store.apply`'s (no `record`: a durable worker's grouped
 * statements are read row by row) without a large request. Sending back no row saves the client
 * reading one (about a tenth of a simple delivery's time).
 */
const isCounted = (plan: Plan, record: unknown): boolean =>
  record === undefined && plan.largeRequest === null && plan.writes.length === 1;

/** Statement texts by shape; a few dozen shapes exist, the bound is for safety. */
const shapes = new Map<string, string>();
const MAX_SHAPES = 64;

/**
 * What decides the text of a one-statement delivery, or `undefined` when it is not made of shaped
 * parts only (a large request, a claim or an extra write without a shape). The connection upsert
 * and the scope fact have one text each (see {@link upsertConnection}).
 */
function shapeOf(
  plan: Plan,
  delivery: CheckedDelivery,
  extra: ExtraWrite | undefined,
  record: Shaped | undefined,
  counted: boolean,
): string | undefined {
  if (plan.largeRequest !== null || plan.writes.length > 1) return undefined;
  const claim = record !== undefined ? record.shape : delivery.traceId === null ? 'none' : 'insert';
  const more = extra === undefined ? '' : extra.shape;
  if (claim === undefined || more === undefined) return undefined;
  const write = plan.writes[0];
  const connection =
    write === undefined ? '' : `c${write.scopes === null ? '' : 's'}${write.lifecycle === null ? '' : 'l'}`;
  return `${claim}|${more}|${connection}|${counted ? 'n' : 'r'}`;
}

/**
 * The `WITH` parts of {@link applyInOneStatement} and the statement after them, their parameters
 * added to `params` in order. Without a large request, the connection upsert is that statement
 * rather than a part: it writes a row only when the delivery is new (its `DO UPDATE` has no
 * condition), so its count (or `RETURNING 1 AS fresh`) says whether it was, and PostgreSQL runs it
 * faster than a `SELECT` after a part that nothing reads.
 */
function partsOf(
  params: Params,
  plan: Plan,
  delivery: CheckedDelivery,
  extra: ExtraWrite | undefined,
  record: ((params: Params) => string) | undefined,
  counted: boolean,
): { parts: string[]; last: string } {
  const claim =
    record !== undefined
      ? record(params)
      : delivery.traceId === null
        ? 'SELECT 1 AS trace_id'
        : insertDelivery(params, plan, delivery);
  const parts = [`${GATE} AS (${claim})`];
  if (extra !== undefined) parts.push(`x AS (${extra(params, GATE)})`);
  const write = plan.writes[0];
  // One set of placeholders for the scope fact: the upsert, the fact's row and the pruning share it.
  const fact = write === undefined || write.scopes === null ? undefined : scopeFact(params, write);
  const upsert = write === undefined ? undefined : upsertConnection(params, write, GATE, fact);
  if (upsert !== undefined && plan.largeRequest !== null) parts.push(`c AS (${upsert} RETURNING 1)`);
  if (fact !== undefined) {
    parts.push(`s AS (${insertScopeFact(fact, GATE)})`);
    parts.push(`p AS (${pruneScopeFacts(fact, GATE)})`);
  }
  if (plan.largeRequest !== null) {
    if (countsChunks(plan.largeRequest)) parts.push(`k AS (${insertChunk(params, plan.largeRequest, GATE)})`);
    parts.push(`l AS (${upsertLargeRequest(params, plan.largeRequest, GATE)})`);
    const last = `SELECT (SELECT count(*) FROM ${GATE})::int AS fresh, l.reference, l.expected, l.received FROM (SELECT 1) AS one LEFT JOIN l ON true`;
    return { parts, last };
  }
  const returning = counted ? '' : ' RETURNING 1 AS fresh';
  return {
    parts,
    last: upsert === undefined ? `SELECT (SELECT count(*) FROM ${GATE})::int AS fresh` : `${upsert}${returning}`,
  };
}

// ------------------------------------------------------------------------------------------------
// Large requests

/** Whether a large-request write counts a named chunk (see {@link insertChunk}). */
const countsChunks = (write: LargeRequestWrite): boolean => write.kind === 'payload' && write.chunk !== null;

/**
 * The record of one chunk of a large request, as the CTE `k` that a payload's
 * {@link upsertLargeRequest} counts: a row only when the chunk is new, so that a chunk replayed with
 * another trace id does not count twice.
 */
export function insertChunk(params: Params, write: LargeRequestWrite, gate?: string): string {
  const from = gate === undefined ? '' : ` FROM ${gate}`;
  return `INSERT INTO terra_large_request_chunks (reference, chunk)
SELECT ${params.add(write.reference, 'varchar')}, ${params.add(write.chunk, 'varchar')}${from}
ON CONFLICT (reference, chunk) DO NOTHING RETURNING 1`;
}

/** A large request's write as a statement of its own: with its chunk's record when it names one. */
export function largeRequestStatement(params: Params, write: LargeRequestWrite): string {
  if (!countsChunks(write)) return upsertLargeRequest(params, write);
  return `WITH k AS (${insertChunk(params, write)})
${upsertLargeRequest(params, write)}`;
}

/**
 * The write of a large request: an announcement, a payload, or a processing notice. A payload that
 * names its chunk counts only if the CTE `k` ({@link insertChunk}) recorded it.
 */
export function upsertLargeRequest(params: Params, write: LargeRequestWrite, gate?: string): string {
  const reference = params.add(write.reference, 'varchar');
  const user = params.add(write.terraUserId, 'varchar');
  const from = gate === undefined ? '' : ` FROM ${gate}`;
  const done = (expected: string, received: string) =>
    `CASE WHEN r.completed_at IS NOT NULL THEN r.completed_at WHEN ${expected} IS NOT NULL AND ${received} >= ${expected} THEN now() END`;
  switch (write.kind) {
    case 'announce': {
      const expected = params.add(write.expected, 'integer');
      return `INSERT INTO terra_large_requests AS r (reference, terra_user_id, expected, announced_at, completed_at)
SELECT ${reference}, ${user}, ${expected}, now(), CASE WHEN ${expected} = 0 THEN now() END${from}
ON CONFLICT (reference) DO UPDATE SET
  terra_user_id = COALESCE(EXCLUDED.terra_user_id, r.terra_user_id),
  expected = COALESCE(EXCLUDED.expected, r.expected),
  announced_at = COALESCE(r.announced_at, EXCLUDED.announced_at),
  completed_at = ${done('COALESCE(EXCLUDED.expected, r.expected)', 'r.received')},
  updated_at = now()
RETURNING reference, expected, received`;
    }
    case 'payload': {
      const counted = countsChunks(write) ? '(SELECT count(*) FROM k)::int' : '1';
      return `INSERT INTO terra_large_requests AS r (reference, terra_user_id, received, last_payload_at)
SELECT ${reference}, ${user}, ${counted}, now()${from}
ON CONFLICT (reference) DO UPDATE SET
  terra_user_id = COALESCE(r.terra_user_id, EXCLUDED.terra_user_id),
  received = r.received + EXCLUDED.received,
  last_payload_at = now(),
  completed_at = ${done('r.expected', 'r.received + EXCLUDED.received')},
  updated_at = now()
RETURNING reference, expected, received`;
    }
    case 'processing':
      return `INSERT INTO terra_large_requests AS r (reference, terra_user_id)
SELECT ${reference}, ${user}${from}
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

/** $1 cut-off time, $2 batch size. Durable deliveries not handled (pending, failed, dead) stay. */
export const PRUNE_DELIVERIES = `DELETE FROM terra_deliveries WHERE trace_id IN
  (SELECT trace_id FROM terra_deliveries WHERE received_at < $1::timestamptz
    AND (status IS NULL OR status = 'handled') ORDER BY received_at LIMIT $2::integer)
RETURNING 1`;

/** $1 cut-off time, $2 batch size: large requests, and the chunks recorded for them. */
export const PRUNE_LARGE_REQUESTS = `WITH gone AS (DELETE FROM terra_large_requests WHERE reference IN
  (SELECT reference FROM terra_large_requests WHERE updated_at < $1::timestamptz ORDER BY updated_at LIMIT $2::integer)
RETURNING reference),
chunks AS (DELETE FROM terra_large_request_chunks WHERE reference IN (SELECT reference FROM gone))
SELECT 1 FROM gone`;

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
