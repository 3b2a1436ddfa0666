/**
 * Words for what kind of value something is, for messages that must not repeat the value itself.
 * @internal
 * @packageDocumentation
 */

/** `null`, `an array`, `an object`, `a number`, ... */
export function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const kind = typeof value;
  if (kind === 'object') return 'an object';
  if (kind === 'undefined') return 'undefined';
  return `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`;
}
