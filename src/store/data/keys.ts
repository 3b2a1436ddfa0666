/**
 * What identifies a record, and the columns stored beside it: the key (`summary_id`, the wearer's
 * calendar date, or the one athlete), the calendar date and times as Terra wrote them, the instants
 * for overlap, the scores to merge and a tiebreak hash.
 * @internal
 */
import { daysInMonth, parseTerraTimestamp } from '../../models/timestamps.js';
import { iso, isoString } from '../params.js';
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
  /**
   * The record as Terra sent it, as JSON text (every key kept, unknown ones too): serialized once,
   * hashed for the tiebreak and written into the upsert's parameter as it is.
   */
  dataJson: string;
  /** `{ score: [value, ordering ms, tiebreak] }` for each non-null key of `data_enrichment`. */
  scores: Record<string, [unknown, number, string]>;
  /** Set when some of `scores` came from another copy than this one, so `data` lacks them: stored as `stale`. */
  rescore?: boolean;
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
  // The four lanes in one pass over the text (each lane on its own gives the same digits).
  let a = 0x811c9dc5;
  let b = 0x01000193;
  let c = 0x9e3779b9;
  let d = 0x85ebca6b;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    a ^= ch;
    a = Math.imul(a, 0x01000193) ^ (a >>> 15);
    b ^= ch;
    b = Math.imul(b, 0x01000193) ^ (b >>> 15);
    c ^= ch;
    c = Math.imul(c, 0x01000193) ^ (c >>> 15);
    d ^= ch;
    d = Math.imul(d, 0x01000193) ^ (d >>> 15);
  }
  return lane(a) + lane(b) + lane(c) + lane(d);
}

/** Two hex digits per byte value. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** A lane's final mix, as 8 hex digits (a byte at a time: `toString(16)` and padding cost more). */
function lane(h: number): string {
  let x = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  const v = (x ^ (x >>> 16)) >>> 0;
  return (
    (HEX[v >>> 24] as string) +
    (HEX[(v >>> 16) & 255] as string) +
    (HEX[(v >>> 8) & 255] as string) +
    (HEX[v & 255] as string)
  );
}

/**
 * What a Terra timestamp gives a row, read once: the wearer's calendar date (`YYYY-MM-DD`) as
 * written, and the instant as text PostgreSQL reads as a `timestamptz`, reading one without an
 * offset as UTC (used only to tell whether two sessions overlap; the string as written is kept
 * beside it). The instant is ISO in UTC, or Terra's text itself when that names it exactly (an
 * offset and at most milliseconds). Null parts when unreadable.
 */
export function readTime(value: string | null): { date: string | null; instant: string | null } {
  if (value === null) return { date: null, instant: null };
  const quick = quickTime(value);
  if (quick !== undefined) return quick;
  let parsed: ReturnType<typeof parseTerraTimestamp>;
  try {
    parsed = parseTerraTimestamp(value);
  } catch {
    return { date: /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null, instant: null };
  }
  return { date: parsed.date, instant: instantOf(parsed) };
}

