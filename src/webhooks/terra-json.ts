/**
 * JSON text written the way Terra writes its webhook bodies.
 * @internal
 * @packageDocumentation
 */
import { TerraInvalidArgumentError } from '../errors.js';

/**
 * Serializes a value as Terra's servers do: like `JSON.stringify`, but with a space after every `:`
 * and `,` (`{"type": "auth", "user": {...}}`). A handler that verifies `JSON.stringify(parsedBody)`
 * instead of the raw body fails against these bytes, as it would against Terra.
 *
 * @throws {@link TerraInvalidArgumentError} if the value cannot be JSON: a circular reference, a
 *   `bigint`, or nothing serializable at the top.
 */
export function terraJson(value: unknown, argument = 'payload'): string {
  const ancestors = new Set<object>();
  const write = (item: unknown, path: string): string | undefined => {
    if (item !== null && typeof item === 'object' && typeof (item as { toJSON?: unknown }).toJSON === 'function') {
      item = (item as { toJSON: () => unknown }).toJSON();
    }
    if (typeof item === 'bigint') {
      throw new TerraInvalidArgumentError(argument, `${argument}${path} is a bigint, which JSON cannot hold.`);
    }
    if (item === null || typeof item !== 'object') return JSON.stringify(item);
    if (ancestors.has(item)) {
      throw new TerraInvalidArgumentError(argument, `${argument}${path} refers back to itself, so it cannot be JSON.`);
    }
    ancestors.add(item);
    let text: string;
    if (Array.isArray(item)) {
      text = `[${item.map((element, index) => write(element, `${path}[${index}]`) ?? 'null').join(', ')}]`;
    } else {
      const members: string[] = [];
      for (const [key, member] of Object.entries(item)) {
        const written = write(member, `${path}.${key}`);
        if (written !== undefined) members.push(`${JSON.stringify(key)}: ${written}`);
      }
      text = `{${members.join(', ')}}`;
    }
    ancestors.delete(item);
    return text;
  };
  const text = write(value, '');
  if (text === undefined) {
    throw new TerraInvalidArgumentError(argument, `${argument} must be a JSON value, such as an event object.`);
  }
  return text;
}
