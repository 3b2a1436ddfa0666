/**
 * The one options checker. Each options type is a strict zod object built from the field builders
 * below; {@link parseConfig} (constructors) and {@link parseArguments} (method calls) run it and turn
 * the first issue into a typed error that names the option and says what to pass, with a "did you
 * mean" hint for a misspelt key. Schemas may also resolve values (defaults, dates to query strings),
 * so a method gets back exactly what it sends.
 *
 * Messages never repeat the value received: options hold credentials and user ids.
 *
 * @internal
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TerraConfigurationError, TerraInvalidArgumentError } from '../errors.js';
import { lazySchema } from '../models/lazy.js';
import { definition } from '../models/zod-internals.js';
import { secretList, secretProblem } from './secrets.js';

/** setTimeout's ceiling; a longer time limit would fire at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

type Issue = z.core.$ZodIssue;

/**
 * The options object of a method or constructor whose options interface is `I`: strict (unknown keys
 * are refused with a hint), absent counts as `{}`, and every key of `I` must have a schema. The
 * shape is given as a function and built on first use: building every checker at import would
 * cost each cold start several milliseconds of zod constructors.
 */
export function optionsOf<I>() {
  return <S extends { [K in keyof Required<I>]: z.core.$ZodType }>(shape: () => S) =>
    lazy(() => z.prefault(z.strictObject(shape()), {} as never));
}

/** A schema built by `build` on first use (the models' stand-in, without a model name). */
export function lazy<T extends object>(build: () => T): T {
  return lazySchema('options', build);
}

/** An issue with `message` as the whole sentence the user reads. */
const invalid = (ctx: { issues: unknown[]; value: unknown }, message: string) => {
  ctx.issues.push({ code: 'custom', message, input: ctx.value });
};

/** A non-empty string without surrounding whitespace (ids, names, credentials). */
export function text(name: string) {
  return z.string({ error: `${name} must be a non-empty string` }).check(
    z.superRefine((value, ctx) => {
      if (value.trim() === '') invalid(ctx, `${name} must be a non-empty string`);
      else if (value.trim() !== value) invalid(ctx, `${name} has leading or trailing whitespace; remove it`);
      else {
        const problem = characterProblem(value, name);
        if (problem !== undefined) invalid(ctx, problem);
      }
    }),
  );
}

/** A control character (C0, DEL, C1: NUL included). */
const CONTROL = /\p{Cc}/u;
/** Half of a surrogate pair without its other half: not a character, so not encodable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What makes a string unusable as an id or a credential, in words that never repeat it: a control
 * character (a header cannot carry NUL, and fetch would fail as "could not reach Terra"), or a lone
 * surrogate (UTF-8 turns each into U+FFFD, so two different ids would reach Terra as the same one).
 * `controls: false` allows control characters (an id sent encoded in a path can hold them).
 * @internal
 */
export function characterProblem(value: string, name: string, controls = true): string | undefined {
  if (controls && CONTROL.test(value))
    return `${name} contains a control character (such as NUL or a line break); check how it was copied`;
  if (LONE_SURROGATE.test(value))
    return `${name} contains half of a UTF-16 surrogate pair, which cannot be sent as UTF-8 (it would become U+FFFD and could match another value)`;
  return undefined;
}

/** An absolute URL; `http` limits it to http(s), otherwise any scheme (app deep links) is fine. */
export function url(name: string, scheme: 'http' | 'any', example: string) {
  return z.string({ error: `${name} must be a URL, such as ${example}` }).check(
    z.superRefine((value, ctx) => {
      const parsed = URL.canParse(value) ? new URL(value) : undefined;
      const ok = parsed !== undefined && (scheme === 'any' || /^https?:$/.test(parsed.protocol));
      if (!ok)
        invalid(ctx, `${name} must be an absolute ${scheme === 'http' ? 'http(s) ' : ''}URL, such as ${example}`);
    }),
  );
}

/** `true` or `false`. */
export function flag(name: string) {
  return z.boolean({ error: `${name} must be true or false` });
}

/** A whole number from `min` to `max`. */
export function wholeNumber(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
  const message = `${name} must be a whole number ${range}`;
  return z
    .number({ error: message })
    .check(z.refine((value) => Number.isInteger(value) && value >= min && value <= max, { error: message }));
}

/** A finite number above zero. */
export function positiveNumber(name: string) {
  const message = `${name} must be a positive number`;
  return z
    .number({ error: message })
    .check(z.refine((value) => Number.isFinite(value) && value > 0, { error: message }));
}

/** A time limit in milliseconds, from 1 to setTimeout's ceiling. */
export function milliseconds(name: string) {
  const message = `${name} must be a number of milliseconds between 1 and ${MAX_TIMEOUT_MS}`;
  return z
    .number({ error: message })
    .check(z.refine((value) => Number.isFinite(value) && value >= 1 && value <= MAX_TIMEOUT_MS, { error: message }));
}

/**
 * The value of an option that gained its unit in its name (`timeoutMs`, formerly `timeout`): the new
 * name, else the deprecated alias. Both given with different values is `{ conflict }`, the sentence
 * to throw, with the kind of error the caller throws (configuration or argument).
 */
