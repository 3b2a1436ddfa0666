/**
 * Reading JSON from Terra (responses, webhook bodies, s3_payload downloads) with one error for a body
 * that is not JSON. `JSON.parse`'s own message quotes the text, which is health data: it never
 * reaches the error.
 * @internal
 * @packageDocumentation
 */
import { TerraValidationError } from '../errors.js';

/** The error for a body that is not JSON; `subject` says which body ("The webhook body"). */
export function invalidJsonError(subject: string): TerraValidationError {
  return new TerraValidationError({
    subject,
    issues: [{ path: '$', pathSegments: [], code: 'invalid_json', message: 'expected a JSON body' }],
  });
}

/**
 * Parses JSON text.
 * @throws {@link TerraValidationError} (issue code `invalid_json`) if the text is not JSON.
 */
export function parseJson(text: string, subject: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidJsonError(subject);
  }
}

/** Keys ending in `_id` whose models declare a number (a panel's position in its report): kept as numbers. */
const NUMERIC_ID_KEYS: ReadonlySet<string> = new Set(['panel_id']);

/**
 * Whether a key names one of Terra's ids: it ends in `_id` (a bare `id` is a position in some models:
 * a lab-report panel, a connection).
 */
const isIdKey = (key: string) => key.endsWith('_id') && !NUMERIC_ID_KEYS.has(key);

/** A JSON number literal, read where it starts. */
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

const isSpace = (code: number) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

/**
 * The JSON text with every id sent as a number (`"planned_workout_id": 12345678901234567890`) turned
 * into a string of the same digits, so it is read without losing any (numbers past 2^53 do) and given
 * as a string, as the SDK gives every id. Reads the text once, token by token, so nothing inside a
 * string value is touched; the text is returned as is when it holds no such id (and an invalid text
 * stays invalid, for `JSON.parse` to refuse).
 * @internal
 */
export function idNumbersAsText(text: string): string {
  let out = '';
  let copied = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    if (text.charCodeAt(i) !== 0x22) {
      i++;
      continue;
    }
    const start = i + 1;
    i = start;
    while (i < n) {
      const code = text.charCodeAt(i);
      if (code === 0x5c) i += 2;
      else if (code === 0x22) break;
      else i++;
    }
    const end = i;
    i++;
    let j = i;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    // Not followed by a colon: a string value, not a key.
    if (text.charCodeAt(j) !== 0x3a) continue;
    j++;
    while (j < n && isSpace(text.charCodeAt(j))) j++;
    i = j;
    if (!isIdKey(text.slice(start, end))) continue;
    NUMBER.lastIndex = j;
    const number = NUMBER.exec(text);
    if (number === null) continue;
    out += `${text.slice(copied, j)}"${number[0]}"`;
    copied = j + number[0].length;
    i = copied;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
