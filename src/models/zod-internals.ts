/**
 * The one place that reads zod's internals (`schema._zod`): a schema's definition, whether an object
 * key holding it may be absent, its traits, and the constant values a discriminated union keys on.
 *
 * zod marks `_zod` as internal, so any release may reshape it. Every read goes through this module,
 * and {@link internalsUsable} checks once, on schemas built here, that the shape is the one this code
 * understands. When it is not, the in-place validator (`validate.ts`) switches itself off and every
 * parse goes through zod's public API instead: slower, never wrong. CI also runs the model tests
 * against the newest zod 4 release, so a change shows up in this project's CI before users see it.
 *
 * @internal
 * @packageDocumentation
 */
import * as z from 'zod/mini';

/** A schema's definition: `type` names the construct; the other keys depend on it. */
export type Definition = { readonly type: string; readonly [key: string]: unknown };

interface Internals {
  def: Definition;
  optin?: unknown;
  optout?: unknown;
  traits: Set<string>;
  propValues?: Record<string, Set<unknown>>;
}

const internals = (schema: unknown): Internals => (schema as { _zod: Internals })._zod;

/** The schema's definition. */
export function definition(schema: unknown): Definition {
  return internals(schema).def;
}

/** Whether an object key holding this schema may be absent (`z.optional`, `z.nullish`). */
export function mayBeAbsent(schema: unknown): boolean {
  const { optin, optout } = internals(schema);
  return optin === 'optional' && optout === 'optional';
}

/** Whether the schema fills in a default when its key is absent (`z._default`). */
export function hasDefault(schema: unknown): boolean {
  return internals(schema).optin === 'defaulted';
}

/** Whether the schema accepts `undefined` in some way (optional, defaulted, ...). */
export function acceptsAbsence(schema: unknown): boolean {
  return internals(schema).optin !== undefined;
}

/** Whether the schema carries a trait, such as `$ZodStringFormat`. */
export function hasTrait(schema: unknown, trait: string): boolean {
  return internals(schema).traits.has(trait);
}

/** The constant values the schema fixes for property `key` (what a discriminated union keys on). */
export function constantValues(schema: unknown, key: string): ReadonlySet<unknown> | undefined {
  return internals(schema).propValues?.[key];
}

let usable: boolean | undefined;

/**
 * Whether zod's internals have the shape this module reads, checked once on schemas of known
 * construction. False means: do not compile checks from definitions, use zod's own parse.
 */
export function internalsUsable(): boolean {
  usable ??= probe();
  return usable;
}

function probe(): boolean {
  try {
    const tagged = z.looseObject({ kind: z.literal('a'), name: z.string().check(z.minLength(1)) });
    const union = z.discriminatedUnion('kind', [tagged, z.looseObject({ kind: z.literal('b') })]);
    const objectDef = definition(tagged);
    const shape = objectDef.shape as Record<string, unknown>;
    const nameChecks = definition(shape.name).checks as unknown[];
    return (
      objectDef.type === 'object' &&
      definition(objectDef.catchall).type === 'unknown' &&
      definition(shape.kind).type === 'literal' &&
      Array.isArray(definition(shape.kind).values) &&
      Array.isArray(nameChecks) &&
      (definition(nameChecks[0]) as { check?: unknown; minimum?: unknown }).check === 'min_length' &&
      (definition(nameChecks[0]) as { minimum?: unknown }).minimum === 1 &&
      mayBeAbsent(z.optional(z.string())) &&
      mayBeAbsent(z.nullish(z.string())) &&
      !mayBeAbsent(z.nullable(z.string())) &&
      !mayBeAbsent(z.string()) &&
      definition(z.nullable(z.string())).innerType !== undefined &&
      definition(z.array(z.string())).element !== undefined &&
      hasTrait(z.email(), '$ZodStringFormat') &&
      !hasTrait(z.string(), '$ZodStringFormat') &&
      definition(union).discriminator === 'kind' &&
      constantValues(tagged, 'kind')?.has('a') === true
    );
  } catch {
    return false;
  }
}
