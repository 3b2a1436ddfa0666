import type * as z from 'zod';
import { type TerraValidationError as ErrorClass, TerraValidationError } from '../errors.js';
import { formatJsonPath } from '../internal/json-path.js';
import { modelName } from './lazy.js';
import { checkFor } from './validate.js';

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
export function parseModel<T>(schema: z.ZodType<T>, value: unknown, options: ParseModelOptions = {}): T {
  const check = checkFor(schema);
  if (check?.(value)) return value as T;
  // Either the value is invalid, or the schema uses something the fast check does not cover:
  // zod decides, and its issues make the error.
  const result = schema.safeParse(value, { reportInput: false });
  if (result.success) return result.data;
  throw validationError(result.error.issues, options.subject ?? 'The value', modelName(schema));
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
