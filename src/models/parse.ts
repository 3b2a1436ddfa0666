import * as z from 'zod/mini';
import { type TerraValidationError as ErrorClass, TerraInvalidArgumentError, TerraValidationError } from '../errors.js';
import { describeKind } from '../internal/describe.js';
import { formatJsonPath } from '../internal/json-path.js';
import { callback, optionsOf, parseArguments } from '../internal/options.js';
import { type DriftListener, driftOf, MAX_DRIFT, NO_DRIFT, type Tolerated } from './drift.js';
import { type BrokenField, brokenIdentifyingFields } from './identifying.js';
import { modelName } from './lazy.js';
import { checkFor, MAX_DEPTH, nestsDeeperThan, TOO_DEEP } from './validate.js';

// Drift (what it is, how it is kept) lives in drift.ts; re-exported for those importing it from here.
export { type DriftListener, MAX_DRIFT, NO_DRIFT, type SchemaDrift, type Tolerated } from './drift.js';

/** Options of {@link parseModel}. */
export interface ParseModelOptions {
  /**
   * What the value is, for the error message: `'The GET /activity response'`. Defaults to
   * `'The value'`.
   */
  subject?: string | undefined;
  /**
   * Accept drift, and receive it here. Without it, `parseModel` is strict: any difference from the
   * schema throws. With it, only a broken identifying field throws (the root's kind, and for events,
   * collections and users the fields listed in `docs/models.md`); every other difference is passed to
   * `onDrift`, once, and the value is returned as received.
   */
  onDrift?: DriftListener | undefined;
}

const parseModelOptions = optionsOf<ParseModelOptions>()(() => ({
  subject: z.optional(z.string()),
  onDrift: z.optional(callback<DriftListener>('onDrift')),
}));

/**
 * Validates `value` against a model schema and returns it typed, or throws a
 * {@link TerraValidationError} that lists each problem with its JSON path (never the values).
 *
 * Unlike `schema.parse`, which builds a copy, this checks the value in place and returns the same
 * object when it is valid: large payloads (10 MB of samples) are not copied. Fields the schema does
 * not know are kept, as with `schema.parse`.
 *
 * With `onDrift`, it follows the SDK's policy for what Terra really sends (`docs/models.md`): a value
 * whose identifying fields hold is returned as received even where it differs from the schema, and
 * those differences go to `onDrift`.
 *
 * @example
 * ```ts
 * import { ActivitySchema, parseModel, SleepSchema } from 'terra-sdk';
 * const activity = parseModel(ActivitySchema, JSON.parse(body));
 * console.log(activity.metadata.summary_id);
 *
 * // Tolerant: a stored sleep record from an older provider, with drift logged rather than thrown.
 * const night = parseModel(SleepSchema, stored, { onDrift: (drift) => console.warn(drift.map((d) => d.path)) });
 * ```
 * @throws {@link TerraValidationError} when the value does not match (with `onDrift`: when an
 *   identifying field is broken, or the value is not even of the schema's kind).
 * @throws {@link TerraInvalidArgumentError} when `schema` is not a model schema, or an option has the
 *   wrong kind of value.
 */
export function parseModel<T>(schema: z.core.$ZodType<T>, value: unknown, options?: ParseModelOptions): T {
  if (!isSchema(schema))
    throw new TerraInvalidArgumentError(
      'schema',
      `parseModel needs a model schema (such as ActivitySchema) as its first argument, not ${describeKind(schema)}`,
    );
  const given = options === undefined ? {} : parseArguments(parseModelOptions, options, 'parseModel options');
  const subject = given.subject ?? 'The value';
  if (given.onDrift === undefined) return parseStrict(schema, value, subject);
  const parsed = parseWithDrift(schema, value, subject);
  if (parsed.drift.length > 0) given.onDrift(parsed.drift);
  return parsed.value;
}