/** The value of `count` decimal digits of `value` from `at`, or -1 when one is not a digit. */
function digits(value: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** What the first three digits of a fraction of a second are worth in milliseconds. */
const MS_WEIGHTS = [100, 10, 1];

/**
 * Terra's usual shape, `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, read by position: the date and
 * the instant `parseTerraTimestamp` gives it, without its regular expression and `Date` setters
 * (two records' times cost a fifth of the store's JavaScript per delivery). `undefined` for any
 * other shape, or a field out of range, or a year before 100 (which `Date.UTC` reads as 19xx): the
 * general parser then reads it, or refuses it.
 */
function quickTime(value: string): { date: string; instant: string | null } | undefined {
  const n = value.length;
  if (n < 20 || value[4] !== '-' || value[7] !== '-' || value[10] !== 'T' || value[13] !== ':' || value[16] !== ':')
    return undefined;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59)
    return undefined;
  if (second < 0 || second > 59 || day > daysInMonth(year, month)) return undefined;
  let at = 19;
  let ms = 0;
  let fraction = 0;
  if (value[at] === '.') {
    const start = ++at;
    while (at < n && at - start < 13) {
      const d = value.charCodeAt(at) - 48;
      if (d < 0 || d > 9) break;
      if (at - start < 3) ms += d * (MS_WEIGHTS[at - start] as number);
      at++;
    }
    fraction = at - start;
    if (fraction === 0 || fraction > 12) return undefined;
  }
  let offset: number;
  if (at === n - 1 && value[at] === 'Z') offset = 0;
  else if (at === n - 6 && (value[at] === '+' || value[at] === '-') && value[at + 3] === ':') {
    const oh = digits(value, at + 1, 2);
    const om = digits(value, at + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
    offset = (value[at] === '-' ? -1 : 1) * (oh * 60 + om);
  } else return undefined;
  // With its offset within PostgreSQL's range and no finer than milliseconds, the text itself names
  // the instant, as exactly as the ISO string would: passed as it is, it spares a Date and its ISO
  // string per time (about a tenth of the store's JavaScript per record).
  // (Year 9999 goes the long way: an offset behind UTC can put its instant in year 10000.)
  if (fraction <= 3 && year < 9999 && offset >= -14 * 60 && offset <= 14 * 60)
    return { date: value.slice(0, 10), instant: value };
  return {
    date: value.slice(0, 10),
    instant: isoInstant(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000),
  };
}

/**
 * Unix milliseconds as ISO, or null outside UTC years 1 to 9999: `toISOString` writes those as
 * `0000-...` or `+010000-...`, which PostgreSQL refuses, and a refused instant would fail the whole
 * delivery. Such a record is kept without an instant.
 */
function isoInstant(ms: number): string | null {
  const year = new Date(ms).getUTCFullYear();
  return Number.isNaN(year) || year < 1 || year > 9999 ? null : isoString(ms);
}

/** A parsed timestamp's instant as ISO, or null when it names none PostgreSQL can read. */
function instantOf(parsed: ReturnType<typeof parseTerraTimestamp>): string | null {
  return isoInstant(
    parsed.epochMilliseconds !== null
      ? parsed.epochMilliseconds
      : Date.parse(`${parsed.date}T${parsed.time.slice(0, 12)}Z`),
  );
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
  const start = readTime(startTime);
  return {
    type,
    terra_user_id: owner.terraUserId,
    record_key: recordKey(type, summaryId, startTime, endTime, start.date, tiebreak),
    provider: owner.provider,
    reference_id: owner.referenceId,
    calendar_date: start.date,
    start_time: startTime,
    end_time: endTime,
    start_at: start.instant,
    end_at: readTime(endTime).instant,
    summary_id: summaryId,
    ordering_ts: iso(delivery.orderingMs) as string,
    tiebreak,
    dataJson: json,
    scores: scoresOf(record, delivery.orderingMs, tiebreak),
    trace_id: delivery.traceId,
  };
}

/** A character JSON must escape: a control character, a quote, a backslash, a surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for.
const ESCAPED = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** A string (or null) as JSON: quoted as it is when nothing in it needs escaping, the usual case. */
const quote = (value: string | null): string =>
  value === null ? 'null' : ESCAPED.test(value) ? JSON.stringify(value) : `"${value}"`;

/**
 * The upsert's parameter: the rows as a JSON array of objects with the columns of `converge.ts`.
 * Each record's JSON is the text its tiebreak was hashed from, not serialized a second time; the
 * columns are written out by hand (a quarter faster than serializing an object of them). `type`,
 * `ordering_ts` and `tiebreak` are the store's own text (a type name, an ISO string, hex digits).
 */
export function rowsJson(rows: readonly RecordRow[]): string {
  let json = '[';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as RecordRow;
    json +=
      `${i === 0 ? '' : ','}{"type":"${r.type}","terra_user_id":${quote(r.terra_user_id)},` +
      `"record_key":${quote(r.record_key)},"provider":${quote(r.provider)},"reference_id":${quote(r.reference_id)},` +
      `"calendar_date":${quote(r.calendar_date)},"start_time":${quote(r.start_time)},"end_time":${quote(r.end_time)},` +
      `"start_at":${quote(r.start_at)},"end_at":${quote(r.end_at)},"summary_id":${quote(r.summary_id)},` +
      `"ordering_ts":"${r.ordering_ts}","tiebreak":"${r.tiebreak}","scores":${JSON.stringify(r.scores)},` +
      `"trace_id":${quote(r.trace_id)},"rescore":${r.rescore === true},"data":${r.dataJson}}`;
  }
  return `${json}]`;
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
