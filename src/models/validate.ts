/**
 * Validation in place. zod's `parse` rebuilds every object it checks, which for a payload of 100,000
 * heart-rate samples costs more than reading the JSON. Terra's models have no transforms, defaults or
 * coercions, so a valid payload parses to a copy of itself; this module checks the payload where it
 * is instead, with a closure compiled once per schema from the schema's zod definition.
 *
 * zod stays the single source of truth: only constructs whose meaning is mirrored exactly here are
 * compiled (strings with at most a `min(1)`, numbers, booleans, null, unknown, literals, optional,
 * nullable, arrays, loose objects, tuples, string-keyed records, unions and discriminated unions);
 * anything else makes `compile` give up and the caller fall back to zod's own parse. When a check
 * fails, zod parses the value again to report its issues.
 *
 * @internal
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { ref } from './lazy.js';
import {
  acceptsAbsence,
  constantValues,
  type Definition,
  definition,
  hasDefault,
  hasTrait,
  internalsUsable,
  mayBeAbsent,
} from './zod-internals.js';

/** A compiled check: true when zod would accept the value unchanged. */
export type Check = (value: unknown) => boolean;

type Def = Definition;
type Schema = object;

/** Thrown inside `compile` for a construct it does not mirror. */
class Unsupported extends Error {}

const compiled = new WeakMap<object, Check | null>();

/** The compiled check for a schema, or `undefined` when zod's own parse has to be used. */
export function checkFor(schema: z.core.$ZodType): Check | undefined {
  if (!internalsUsable()) return undefined;
  const real = ref(schema) as unknown as Schema;
  const cached = compiled.get(real);
  if (cached !== undefined) return cached ?? undefined;
  let check: Check | null;
  try {
    check = compile(real, new Map());
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    check = null;
  }
  compiled.set(real, check);
  return check ?? undefined;
}

const noChecks = (def: Def) => def.checks === undefined || (Array.isArray(def.checks) && def.checks.length === 0);

function compile(schema: Schema, seen: Map<Schema, { check: Check | undefined }>): Check {
  // Recursive schemas (the planned-workout step) reach themselves again; point back at the slot.
  const slot = seen.get(schema);
  if (slot) return (value) => (slot.check as Check)(value);
  const own: { check: Check | undefined } = { check: undefined };
  seen.set(schema, own);
  own.check = build(schema, seen);
  return own.check;
}

function build(schema: Schema, seen: Map<Schema, { check: Check | undefined }>): Check {
  const def = definition(schema);
  const sub = (inner: unknown) => compile(ref(inner) as Schema, seen);
  if (def.coerce === true) throw new Unsupported('coerce');
  // String and number formats (z.email(), z.uuid(), z.int(), ...) check inside the schema itself,
  // not in `checks`: only plain strings and numbers are mirrored here.
  if (def.format !== undefined || hasTrait(schema, '$ZodStringFormat') || hasTrait(schema, '$ZodNumberFormat')) {
    throw new Unsupported('format');
  }
  switch (def.type) {
    case 'string': {
      const checks = (def.checks ?? []) as Schema[];
      let min = 0;
      for (const check of checks) {
        const checkDef = definition(check) as Def & { check?: string; minimum?: number };
        // For a floor of 1, zod's code-point count and the UTF-16 length agree; higher floors differ.
        if (checkDef.check !== 'min_length' || (checkDef.minimum ?? 2) > 1) throw new Unsupported('string check');
        min = Math.max(min, checkDef.minimum ?? 0);
      }
      return min === 0 ? (v) => typeof v === 'string' : (v) => typeof v === 'string' && v.length >= min;
    }
    case 'number':
      if (!noChecks(def)) throw new Unsupported('number check');
      return (v) => typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'null':
      return (v) => v === null;
    case 'unknown':
    case 'any':
      return () => true;
    case 'literal': {
      const values = new Set(def.values as unknown[]);
      return (v) => values.has(v);
    }
    case 'optional': {
      if (hasTrait(schema, '$ZodExactOptional')) throw new Unsupported('exact optional');
      const inner = sub(def.innerType);
      return (v) => v === undefined || inner(v);
    }
    case 'nullable': {
      const inner = sub(def.innerType);
      return (v) => v === null || inner(v);
    }
    case 'array': {
      if (!noChecks(def)) throw new Unsupported('array check');
      const element = sub(def.element);
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      };
    }
    case 'object':
      return buildObject(def, sub);
    case 'tuple': {
      if (!noChecks(def)) throw new Unsupported('tuple check');
      const items = (def.items as Schema[]).map((item) => {
        if (acceptsAbsence(ref(item))) throw new Unsupported('optional tuple item');
        return sub(item);
      });
      const rest = def.rest ? sub(def.rest) : undefined;
      const count = items.length;
      return (v) => {
        if (!Array.isArray(v)) return false;
        if (rest ? v.length < count : v.length !== count) return false;
        for (let i = 0; i < count; i++) if (!(items[i] as Check)(v[i])) return false;
        if (rest) for (let i = count; i < v.length; i++) if (!rest(v[i])) return false;
        return true;
      };
    }
    case 'record': {
      const keyDef = definition(ref(def.keyType));
      if (keyDef.type !== 'string' || !noChecks(keyDef) || def.mode === 'loose' || !noChecks(def)) {
        throw new Unsupported('record key');
      }
      const value = sub(def.valueType);
      return (v) => {
        if (!z.util.isPlainObject(v)) return false;
        const record = v as Record<PropertyKey, unknown>;
        for (const key of Reflect.ownKeys(record)) {
          if (key === '__proto__' || !Object.prototype.propertyIsEnumerable.call(record, key)) continue;
          // A symbol key fails the string key schema.
          if (typeof key === 'symbol' || !value(record[key])) return false;
        }
        return true;
      };
    }
    case 'union':
      return buildUnion(def, sub);
    default:
      throw new Unsupported(def.type);
  }
}