export function renamedOption<T>(
  given: { readonly [key: string]: unknown },
  name: string,
  alias: string,
): { value: T | undefined; conflict?: undefined } | { value?: undefined; conflict: string } {
  const current = given[name] as T | undefined;
  const former = given[alias] as T | undefined;
  if (current !== undefined && former !== undefined && current !== former) {
    return {
      conflict: `${name} (${String(current)}) and its deprecated alias ${alias} (${String(former)}) differ: pass ${name} only`,
    };
  }
  return { value: current ?? former };
}

/** A function. */
export function callback<F>(name: string) {
  return z.custom<F>((value) => typeof value === 'function', { error: `${name} must be a function` });
}

/** An object with the methods named (a store, a client), checked by shape. */
export function methods<T>(name: string, names: readonly string[]) {
  return z.custom<T>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      names.every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
    { error: `${name} must be an object with the methods ${names.join(' and ')}` },
  );
}

/** An `AbortSignal`. */
export function abortSignal(name: string) {
  return z.custom<AbortSignal>((value) => typeof AbortSignal !== 'undefined' && value instanceof AbortSignal, {
    error: `${name} must be an AbortSignal`,
  });
}

/** A value checked (and converted) by a function that throws a {@link TerraInvalidArgumentError}. */
export function convertedBy<T>(convert: (value: unknown) => T) {
  return z.pipe(
    z.unknown(),
    z.transform((value, ctx) => {
      try {
        return convert(value);
      } catch (error) {
        if (!(error instanceof TerraInvalidArgumentError)) throw error;
        ctx.issues.push({ code: 'custom', message: error.message, input: value });
        return z.NEVER;
      }
    }),
  );
}

/** A webhook signing secret, or a list of them while rotating; parsed to a list. */
export function secrets() {
  return z.pipe(
    z.unknown(),
    z.transform((value, ctx) => {
      const problem = secretProblem(value);
      if (problem === undefined) return secretList(value as string | readonly string[]);
      ctx.issues.push({ code: 'custom', message: problem, input: value });
      return z.NEVER;
    }),
  );
}

/** Edit distance of two short strings, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

const camel = (name: string) => name.replace(/[_-]([a-z])/g, (_, c: string) => c.toUpperCase());

/** The known option a misspelt key most likely means: `start_date` or `startdate` for `startDate`. */
export function meantOption(key: string, known: readonly string[]): string | undefined {
  const exact = known.find((name) => name === camel(key) || name.toLowerCase() === key.toLowerCase());
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of known) {
    const d = distance(key.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return best;
}

/** The object schema inside wrappers (optional, default, checks), if there is one. */
function objectShape(schema: unknown): Record<string, unknown> | undefined {
  let current = schema;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    const def = definition(current);
    if (def.type === 'object') return def.shape as Record<string, unknown>;
    current = def.innerType ?? def.in;
  }
  return undefined;
}

/** The option names known at `path` inside `schema`, for the "did you mean" hint. */
function keysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  let shape = objectShape(schema);
  for (const segment of path) shape = objectShape(shape?.[String(segment)]);
  return shape ? Object.keys(shape) : [];
}

/**
 * An option's name from an issue path: `retry.retries`, `providers[]`. The root is `root`: `options`
 * for an options object, else the argument's own name (`userIds[]`).
 */
function nameAt(path: readonly PropertyKey[], root: string): string {
  let name = '';
  for (const segment of path) {
    if (typeof segment === 'number') name += '[]';
    else name += name === '' ? String(segment) : `.${String(segment)}`;
  }
  return name === '' || name.startsWith('[]') ? `${root}${name}` : name;
}

function describe(issue: Issue, schema: z.core.$ZodType, what: string): { name: string; message: string } {
  const root = objectShape(schema) ? 'options' : what;
  if (issue.code === 'unrecognized_keys') {
    const known = keysAt(schema, issue.path);
    const key = issue.keys[0] as string;
    const meant = meantOption(key, known);
    const where = issue.path.length === 0 ? what : `${what} (${nameAt(issue.path, root)})`;
    const hint = meant ? `did you mean ${meant}?` : `known options: ${known.join(', ')}`;
    return { name: nameAt([...issue.path, key], root), message: `${where} has an unknown option ${key} (${hint})` };
  }
  const name = nameAt(issue.path, root);
  if (issue.code === 'invalid_type' && issue.expected === 'object') {
    return { name, message: `${issue.path.length === 0 ? what : name} must be an object` };
  }
  return { name, message: issue.message };
}

function run<T>(
  schema: z.ZodMiniType<T>,
  value: unknown,
  what: string,
): { ok: true; data: T } | { ok: false; name: string; message: string } {
  const result = z.safeParse(schema, value === null ? undefined : value, { reportInput: false });
  if (result.success) return { ok: true, data: result.data };
  // A misspelt key usually explains the other issues (a required option "missing"): report it first.
  const issues = result.error.issues;
  const issue = (issues.find((item) => item.code === 'unrecognized_keys') ?? issues[0]) as Issue;
  return { ok: false, ...describe(issue, schema, what) };
}

/**
 * Checks a constructor's options.
 * @throws {@link TerraConfigurationError} naming the option and what to pass instead.
 */
export function parseConfig<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const result = run(schema, value, what);
  if (result.ok) return result.data;
  throw new TerraConfigurationError(result.name, result.message);
}

/**
 * Checks a method's arguments or options.
 * @throws {@link TerraInvalidArgumentError} naming the argument and what to pass instead.
 */
export function parseArguments<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const result = run(schema, value, what);
  if (result.ok) return result.data;
  throw new TerraInvalidArgumentError(result.name, result.message);
}
