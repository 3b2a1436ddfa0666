/**
 * The order guard: which event may overwrite which. Terra may deliver events late, out of order or
 * again; each carries an ordering timestamp (`X-Terra-Ordering-Timestamp`), and what a row holds only
 * gives way to an event at least as new:
 *
 * - an event without an ordering timestamp counts as newest: it is ordered by its time of receipt;
 * - `provider` and `reference_id` follow the newest event naming them (`provider_at`, `reference_id_at`);
 * - `connected_at` and `last_sync` only move forwards;
 * - `status`, `disconnected_at`, `replaced_by` and `last_error` are the state of the newest lifecycle
 *   event (`last_event_at`); an equal timestamp overwrites;
 * - `scopes` is what the scope facts give in time order (the newest full list, then later deltas),
 *   so any arrival order gives the same list (`scopes.ts`).
 *
 * Row locks are taken in one order (see `effects.ts`), so that concurrent guards never deadlock.
 * @internal
 */

/** The time an event is ordered by: its ordering timestamp, or when missing, its time of receipt. */
export function orderingTime(orderingTimestamp: number | null, receivedAt: number): number {
  return orderingTimestamp ?? receivedAt;
}

/** The columns a lifecycle event sets as a whole, gated by `last_event_at`. */
export const LIFECYCLE_COLUMNS = ['status', 'disconnected_at', 'replaced_by', 'last_error', 'last_event_at'] as const;

/** Newer-or-equal test of a stored time column against the proposed one. */
const newer = (column: string) =>
  `EXCLUDED.${column} IS NOT NULL AND (c.${column} IS NULL OR EXCLUDED.${column} >= c.${column})`;

/** A column that takes the proposed value only when `last_event_at` lets it. */
const gated = (column: string) =>
  `${column} = CASE WHEN ${newer('last_event_at')} THEN EXCLUDED.${column} ELSE c.${column} END`;

/** What every write may set: who the connection is and its times. */
const IDENTITY_AND_TIMES = [
  `provider = CASE WHEN ${newer('provider_at')} THEN EXCLUDED.provider ELSE c.provider END`,
  `provider_at = CASE WHEN ${newer('provider_at')} THEN EXCLUDED.provider_at ELSE c.provider_at END`,
  `reference_id = CASE WHEN ${newer('reference_id_at')} THEN EXCLUDED.reference_id ELSE c.reference_id END`,
  `reference_id_at = CASE WHEN ${newer('reference_id_at')} THEN EXCLUDED.reference_id_at ELSE c.reference_id_at END`,
  'connected_at = GREATEST(c.connected_at, EXCLUDED.connected_at)',
  'last_sync = GREATEST(c.last_sync, EXCLUDED.last_sync)',
];

/**
 * The `SET` list of a connection upsert when the row exists: what the stored row keeps and what the
 * proposed row may overwrite. One list for every write: a column a write does not set is proposed
 * as NULL, which never overwrites (`GREATEST` skips NULL; the other columns need their time, which
 * is NULL too). One text for every event lets the store build and prepare it once.
 */
export const CONNECTION_UPDATES: readonly string[] = [
  ...IDENTITY_AND_TIMES,
  ...LIFECYCLE_COLUMNS.map(gated),
  'updated_at = now()',
];

/**
 * The list for a write without lifecycle state (a data event, a scope change: most deliveries). Its
 * lifecycle columns would be proposed as NULL, which never overwrites, so they are left out: five
 * parameters and five expressions fewer for PostgreSQL to bind and set up per delivery.
 */
export const CONNECTION_UPDATES_WITHOUT_LIFECYCLE: readonly string[] = [...IDENTITY_AND_TIMES, 'updated_at = now()'];
