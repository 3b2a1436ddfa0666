/**
 * Statement parameters: each value collected in order and given its placeholder.
 * @internal
 */

/** Unix milliseconds as an ISO string for a `timestamptz` parameter. */
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Collects statement parameters, giving each value its placeholder (`$1::type`). */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/** Collects the parameters of a statement whose text is already built: placeholders are not written. */
export class ValuesOnly extends Params {
  override add(value: unknown): string {
    this.values.push(value);
    return '';
  }
}
