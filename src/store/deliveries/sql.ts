/**
 * The durable deliveries' SQL: their migration, recording, claiming with leases (`FOR UPDATE SKIP
 * LOCKED`), finishing, replaying, listing, the health counts and body expiry.
 *
 * `status` is NULL on rows the non-durable handler records (no body, nothing to work); durable rows
 * go `pending` -> `processing` (leased) -> `handled`, or `failed` (due again at `run_after`) and at
 * last `dead`.
 * @internal
 */
import type { Migration } from '../migration.js';
import type { Params } from '../params.js';

/** Schema version 3: the queue columns, the body of durable deliveries, the health counts. */
export const DURABLE_DELIVERIES_MIGRATION: Migration = {
  version: 3,
  description: 'durable deliveries: terra_deliveries queue columns and bodies, terra_delivery_health',
  statements: [
    `ALTER TABLE terra_deliveries
      ADD COLUMN IF NOT EXISTS status VARCHAR(16),
      ADD COLUMN IF NOT EXISTS attempts INTEGER NOT NULL DEFAULT 0,
      ADD COLUMN IF NOT EXISTS run_after TIMESTAMPTZ,
      ADD COLUMN IF NOT EXISTS locked_by TEXT,
      ADD COLUMN IF NOT EXISTS locked_until TIMESTAMPTZ,
      ADD COLUMN IF NOT EXISTS last_error_code VARCHAR(64),
      ADD COLUMN IF NOT EXISTS last_error_message TEXT,
      ADD COLUMN IF NOT EXISTS effect_applied_at TIMESTAMPTZ,
      ADD COLUMN IF NOT EXISTS body BYTEA,
      ADD COLUMN IF NOT EXISTS signature TEXT,
      ADD COLUMN IF NOT EXISTS headers JSONB,
      ADD COLUMN IF NOT EXISTS body_expires_at TIMESTAMPTZ`,
    // The claim: due rows by run_after; expired leases by locked_until.
    `CREATE INDEX IF NOT EXISTS idx_terra_deliveries_due ON terra_deliveries (status, run_after)
      WHERE status IN ('pending', 'failed')`,
    `CREATE INDEX IF NOT EXISTS idx_terra_deliveries_leased ON terra_deliveries (locked_until)
      WHERE status = 'processing'`,
    `CREATE INDEX IF NOT EXISTS idx_terra_deliveries_body_expiry ON terra_deliveries (body_expires_at)
      WHERE body IS NOT NULL`,
    // One row per healthcheck: what Terra says it sent in the hour before, and what arrived.
    `CREATE TABLE IF NOT EXISTS terra_delivery_health (
      checked_at TIMESTAMPTZ PRIMARY KEY,
      sent INTEGER NOT NULL,
      received INTEGER NOT NULL,
      recorded_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`,
  ],
};

/**
 * When a durable delivery next needs something done: its run (`pending`, `failed`), its lease's end
 * (`processing`), or its body's expiry (`handled`, `dead`; NULL when there is no body to expire).
 * One partial index on it serves the claim, expired leases and body expiry.
 */
const NEXT_AT = `(CASE status WHEN 'pending' THEN run_after WHEN 'failed' THEN run_after
  WHEN 'processing' THEN locked_until ELSE body_expires_at END)`;

/**
 * Schema version 10: the three partial indexes of version 3 made one ({@link NEXT_AT}). Each index
 * on `terra_deliveries` costs every delivery recorded, durable or not, even where its condition
 * leaves the row out: the three cost about 7% of a data delivery's time on PostgreSQL. Bodies that
 * expired before keep no expiry time, so that they leave the index.
 */
export const DELIVERY_NEXT_INDEX_MIGRATION: Migration = {
  version: 10,
  description: 'terra_deliveries: one partial index on the time each durable delivery is next due',
  statements: [
    'DROP INDEX IF EXISTS idx_terra_deliveries_due',
    'DROP INDEX IF EXISTS idx_terra_deliveries_leased',
    'DROP INDEX IF EXISTS idx_terra_deliveries_body_expiry',
    'UPDATE terra_deliveries SET body_expires_at = NULL WHERE body IS NULL AND body_expires_at IS NOT NULL',
    `CREATE INDEX IF NOT EXISTS idx_terra_deliveries_next ON terra_deliveries (${NEXT_AT}, status)
      WHERE status IS NOT NULL`,
  ],
};

const lease = (param: string) => `now() + ${param}::bigint * interval '1 millisecond'`;