/** Whether a value is a zod schema (what every `...Schema` export is); anything else would fail deep inside. */
function isSchema(value: unknown): boolean {
  const internals = (value as { _zod?: unknown } | null)?._zod;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof internals === 'object' &&
    internals !== null &&
    typeof (internals as { def?: unknown }).def === 'object'
  );
}

/**
 * {@link parseModel} without options: any difference from the schema throws.
 * @internal
 */
export function parseStrict<T>(schema: z.core.$ZodType<T>, value: unknown, subject: string): T {
  if (checksInPlace(schema, value, subject)) return value as T;
  // Either the value is invalid, or the schema uses something the fast check does not cover:
  // zod decides, and its issues make the error.
  const result = z.safeParse(schema, value, { reportInput: false, error: describeIssue });
  if (result.success) return result.data;
  throw validationError(result.error.issues, subject, modelName(schema));
}

/**
 * Whether the fast in-place check passes. Throws the `too_deep` error for a value nested deeper than
 * {@link MAX_DEPTH}, before zod, which recurses as deep as the value goes, could overflow the stack.
 */
function checksInPlace(schema: z.core.$ZodType, value: unknown, subject: string): boolean {
  const check = checkFor(schema);
  if (check !== undefined) {
    try {
      if (check(value)) return true;
    } catch (error) {
      throw error === TOO_DEEP ? tooDeepError(schema, subject) : error;
    }
  }
  if (nestsDeeperThan(value, MAX_DEPTH)) throw tooDeepError(schema, subject);
  return false;
}

/**
 * The policy of DESIGN §2: throws only when an identifying field of the schema's model is broken (or
 * the value is not even of the schema's kind); otherwise returns the value as received (never a copy)
 * with its drift.
 * @throws {@link TerraValidationError} for a broken identifying field.
 * @internal
 */
export function parseWithDrift<T>(schema: z.core.$ZodType<T>, value: unknown, subject: string): Tolerated<T> {
  const model = modelName(schema);
  const broken = brokenIdentifyingFields(model, value);
  if (broken.length > 0) throw validationError(broken.map(issueOf), subject, model);
  if (checksInPlace(schema, value, subject)) return { value: value as T, drift: NO_DRIFT };
  const result = z.safeParse(schema, value, { reportInput: false, error: describeIssue });
  if (result.success) return { value: value as T, drift: NO_DRIFT };
  const issues = result.error.issues;
  // An issue at the root: the value is not even an object (or matches no arm of a union).
  if (issues.some((issue) => issue.path.length === 0)) throw validationError(issues, subject, model);
  return { value: value as T, drift: driftOf(issues) };
}

/**
 * The answer of a call that changed something at Terra: never refused for its shape, since refusing
 * it would lose the effect (a planned workout's id, an upload's session). What {@link parseWithDrift}
 * would refuse (a broken identifying field, a value of another kind) is drift here too.
 * @internal
 */
export function parseEffectAnswer<T>(schema: z.core.$ZodType<T>, value: unknown, subject: string): Tolerated<T> {
  try {
    return parseWithDrift(schema, value, subject);
  } catch (error) {
    if (!(error instanceof TerraValidationError)) throw error;
    const issues = error.issues;
    const kept = issues.length > MAX_DRIFT ? issues.slice(0, MAX_DRIFT - 1) : issues;
    const drift = kept.map(({ path, pathSegments, code, message }) => ({ path, pathSegments, code, message }));
    if (issues.length > MAX_DRIFT)
      drift.push({
        path: '$',
        pathSegments: [],
        code: 'truncated',
        message: `and ${issues.length - kept.length} more place(s)`,
      });
    return { value: value as T, drift: Object.freeze(drift) };
  }
}

function issueOf(broken: BrokenField): z.core.$ZodIssue {
  return { ...broken, message: describeIssue(broken as z.core.$ZodRawIssue) } as z.core.$ZodIssue;
}

function tooDeepError(schema: object, subject: string): ErrorClass {
  return new TerraValidationError({
    subject,
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
