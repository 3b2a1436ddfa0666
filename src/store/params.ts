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
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
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