/**
 * New deliveries, one per element of the arrays: $1 trace ids, $2 event types, $3 terra user ids,
 * $4 references, $5 ordering timestamps, $6 the bodies one after the other (one bytea, sent as binary
 * rather than as the hex text of a bytea array), $7 signatures, $8 headers (JSON), $9 worker ids
 * (null: not leased), $10 lease ms, $11 each body's length in $6. Each leased to its worker when one
 * is given. Returns the trace ids that were new.
 */
export const RECORD_DELIVERIES = `INSERT INTO terra_deliveries
  (trace_id, event_type, terra_user_id, reference, ordering_timestamp, body, signature, headers,
   status, attempts, run_after, locked_by, locked_until)
SELECT t.trace_id, t.event_type, t.terra_user_id, t.reference, t.ordering_timestamp,
  substring($6::bytea FROM (sum(t.length) OVER (ORDER BY t.n) - t.length + 1)::integer FOR t.length), t.signature, t.headers,
  CASE WHEN t.worker IS NULL THEN 'pending' ELSE 'processing' END,
  CASE WHEN t.worker IS NULL THEN 0 ELSE 1 END,
  now(), t.worker, CASE WHEN t.worker IS NULL THEN NULL ELSE ${lease('t.lease_ms')} END
FROM unnest($1::text[], $2::varchar[], $3::varchar[], $4::text[], $5::timestamptz[], $11::integer[], $7::text[],
  $8::jsonb[], $9::text[], $10::bigint[]) WITH ORDINALITY
  AS t (trace_id, event_type, terra_user_id, reference, ordering_timestamp, length, signature, headers, worker, lease_ms, n)
ON CONFLICT (trace_id) DO NOTHING RETURNING trace_id`;

const CLAIMED_COLUMNS = `trace_id, attempts, body, signature, headers, received_at`;

/**
 * $1 worker id, $2 lease ms, $3 limit: claims due deliveries and expired leases, the longest due
 * first (an expired lease is due from its end).
 */
export const CLAIM_DELIVERIES = `UPDATE terra_deliveries AS d SET
  status = 'processing', locked_by = $1::text, locked_until = ${lease('$2')}, attempts = d.attempts + 1
WHERE d.trace_id IN (
  SELECT trace_id FROM terra_deliveries
  WHERE status IS NOT NULL AND ${NEXT_AT} <= now() AND status IN ('pending', 'failed', 'processing')
    AND (status <> 'processing' OR locked_until < now())
  ORDER BY ${NEXT_AT} LIMIT $3::integer FOR UPDATE SKIP LOCKED)
RETURNING ${CLAIMED_COLUMNS}`;

/** $1 worker id, $2 trace ids, $3 lease ms. */
export const EXTEND_LEASES = `UPDATE terra_deliveries SET locked_until = ${lease('$3')}
WHERE trace_id = ANY($2::text[]) AND locked_by = $1::text AND status = 'processing'`;

/** The effect's once-only mark of durable delivery `traceId`: a row only the first time. */
export function markEffectApplied(params: Params, traceId: string): string {
  return `UPDATE terra_deliveries SET effect_applied_at = now()
WHERE trace_id = ${params.add(traceId, 'text')} AND effect_applied_at IS NULL RETURNING trace_id`;
}

/**
 * Marks deliveries handled, one per element of the arrays: $1 trace ids, $2 the worker ids that must
 * still hold them, $3 how long to keep each body, ms. Returns the trace ids marked.
 */
export const COMPLETE_DELIVERIES = `UPDATE terra_deliveries AS d SET status = 'handled', handled_at = now(),
  locked_by = NULL, locked_until = NULL, last_error_code = NULL, last_error_message = NULL,
  body_expires_at = ${lease('t.retain_ms')}
FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t (trace_id, worker, retain_ms)
WHERE d.trace_id = t.trace_id AND d.locked_by = t.worker AND d.status = 'processing' RETURNING d.trace_id`;

/** $1 trace id, $2 worker id, $3 code, $4 message, $5 retry in ms, $6 dead. */
export const FAIL_DELIVERY = `UPDATE terra_deliveries SET
  status = CASE WHEN $6::boolean THEN 'dead' ELSE 'failed' END, run_after = ${lease('$5')},
  locked_by = NULL, locked_until = NULL, last_error_code = $3::varchar, last_error_message = $4::text
WHERE trace_id = $1::text AND locked_by = $2::text AND status = 'processing' RETURNING 1`;

/**
 * $1 worker id, $2 trace ids or null (all): back to due now. The unfinished attempt is not counted,
 * so a deploy uses up no attempts; a row that had failed before stays `failed` (its error kept).
 */
