import { TerraValidationError } from '../errors.js';

/**
 * A Terra timestamp taken apart without converting it to another time zone.
 *
 * Terra writes times as the wearer's local time with its UTC offset and microseconds,
 * `2026-04-02T00:00:00.000000+01:00`, and sometimes without an offset (local time, zone unknown).
 * `new Date(value)` would shift the first to 2026-04-01 in UTC and read the second in the server's
 * zone; this keeps what Terra wrote.
 */
export interface TerraTimestamp {
  /** The calendar date as written, `YYYY-MM-DD`: the wearer's day. */
  readonly date: string;
  /** The time of day as written, `HH:MM:SS` plus any fraction (`00:00:00.000000`). */
  readonly time: string;
  /** The fraction of the second in microseconds (0 to 999999; digits past the sixth are dropped). */
  readonly microsecond: number;
  /** The offset as `+HH:MM` (`Z` becomes `+00:00`), or `null` when the timestamp has none. */
  readonly offset: string | null;
  /** The offset in minutes east of UTC, or `null` when the timestamp has none. */
  readonly offsetMinutes: number | null;
  /**
   * The instant in milliseconds since the epoch, or `null` when there is no offset (the instant is
   * then unknown). Microseconds are truncated to milliseconds.
   */
  readonly epochMilliseconds: number | null;
}

// date, then optionally T/space + time (seconds and fraction optional) and an offset.
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,12}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const FORMAT_HINT = 'expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.ffffff]] with an optional Z or ±HH:MM offset';

function invalid(reason: string): TerraValidationError {
  return new TerraValidationError({
    subject: 'The timestamp',
    issues: [{ path: '$', pathSegments: [], code: 'invalid_format', message: reason }],
  });
}

/** Days in `month` (1-12) of `year`, by the Gregorian leap rule. @internal */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

interface Parts {
  date: string;
  year: number;
  month: number;
  day: number;
  time: string | null;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  offsetMinutes: number | null;
}

function split(value: unknown): Parts {
  if (typeof value !== 'string') throw invalid(`expected a string, received ${value === null ? 'null' : typeof value}`);
  const match = TIMESTAMP.exec(value.trim());
  if (!match) throw invalid(FORMAT_HINT);
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) throw invalid('not a calendar date');
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  if (hour > 23 || minute > 59 || second > 59) throw invalid('not a time of day');
  let offsetMinutes: number | null = null;
  if (zone === 'Z' || zone === 'z') offsetMinutes = 0;
  else if (zone) {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || 0);
    if (oh > 23 || om > 59) throw invalid('not a UTC offset');
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const date = `${y}-${mo}-${d}`;
  const time = h === undefined ? null : `${h}:${mi}:${s ?? '00'}${fraction === undefined ? '' : `.${fraction}`}`;
  const microsecond = fraction === undefined ? 0 : Number(fraction.slice(0, 6).padEnd(6, '0'));
  return { date, year, month, day, time, hour, minute, second, microsecond, offsetMinutes };
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Takes a Terra timestamp apart: calendar date, time, microseconds and offset as written, plus the
 * instant when the offset is known.
 *
 * @example
 * ```ts
 * const t = parseTerraTimestamp('2026-04-02T00:00:00.000000+01:00');
 * t.date;              // '2026-04-02' (not 2026-04-01, as converting to UTC would give)
 * t.offsetMinutes;     // 60
 * t.epochMilliseconds; // 1775084400000
 * ```
 * @throws {@link TerraValidationError} when `value` is not a timestamp with a time of day.
 */
export function parseTerraTimestamp(value: string): TerraTimestamp {
  const parts = split(value);
  if (parts.time === null) throw invalid('expected a time of day after the date (use calendarDate for dates)');
  let epochMilliseconds: number | null = null;
  if (parts.offsetMinutes !== null) {
    const utc = new Date(0);
    utc.setUTCFullYear(parts.year, parts.month - 1, parts.day);
    utc.setUTCHours(parts.hour, parts.minute, parts.second, Math.floor(parts.microsecond / 1000));
    epochMilliseconds = utc.getTime() - parts.offsetMinutes * 60_000;
  }
  return {
    date: parts.date,
    time: parts.time,
    microsecond: parts.microsecond,
    offset: parts.offsetMinutes === null ? null : formatOffset(parts.offsetMinutes),
    offsetMinutes: parts.offsetMinutes,
    epochMilliseconds,
  };
}

/**
 * The calendar date of a Terra timestamp or date, as the wearer lived it, without any time-zone
 * conversion. Use it as the key of daily, body, nutrition and menstruation records.
 *
 * @example
 * ```ts
 * calendarDate('2026-04-02T00:00:00.000000+01:00'); // '2026-04-02'
 * calendarDate('2026-04-02');                       // '2026-04-02'
 * ```
 * @throws {@link TerraValidationError} when `value` is not a date or timestamp.
 */
export function calendarDate(value: string): string {
  return split(value).date;
}

/**
 * The instant of a Terra timestamp as a `Date` (microseconds truncated to milliseconds).
 *
 * A timestamp without an offset names a local time in an unknown zone. Rather than guess (as
 * `new Date` does, with the server's zone), this throws unless you pass the offset to assume.
 *
 * @param options.assumeOffsetMinutes offset to use when the timestamp has none, e.g. `0` for UTC.
 * @throws {@link TerraValidationError} when `value` is not a timestamp, or has no offset and none is assumed.
 */
export function terraTimestampToDate(value: string, options: { assumeOffsetMinutes?: number } = {}): Date {
  const parsed = parseTerraTimestamp(value);
  if (parsed.epochMilliseconds !== null) return new Date(parsed.epochMilliseconds);
  const assumed = options.assumeOffsetMinutes;
  if (assumed === undefined || !Number.isFinite(assumed)) {
    throw invalid('the timestamp has no UTC offset; pass { assumeOffsetMinutes } to say which zone it is in');
  }
  const withOffset = parseTerraTimestamp(`${parsed.date}T${parsed.time}${formatOffset(Math.trunc(assumed))}`);
  return new Date(withOffset.epochMilliseconds as number);
}
