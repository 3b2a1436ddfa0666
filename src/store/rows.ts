/**
 * The rows the store reads back, typed, keyed by column name as in the tables.
 */

/** The statuses the store writes. An app may write others of its own into the column. */
export type ConnectionStatus = 'active' | 'disconnected' | 'needs_reconnect';

/**
 * One row of `terra_connections`: one connection of one person to one provider account. Keys are
 * the column names; times are `Date`s (the columns are `TIMESTAMPTZ`); `null` where the store has
 * not learnt a value.
 */
export interface TerraConnectionRow {
  /** The row's own id (`SERIAL`). */
  id: number;
  /** Your app's user id for the person. The store never writes it: fill it from your own code. */
  user_id: number | null;
  /** Terra's user id for this connection (changes on a reauth). */
  terra_user_id: string;
  /** The provider, such as `GARMIN` or `FITBIT`; null when no event named it. */
  provider: string | null;
  /** Your reference id for the person, shared by all their connections. */
  reference_id: string | null;
  /** When the connection was made (ordering timestamp of its newest `auth` or reauth). */
  connected_at: Date | null;
  /** Ordering timestamp of the newest data delivery; never moves backwards. */
  last_sync: Date | null;
  /** `active`, `disconnected` or `needs_reconnect` (or a word your own code wrote). */
  status: ConnectionStatus | (string & {}) | null;
  /** The scopes granted, from the newest `auth` and the later `permission_change` deltas. */
  scopes: string[] | null;
  /** When a `deauth`, `access_revoked` or reauth ended the connection; null while it is not ended. */
  disconnected_at: Date | null;
  /** The Terra user id that replaced this one in a reauth. */
  replaced_by: string | null;
  /** Terra's message with the `connection_error` that asks the person to reconnect. */
  last_error: string | null;
  /** Ordering timestamp of the newest lifecycle event applied to the status. */
  last_event_at: Date | null;
  /** When the store last wrote the row. */
  updated_at: Date | null;
}

/** How far a large request (`terra-reference`) has arrived. */
export interface LargeRequestRow {
  /** The request's `terra-reference` (without any `:chunk:N` suffix). */
  reference: string;
  /** The connection it is for, when an event named it. */
  terra_user_id: string | null;
  /** How many payloads `large_request_sending` announced; null before the announcement. */
  expected: number | null;
  /** How many data payloads with this reference arrived (each delivery counted once). */
  received: number;
  /** Whether the announcement arrived and `received` reached `expected`. */
  complete: boolean;
  /** When the first delivery about it arrived. */
  created_at: Date | null;
  /** When `large_request_sending` arrived. */
  announced_at: Date | null;
  /** When the newest payload arrived. */
  last_payload_at: Date | null;
  /** When it became complete. */
  completed_at: Date | null;
  /** When the store last wrote the row. */
  updated_at: Date | null;
}

/** The columns selected for a {@link TerraConnectionRow}. @internal */
export const CONNECTION_COLUMNS =
  'id, user_id, terra_user_id, provider, reference_id, connected_at, last_sync, status, scopes, disconnected_at, replaced_by, last_error, last_event_at, updated_at';

/** The columns selected for a {@link LargeRequestRow}. @internal */
export const LARGE_REQUEST_COLUMNS =
  'reference, terra_user_id, expected, received, created_at, announced_at, last_payload_at, completed_at, updated_at';

type Raw = Record<string, unknown>;

function date(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const parsed = new Date(typeof value === 'number' ? value : String(value));
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

function str(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function int(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Parses a PostgreSQL array literal (`{a,"b c"}`) for drivers set up to return text. @internal */
export function textArray(value: unknown): string[] | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => String(v));
  const literal = String(value);
  if (!literal.startsWith('{') || !literal.endsWith('}')) return [literal];
  const out: string[] = [];
  const body = literal.slice(1, -1);
  let i = 0;
  while (i < body.length) {
    let item = '';
    if (body[i] === '"') {
      i++;
      while (i < body.length && body[i] !== '"') {
        if (body[i] === '\\') i++;
        item += body[i] ?? '';
        i++;
      }
      i++;
    } else {
      while (i < body.length && body[i] !== ',') item += body[i++];
    }
    out.push(item);
    if (body[i] === ',') i++;
  }
  return out;
}

/** Reads a raw `terra_connections` row. @internal */
export function toConnectionRow(raw: unknown): TerraConnectionRow {
  const r = raw as Raw;
  return {
    id: int(r.id) ?? 0,
    user_id: int(r.user_id),
    terra_user_id: String(r.terra_user_id),
    provider: str(r.provider),
    reference_id: str(r.reference_id),
    connected_at: date(r.connected_at),
    last_sync: date(r.last_sync),
    status: str(r.status),
    scopes: textArray(r.scopes),
    disconnected_at: date(r.disconnected_at),
    replaced_by: str(r.replaced_by),
    last_error: str(r.last_error),
    last_event_at: date(r.last_event_at),
    updated_at: date(r.updated_at),
  };
}

/** Reads a raw `terra_large_requests` row. @internal */
export function toLargeRequestRow(raw: unknown): LargeRequestRow {
  const r = raw as Raw;
  const expected = int(r.expected);
  const received = int(r.received) ?? 0;
  return {
    reference: String(r.reference),
    terra_user_id: str(r.terra_user_id),
    expected,
    received,
    complete: expected !== null && received >= expected,
    created_at: date(r.created_at),
    announced_at: date(r.announced_at),
    last_payload_at: date(r.last_payload_at),
    completed_at: date(r.completed_at),
    updated_at: date(r.updated_at),
  };
}
