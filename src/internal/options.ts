import { TerraInvalidArgumentError } from '../errors.js';

const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Rejects an options object that is not an object or has keys the method does not know, naming the
 * key meant when the mistake is a familiar one (`start_date` for `startDate`, `startdate`).
 */
export function checkOptions(value: unknown, allowed: readonly string[], what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new TerraInvalidArgumentError(what, `${what} must be an object`);
  }
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const meant = allowed.find((name) => name === camel(key) || name.toLowerCase() === key.toLowerCase());
    const hint = meant ? ` (did you mean ${meant}?)` : ` (known options: ${allowed.join(', ')})`;
    throw new TerraInvalidArgumentError(what, `${what} has an unknown option ${key}${hint}`);
  }
  return value as Record<string, unknown>;
}

/** A non-empty string without surrounding whitespace, or a clear error naming the argument. */
export function requireString(value: unknown, argument: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TerraInvalidArgumentError(argument, `${argument} must be a non-empty string`);
  }
  if (value.trim() !== value) {
    throw new TerraInvalidArgumentError(argument, `${argument} has leading or trailing whitespace; remove it`);
  }
  return value;
}

/** An optional string option: `undefined` when absent, else a non-empty string. */
export function optionalString(value: unknown, argument: string): string | undefined {
  return value === undefined ? undefined : requireString(value, argument);
}

/** An optional URL option (any scheme, so app deep links work), checked to parse as a URL. */
export function optionalUrl(value: unknown, argument: string): string | undefined {
  const url = optionalString(value, argument);
  if (url !== undefined && !URL.canParse(url)) {
    throw new TerraInvalidArgumentError(argument, `${argument} must be an absolute URL (https://... or yourapp://...)`);
  }
  return url;
}

/** An optional boolean option. */
export function optionalBoolean(value: unknown, argument: string): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  throw new TerraInvalidArgumentError(argument, `${argument} must be true or false`);
}

/** An optional whole number of at least `min`. */
export function optionalInteger(value: unknown, argument: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new TerraInvalidArgumentError(argument, `${argument} must be a whole number of at least ${min}`);
  }
  return value;
}
