import { TerraInvalidArgumentError } from '../errors.js';

/**
 * A date for Terra's data endpoints: a `Date` (sent as unix seconds), a `YYYY-MM-DD` calendar date
 * (sent as is; Terra reads it as 00:00 UTC), or unix seconds. Every form must fall in the years
 * 1970-9999 (unix seconds: from 0, below 10^11).
 */
export type TerraDate = Date | string | number;

/** Milliseconds in a day (UTC days: Terra's query dates are read as 00:00 UTC). */
export const DAY_MS = 86_400_000;

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Unix seconds beyond this (year 5138) are almost surely milliseconds. */
const MAX_SECONDS = 1e11;

/**
 * The years a date argument may fall in: Terra's dates are unix times (none before 1970) written with
 * four-digit years (none after 9999). Outside them, `Date.UTC` reads years 0-99 as 1900-1999, so a
 * typo such as `0024-05-01` would become another date, or a range that never ends.
 */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 9999;

function outOfRange(argument: string): TerraInvalidArgumentError {
  return new TerraInvalidArgumentError(
    argument,
    `${argument} must fall in the years ${MIN_YEAR}-${MAX_YEAR}, the dates Terra accepts`,
  );
}

/** Whether a year is one Terra accepts. */
const inRange = (year: number) => year >= MIN_YEAR && year <= MAX_YEAR;

/** The query value for a date, or a {@link TerraInvalidArgumentError} that says what to pass instead. */
export function toQueryDate(value: unknown, argument: string): string {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new TerraInvalidArgumentError(argument, `${argument} is an invalid Date`);
    if (!inRange(value.getUTCFullYear())) throw outOfRange(argument);
    return String(Math.floor(ms / 1000));
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) {
      throw new TerraInvalidArgumentError(argument, `${argument} must be whole unix seconds (a non-negative integer)`);
    }
    if (value >= MAX_SECONDS) {
      throw new TerraInvalidArgumentError(
        argument,
        `${argument} looks like milliseconds; pass unix seconds (Math.floor(ms / 1000)) or a Date`,
      );
    }
    return String(value);
  }
  if (typeof value === 'string') {
    const match = CALENDAR_DATE.exec(value);
    if (match) {
      const [, y, m, d] = match.map(Number) as [number, number, number, number];
      if (!inRange(y)) throw outOfRange(argument);
      const date = new Date(Date.UTC(2000, m - 1, d));
      date.setUTCFullYear(y);
      if (date.getUTCMonth() === m - 1 && date.getUTCDate() === d) return value;
      throw new TerraInvalidArgumentError(argument, `${argument} is not a calendar date`);
    }
    throw new TerraInvalidArgumentError(
      argument,
      `${argument} must be a YYYY-MM-DD date, a Date or unix seconds; date-times such as ` +
        '2026-04-02T10:00:00Z are not accepted (pass a Date to give a time)',
    );
  }
  throw new TerraInvalidArgumentError(
    argument,
    `${argument} must be a Date, a YYYY-MM-DD string or unix seconds, not ${value === null ? 'null' : typeof value}`,
  );
}

/** Unix seconds of a query date (a calendar date counts as 00:00 UTC), to compare two of them. */
export function querySeconds(query: string): number {
  return CALENDAR_DATE.test(query) ? Date.parse(`${query}T00:00:00Z`) / 1000 : Number(query);
}