export const RELEASE_DELIVERIES = `UPDATE terra_deliveries SET
  status = CASE WHEN last_error_code IS NULL THEN 'pending' ELSE 'failed' END,
  attempts = greatest(attempts - 1, 0), run_after = now(), locked_by = NULL, locked_until = NULL
WHERE locked_by = $1::text AND status = 'processing' AND ($2::text[] IS NULL OR trace_id = ANY($2::text[]))
RETURNING 1`;

/**
 * $1 limit: bodies past their time deleted (health data is kept no longer than needed), and their
 * expiry with them, which takes the row out of the index's due times.
 */
export const EXPIRE_BODIES = `UPDATE terra_deliveries SET body = NULL, signature = NULL, body_expires_at = NULL
WHERE trace_id IN (
  SELECT trace_id FROM terra_deliveries
  WHERE status IS NOT NULL AND ${NEXT_AT} < now() AND status IN ('handled', 'dead') AND body IS NOT NULL
  ORDER BY ${NEXT_AT} LIMIT $1::integer)
RETURNING 1`;

/** $1 trace id: queued again, whatever its status, attempts counted afresh. Needs the body. */
export const REPLAY_DELIVERY = `UPDATE terra_deliveries SET status = 'pending', attempts = 0, run_after = now(),
  locked_by = NULL, locked_until = NULL, handled_at = NULL, body_expires_at = NULL
WHERE trace_id = $1::text AND body IS NOT NULL RETURNING 1`;

/** $1 trace id: what is known of a delivery, to explain a replay refused. */
export const SELECT_REPLAYABLE = `SELECT status, (body IS NOT NULL) AS has_body FROM terra_deliveries WHERE trace_id = $1::text`;

/** $1 statuses, $2 since, $3 until: many queued again. */
export const RECOVER_DELIVERIES = `UPDATE terra_deliveries SET status = 'pending', attempts = 0, run_after = now(),
  locked_by = NULL, locked_until = NULL, handled_at = NULL, body_expires_at = NULL
WHERE status = ANY($1::text[]) AND body IS NOT NULL
  AND ($2::timestamptz IS NULL OR received_at >= $2::timestamptz)
  AND ($3::timestamptz IS NULL OR received_at < $3::timestamptz)
RETURNING 1`;

/** A row's status: a non-durable record (NULL) is `handled` once marked, else `processing`. */
const STATUS = `COALESCE(status, CASE WHEN handled_at IS NULL THEN 'processing' ELSE 'handled' END)`;

/** What `deliveries()` and `delivery()` read. Never the body. */
export const DELIVERY_COLUMNS = `trace_id, event_type, terra_user_id, ${STATUS} AS status, attempts,
  last_error_code, last_error_message, received_at, handled_at, run_after, (status IS NOT NULL) AS durable,
  (body IS NOT NULL) AS has_body, reference, ordering_timestamp`;

/** $1 statuses or null, $2 type or null, $3 since, $4 until, $5 limit: newest first. */
export const SELECT_DELIVERIES = `SELECT ${DELIVERY_COLUMNS} FROM terra_deliveries
WHERE ($1::text[] IS NULL OR ${STATUS} = ANY($1::text[]))
  AND ($2::text IS NULL OR event_type = $2::text)
  AND ($3::timestamptz IS NULL OR received_at >= $3::timestamptz)
  AND ($4::timestamptz IS NULL OR received_at < $4::timestamptz)
ORDER BY received_at DESC, trace_id LIMIT $5::integer`;

/** $1 trace id. */
export const SELECT_DELIVERY = `SELECT ${DELIVERY_COLUMNS} FROM terra_deliveries WHERE trace_id = $1::text`;

/**
 * $1 healthcheck time, $2 deliveries Terra says it sent in the hour before: recorded beside the
 * deliveries that arrived in that hour (the healthcheck itself left out). Idempotent.
 */
export const RECORD_HEALTH = `INSERT INTO terra_delivery_health (checked_at, sent, received)
SELECT $1::timestamptz, $2::integer, count(*)::integer FROM terra_deliveries
WHERE received_at >= $1::timestamptz - interval '1 hour' AND received_at < $1::timestamptz
  AND event_type <> 'healthcheck'
ON CONFLICT (checked_at) DO NOTHING RETURNING sent, received`;

/** $1 since: the hours in which Terra sent more than arrived, newest first. */
export const SELECT_HEALTH_GAPS = `SELECT checked_at, sent, received FROM terra_delivery_health
WHERE checked_at >= $1::timestamptz AND sent > received ORDER BY checked_at DESC`;
