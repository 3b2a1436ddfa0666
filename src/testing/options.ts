/**
 * Checks of the options the emulator and the sandbox take, with errors that name the option.
 * @internal
 * @packageDocumentation
 */
import { TerraConfigurationError } from '../errors.js';

/** A whole number within bounds, or `fallback` when not given. */
export function wholeNumber(option: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TerraConfigurationError(option, `${option} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

/** A positive finite number, or `fallback` when not given. */
export function positiveNumber(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TerraConfigurationError(option, `${option} must be a positive number.`);
  }
  return value;
}

/** A non-empty string, or `undefined` when not given. */
export function nonEmptyText(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TerraConfigurationError(option, `${option} must be a non-empty string.`);
  }
  return value;
}

/** An http(s) URL, or `undefined` when not given. The value is never repeated in the error. */
export function httpUrl(option: string, value: unknown, example: string): URL | undefined {
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new TerraConfigurationError(option, `${option} must be an http(s) URL, such as ${example}.`);
  }
  return url;
}

/** A function, or `undefined` when not given. */
export function optionalFunction<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TerraConfigurationError(option, `${option} must be a function.`);
  }
  return value;
}
