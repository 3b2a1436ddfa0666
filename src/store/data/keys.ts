/**
 * What identifies a record, and the columns stored beside it: the key (`summary_id`, the wearer's
 * calendar date, or the one athlete), the calendar date and times as Terra wrote them, the instants
 * for overlap, the scores to merge and a tiebreak hash.
 * @internal
 */
import { parseTerraTimestamp } from '../../models/timestamps.js';
import { DAY_TYPES, type DataType, SESSION_TYPES } from './schema.js';

/** One record ready for the upsert: the columns of `terra_records` (see `sql.ts`). */
export interface RecordRow {
  type: DataType;
  terra_user_id: string;
  record_key: string;
  provider: string | null;
  reference_id: string | null;
  calendar_date: string | null;
  start_time: string | null;
  end_time: string | null;
  start_at: string | null;
  end_at: string | null;
  summary_id: string | null;
  /** ISO instant of the delivery's ordering timestamp. */
  ordering_ts: string;
  tiebreak: string;
  /** The record's JSON text as Terra sent it (parsed, so unknown keys are kept). */
  data: unknown;
  /** `{ score: [value, ordering ms, tiebreak] }` for each non-null key of `data_enrichment`. */
  scores: Record<string, [unknown, number, string]>;
  trace_id: string | null;
}

/** Who the records belong to. */
export interface RecordOwner {
  terraUserId: string;
  provider: string | null;
  referenceId: string | null;
}

/** The delivery facts a record row takes. */
export interface RecordDelivery {
  orderingMs: number;
  traceId: string | null;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * A 128-bit hash of `value` as 32 hex digits (four 32-bit FNV-1a style lanes), used only to break
 * ties between two different copies with the same ordering timestamp, and as the key of last resort.
 */
export function hashText(value: string): string {
  const seeds = [0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b];
  let out = '';
  for (const seed of seeds) {
    let h = seed >>> 0;
    for (let i = 0; i < value.length; i++) {
      h ^= value.charCodeAt(i);
      h = Math.imul(h, 0x01000193) ^ (h >>> 15);
    }
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    out += ((h ^ (h >>> 16)) >>> 0).toString(16).padStart(8, '0');
  }
  return out;
}

/** The calendar date (`YYYY-MM-DD`) as written in a Terra timestamp, or null when unreadable. */
export function wearerDate(value: string | null): string | null {
  if (value === null) return null;
  try {
    return parseTerraTimestamp(value).date;
  } catch {
    return /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null;
  }
}

/**
 * The instant of a Terra timestamp as ISO, reading one without an offset as UTC (used only to tell
 * whether two sessions overlap; the string as written is kept beside it).
 */
export function instant(value: string | null): string | null {
  if (value === null) return null;
  try {
    const parsed = parseTerraTimestamp(value);
    if (parsed.epochMilliseconds !== null) return new Date(parsed.epochMilliseconds).toISOString();
    return new Date(`${parsed.date}T${parsed.time.slice(0, 12)}Z`).toISOString();
  } catch {
    return null;
  }
}

/**
 * The record's key:
 * - activity, sleep: `metadata.summary_id`; without one, `time:{start_time}/{end_time}` as written
 *   (the same session re-sent has the same times);
 * - daily, body, nutrition, menstruation: the wearer's calendar date of `metadata.start_time`;
 * - athlete: `athlete` (one profile per connection);
 * - with none of these, `hash:{hash of the JSON}`: that exact copy only (it cannot converge with
 *   another, and is documented as such).
 */
export function recordKey(
  type: DataType,
  summaryId: string | null,
  startTime: string | null,
  endTime: string | null,
  date: string | null,
  tiebreak: string,
): string {
  if (type === 'athlete') return 'athlete';
  if (SESSION_TYPES.has(type)) {
    if (summaryId !== null) return summaryId;
    if (startTime !== null) return `time:${startTime}/${endTime ?? ''}`;
  }
  if (DAY_TYPES.has(type) && date !== null) return date;
  return `hash:${tiebreak}`;
}

/** The non-null entries of a record's `data_enrichment`, each with its ordering time and tiebreak. */
function scoresOf(record: Record<string, unknown>, orderingMs: number, tiebreak: string): RecordRow['scores'] {
  const enrichment = record.data_enrichment;
  const scores: RecordRow['scores'] = {};
  if (!isObject(enrichment)) return scores;
  for (const [key, value] of Object.entries(enrichment)) {
    if (value !== null && value !== undefined) scores[key] = [value, orderingMs, tiebreak];
  }
  return scores;
}

/** The row of one record (an item of a data event's `data`, or an athlete profile). */
export function recordRow(
  type: DataType,
  record: unknown,
  owner: RecordOwner,
  delivery: RecordDelivery,
): RecordRow | null {
  if (!isObject(record)) return null;
  const json = JSON.stringify(record);
  const tiebreak = hashText(json);
  const metadata = isObject(record.metadata) ? record.metadata : {};
  const summaryId = type === 'athlete' ? null : text(metadata.summary_id);
  const startTime = type === 'athlete' ? null : text(metadata.start_time);
  const endTime = type === 'athlete' ? null : text(metadata.end_time);
  const date = wearerDate(startTime);
  return {
    type,
    terra_user_id: owner.terraUserId,
    record_key: recordKey(type, summaryId, startTime, endTime, date, tiebreak),
    provider: owner.provider,
    reference_id: owner.referenceId,
    calendar_date: date,
    start_time: startTime,
    end_time: endTime,
    start_at: instant(startTime),
    end_at: instant(endTime),
    summary_id: summaryId,
    ordering_ts: new Date(delivery.orderingMs).toISOString(),
    tiebreak,
    data: record,
    scores: scoresOf(record, delivery.orderingMs, tiebreak),
    trace_id: delivery.traceId,
  };
}

/** The owner of an event's records: its `user`, or `undefined` without a user id. */
export function ownerOf(user: unknown): RecordOwner | undefined {
  if (!isObject(user)) return undefined;
  const terraUserId = text(user.user_id);
  if (terraUserId === null) return undefined;
  const provider = text(user.provider);
  return {
    terraUserId: terraUserId.slice(0, 255),
    provider: provider === null ? null : provider.toUpperCase().slice(0, 50),
    referenceId: text(user.reference_id)?.slice(0, 255) ?? null,
  };
}

/**
 * The rows of a data event (or a synchronous read's body shaped like one): `data` items for the six
 * record types, the `athlete` object (or `data` holding it) for athlete. Empty for other types.
 */
export function rowsOfEvent(
  type: string,
  body: Record<string, unknown>,
  keep: ReadonlySet<DataType>,
  delivery: RecordDelivery,
): RecordRow[] {
  if (!keep.has(type as DataType)) return [];
  const owner = ownerOf(body.user);
  if (owner === undefined) return [];
  const dataType = type as DataType;
  let items: unknown[];
  if (dataType === 'athlete') {
    const profile = body.athlete ?? body.data;
    items = Array.isArray(profile) ? profile : [profile];
  } else items = Array.isArray(body.data) ? body.data : [];
  const rows: RecordRow[] = [];
  for (const item of items) {
    const row = recordRow(dataType, item, owner, delivery);
    if (row !== null) rows.push(row);
  }
  return rows;
}
