/**
 * The data store's named SQL, apart from the upsert (`converge.ts`) and the tables (`schema.ts`).
 * @internal
 */

/** The record columns the reads return. */
const READ = `type, terra_user_id, record_key, provider, reference_id, to_char(calendar_date, 'YYYY-MM-DD') AS calendar_date,
  start_at, end_at, summary_id, data`;

/** The Terra user ids of a person: their connections, and any records stored under their reference id. */
export const PERSON_USER_IDS = `SELECT terra_user_id FROM terra_connections WHERE reference_id = $1::varchar
UNION SELECT DISTINCT terra_user_id FROM terra_records_as_sent WHERE reference_id = $1::varchar`;

/**
 * $1 type, $2 terra user ids, $3 from date, $4 to date (either may be null: open): the records,
 * by date, start time, connection and key.
 */
export const SELECT_RECORDS = `SELECT ${READ} FROM terra_records
WHERE type = $1::varchar AND terra_user_id = ANY($2::varchar[])
  AND ($3::date IS NULL OR calendar_date >= $3::date) AND ($4::date IS NULL OR calendar_date <= $4::date)
ORDER BY calendar_date NULLS LAST, start_at NULLS LAST, terra_user_id, record_key`;

/** $1 terra user ids, $2 from, $3 to: every dated record of those connections in the range, any type. */
export const SELECT_PERSON_RANGE = `SELECT ${READ} FROM terra_records
WHERE terra_user_id = ANY($1::varchar[]) AND type <> 'athlete'
  AND calendar_date >= $2::date AND calendar_date <= $3::date`;

/** $1 terra user ids: deletes their records; one row per record deleted, with its type. */
export const DELETE_RECORDS =
  'DELETE FROM terra_records_as_sent WHERE terra_user_id = ANY($1::varchar[]) RETURNING type';

/** $1 reason, $2 reference id, $3 terra user ids, $4 counts, $5 delivery bodies erased: the audit row. */
export const INSERT_ERASURE = `INSERT INTO terra_erasures (reason, reference_id, terra_user_ids, counts, delivery_bodies)
VALUES ($1::varchar, $2::varchar, $3::text[], $4::jsonb, $5::integer)
RETURNING id, erased_at, reason, reference_id, terra_user_ids, counts, delivery_bodies`;

/**
 * $1 age in milliseconds: connections a `deauth` or `access_revoked` ended at least that long ago
 * (not those a reauth replaced) that still have records.
 */
export const SELECT_DISCONNECTED = `SELECT c.terra_user_id, c.reference_id FROM terra_connections c
WHERE c.status = 'disconnected' AND c.replaced_by IS NULL
  AND c.disconnected_at <= now() - ($1::bigint * interval '1 millisecond')
  AND EXISTS (SELECT 1 FROM terra_records_as_sent r WHERE r.terra_user_id = c.terra_user_id)
ORDER BY c.terra_user_id LIMIT 100`;

/** $1 terra user ids: clears the raw bodies durable deliveries keep for them (and their signatures). */
export const ERASE_DELIVERY_BODIES = `UPDATE terra_deliveries SET body = NULL, signature = NULL, body_expires_at = NULL
WHERE terra_user_id = ANY($1::varchar[]) AND body IS NOT NULL RETURNING 1`;
