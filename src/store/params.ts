/**
 * Statement parameters: each value collected in order and given its placeholder.
 * @internal
 */

let lastMs = Number.NaN;
let lastIso = '';

/**
 * Unix milliseconds as an ISO string for a `timestamptz` parameter. The last conversion is kept:
 * a delivery gives its one time to several columns, and a `Date` per column was a tenth of the
 * store's JavaScript per delivery.
 */
export function iso(ms: number | null): string | null {
  if (ms === null) return null;
  if (ms !== lastMs) {
    lastIso = isoString(ms);
    lastMs = ms;
  }
  return lastIso;
}

/** The last millisecond of year 9999 UTC: past it, `toISOString` writes a six-digit year. */
const LAST_FOUR_DIGIT_MS = 253_402_300_799_999;

/** `00` to `99`. */
const TWO = Array.from({ length: 100 }, (_, n) => (n < 10 ? `0${n}` : String(n)));

/**
 * What `new Date(ms).toISOString()` writes, computed with integers for whole milliseconds from 1970
 * to 9999 (a delivery's times), which spares a `Date` and its runtime call: measured in the store's
 * loop, that conversion cost more than a delivery's other parameters together. Any other value
 * goes through `Date`, whose errors stay as they were.
 */
export function isoString(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > LAST_FOUR_DIGIT_MS) return new Date(ms).toISOString();
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  // The civil date of a day count (the proleptic Gregorian calendar, in 400-year eras from 0000-03-01).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;
  return `${TWO[Math.floor(year / 100)]}${TWO[year % 100]}-${TWO[month]}-${TWO[day]}T${TWO[hour]}:${TWO[minute]}:${
    TWO[second]
  }.${TWO[Math.floor(milli / 10)]}${milli % 10}Z`;
}

/** Collects statement parameters, giving each value its placeholder (`$1::type`). */
export class Params {
  readonly values: unknown[] = [];
  /** Whether only the values are wanted: the statement's text is known already. */
  get valuesOnly(): boolean {
    return false;
  }
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/** Collects the parameters of a statement whose text is already built: placeholders are not written. */
export class ValuesOnly extends Params {
  override get valuesOnly(): boolean {
    return true;
  }
  override add(value: unknown): string {
    this.values.push(value);
    return '';
  }
}
