import * as z from 'zod/mini';
import { type TerraValidationError as ErrorClass, TerraValidationError } from '../errors.js';
import { formatJsonPath } from '../internal/json-path.js';
import { modelName } from './lazy.js';
import { checkFor, MAX_DEPTH, nestsDeeperThan, TOO_DEEP } from './validate.js';

/** Options of {@link parseModel}. */
export interface ParseModelOptions {
  /**
   * What the value is, for the error message: `'The GET /activity response'`. Defaults to
   * `'The value'`.
   */
  subject?: string | undefined;
}

/**
 * Validates `value` against a model schema and returns it typed, or throws a
 * {@link TerraValidationError} that lists each problem with its JSON path (never the values).
 *
 * Unlike `schema.parse`, which builds a copy, this checks the value in place and returns the same
 * object when it is valid: large payloads (10 MB of samples) are not copied. Fields the schema does
 * not know are kept, as with `schema.parse`.
 *
 * @example
 * ```ts
 * import { ActivitySchema, parseModel } from 'terra-sdk';
 * const activity = parseModel(ActivitySchema, JSON.parse(body));
 * console.log(activity.metadata.summary_id);
 * ```
 * @throws {@link TerraValidationError} when the value does not match.
 */
export function parseModel<T>(schema: z.core.$ZodType<T>, value: unknown, options: ParseModelOptions = {}): T {
  const check = checkFor(schema);
  if (check !== undefined) {
    try {
      if (check(value)) return value as T;
    } catch (error) {
      throw error === TOO_DEEP ? tooDeepError(schema, options) : error;
    }
  }
  // zod recurses as deep as the value goes: refuse what could overflow the stack first.
  if (nestsDeeperThan(value, MAX_DEPTH)) throw tooDeepError(schema, options);
  // Either the value is invalid, or the schema uses something the fast check does not cover:
  // zod decides, and its issues make the error.
  const result = z.safeParse(schema, value, { reportInput: false, error: describeIssue });
  if (result.success) return result.data;
  throw validationError(result.error.issues, options.subject ?? 'The value', modelName(schema));
}

function tooDeepError(schema: object, options: ParseModelOptions): ErrorClass {
  return new TerraValidationError({
    subject: options.subject ?? 'The value',
    model: modelName(schema),
    issues: [{ path: '$', pathSegments: [], code: 'too_deep', message: TOO_DEEP_MESSAGE }],
  });
}

/** The issue message of a value nested deeper than the checker walks. @internal */
export const TOO_DEEP_MESSAGE = `nests arrays and objects more than ${MAX_DEPTH} levels deep, far beyond any Terra payload`;

/** The kind of a received value, for messages: never the value itself. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (value instanceof Date) return 'Date';
  return typeof value;
}

const list = (values: readonly unknown[]) =>
  values.map((v) => (typeof v === 'string' ? `"${v}"` : String(v))).join(', ');

/**
 * Words for a zod issue, from what the schema expects and the *kind* of value received, never the
 * value: zod's own messages are not loaded with `zod/mini`, and this SDK must not set zod's global
 * configuration for the app.
 * @internal
 */
export function describeIssue(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `expected ${issue.expected}, but it is missing`
        : `expected ${issue.expected}, received ${kindOf(issue.input)}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `expected ${list(issue.values)}` : `expected one of ${list(issue.values)}`;
    case 'too_small':
      return `expected at least ${issue.minimum}${issue.origin === 'string' ? ' character(s)' : issue.origin === 'array' ? ' item(s)' : ''}`;
    case 'too_big':
      return `expected at most ${issue.maximum}${issue.origin === 'string' ? ' character(s)' : issue.origin === 'array' ? ' item(s)' : ''}`;
    case 'invalid_union':
      if (issue.discriminator !== undefined && Array.isArray(issue.options)) {
        return `expected ${issue.discriminator} to be one of ${list(issue.options)}`;
      }
      return 'matches none of the allowed shapes';
    case 'unrecognized_keys':
      return `unexpected key(s) ${list(issue.keys)}`;
    case 'invalid_format':
      return `expected the ${issue.format} format`;
    case 'invalid_key':
      return 'has an invalid key';
    case 'not_multiple_of':
      return `expected a multiple of ${issue.divisor}`;
    default:
      return 'is invalid';
  }
}

/**
 * Builds a {@link TerraValidationError} from zod issues, keeping only what is safe to log.
 * @internal
 */
export function validationError(
  issues: readonly z.core.$ZodIssue[],
  subject: string,
  model: string | undefined,
): ErrorClass {
  return new TerraValidationError({
    subject,
    model,
    issues: issues.map((issue) => ({
      path: formatJsonPath(issue.path),
      pathSegments: issue.path.map((segment) => (typeof segment === 'number' ? segment : String(segment))),
      code: issue.code,
      message: issue.message,
    })),
  });
}