function buildObject(def: Def, sub: (inner: unknown) => Check): Check {
  const catchall = def.catchall === undefined ? undefined : definition(ref(def.catchall)).type;
  // Only loose objects (extra keys kept as they are) parse to a copy of their input.
  if (catchall !== 'unknown' || !noChecks(def)) throw new Unsupported('object mode');
  const shape = def.shape as Record<string, unknown>;
  if (Object.getOwnPropertySymbols(shape).length > 0 || Object.keys(shape).includes('__proto__')) {
    throw new Unsupported('object keys');
  }
  const keys = Object.keys(shape);
  const optional: string[] = [];
  const optionalChecks: Check[] = [];
  const required: string[] = [];
  const requiredChecks: Check[] = [];
  for (const key of keys) {
    const field = ref(shape[key]) as Schema;
    if (hasDefault(field)) throw new Unsupported('default');
    if (mayBeAbsent(field)) {
      optional.push(key);
      optionalChecks.push(sub(field));
    } else {
      required.push(key);
      requiredChecks.push(sub(field));
    }
  }
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const object = v as Record<string, unknown>;
    for (let i = 0; i < required.length; i++) {
      const key = required[i] as string;
      if (!(key in object) || !(requiredChecks[i] as Check)(object[key])) return false;
    }
    for (let i = 0; i < optional.length; i++) {
      if (!(optionalChecks[i] as Check)(object[optional[i] as string])) return false;
    }
    return true;
  };
}

function buildUnion(def: Def, sub: (inner: unknown) => Check): Check {
  const options = def.options as Schema[];
  if (typeof def.discriminator === 'string') {
    if (def.unionFallback === true) throw new Unsupported('union fallback');
    const key = def.discriminator;
    // The same table zod builds: each tag value leads to the one option that fixes it (null if several do).
    const byTag = new Map<unknown, Check | null>();
    for (const option of options) {
      const real = ref(option) as Schema;
      const values = constantValues(real, key);
      if (!values || values.size === 0) throw new Unsupported('discriminator');
      const check = sub(real);
      for (const value of values) byTag.set(value, byTag.has(value) ? null : check);
    }
    return (v) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
      const check = byTag.get((v as Record<string, unknown>)[key]);
      return check ? check(v) : false;
    };
  }
  if (def.inclusive === false) throw new Unsupported('exclusive union');
  const checks = options.map(sub);
  return (v) => {
    for (const check of checks) if (check(v)) return true;
    return false;
  };
}
