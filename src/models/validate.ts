/**
 * Validation in place. zod's `parse` rebuilds every object it checks, which for a payload of 100,000
 * heart-rate samples costs more than reading the JSON. Terra's models have no transforms, defaults or
 * coercions, so a valid payload parses to a copy of itself; this module checks the payload where it
 * is instead, with a check compiled once per schema from the schema's zod definition (object checks
 * as generated code where the runtime allows it, closures elsewhere).
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
import { ref } from './stand-ins.js';
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

/**
 * How deep arrays and objects may nest in a value that is checked. Terra's payloads stay below 12;
 * a recursive schema (a planned workout's steps) would otherwise let a hostile payload nest deep
 * enough to overflow the stack of any recursive checker, this one's and zod's alike.
 */
export const MAX_DEPTH = 64;

/** What a compiled check throws for a value nested deeper than {@link MAX_DEPTH}. */
export const TOO_DEEP: unique symbol = Symbol('terra-sdk: nested too deep');

/** The nesting depth of the value being checked; the root check resets it. */
let depth = 0;

type Def = Definition;
type Schema = object;

/** Thrown inside `compile` for a construct it does not mirror. */
class Unsupported extends Error {}

let compiled = new WeakMap<object, Check | null>();

/**
 * Whether object checks are generated as code (`new Function`): on Node, Bun and Deno an object's
 * fields are then read by name, which V8 caches per field, instead of by a key from a list; the
 * check of a large payload costs about half as much. Where code cannot be generated (Cloudflare
 * Workers, a page whose Content-Security-Policy forbids eval) the closures do the same checks.
 */
let generate: boolean | undefined;

function canGenerate(): boolean {
  if (generate === undefined) {
    try {
      generate = new Function('return true')() === true;
    } catch {
      generate = false;
    }
  }
  return generate;
}

/**
 * Turns code generation on or off (tests run the checks both ways) and forgets every compiled check.
 * @internal
 */
export function useGeneratedChecks(on: boolean): void {
  generate = on;
  compiled = new WeakMap();
}

/** The compiled check for a schema, or `undefined` when zod's own parse has to be used. */
export function checkFor(schema: z.core.$ZodType): Check | undefined {
  // Keyed by the stand-in too, so the hot path is one lookup.
  const hit = compiled.get(schema);
  if (hit !== undefined) return hit ?? undefined;
  if (!internalsUsable()) return undefined;
  const real = ref(schema) as unknown as Schema;
  let check = compiled.get(real);
  if (check === undefined) {
    try {
      const root = compile(real, new Map());
      check = (value) => {
        depth = 0;
        return root(value);
      };
    } catch (error) {
      if (!(error instanceof Unsupported)) throw error;
      check = null;
    }
    compiled.set(real, check);
  }
  compiled.set(schema, check);
  return check ?? undefined;
}

/**
 * Leaf checks carry a code, so an object can run them inline: the kind of value in the low bits,
 * and whether `null` or `undefined` pass too.
 */
const STRING = 1;
const NUMBER = 2;
const BOOLEAN = 3;
const NULL_OK = 4;
const UNDEFINED_OK = 8;
const leafCodes = new WeakMap<Check, number>();

function leaf(code: number, check: Check): Check {
  leafCodes.set(check, code);
  return check;
}

/** `check` (the wrapper of `inner`) tagged as a leaf too, when `inner` is one. */
function wrapLeaf(inner: Check, flag: number, check: Check): Check {
  const code = leafCodes.get(inner);
  return code === undefined ? check : leaf(code | flag, check);
}

/** What the leaf check of `code` answers for `v`. */
function leafAccepts(code: number, v: unknown): boolean {
  if (v === undefined) return (code & UNDEFINED_OK) !== 0;
  if (v === null) return (code & NULL_OK) !== 0;
  switch (code & 3) {
    case STRING:
      return typeof v === 'string';
    case NUMBER:
      return typeof v === 'number' && Number.isFinite(v);
    default:
      return typeof v === 'boolean';
  }
}

/** One level deeper; past {@link MAX_DEPTH}, the check stops with {@link TOO_DEEP}. */
function enter(): void {
  if (++depth > MAX_DEPTH) throw TOO_DEEP;
}

/** One level back up. */
function leave(): void {
  depth--;
}

/**
 * Whether a value nests arrays and objects deeper than `max`, found without recursion. zod's own
 * parse, which recurses, is given only values that pass this.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue;
    const level = item.depth + 1;
    if (level > max) return true;
    const children = Array.isArray(item.value) ? item.value : Object.values(item.value);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: level });
    }
  }
  return false;
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
      return min === 0 ? leaf(STRING, (v) => typeof v === 'string') : (v) => typeof v === 'string' && v.length >= min;
    }
    case 'number':
      if (!noChecks(def)) throw new Unsupported('number check');
      return leaf(NUMBER, (v) => typeof v === 'number' && Number.isFinite(v));
    case 'boolean':
      return leaf(BOOLEAN, (v) => typeof v === 'boolean');
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
      return wrapLeaf(inner, UNDEFINED_OK, (v) => v === undefined || inner(v));
    }
    case 'nullable': {
      const inner = sub(def.innerType);
      return wrapLeaf(inner, NULL_OK, (v) => v === null || inner(v));
    }
    case 'array': {
      if (!noChecks(def)) throw new Unsupported('array check');
      const element = sub(def.element);
      return (v) => {
        if (!Array.isArray(v)) return false;
        enter();
        let ok = true;
        for (let i = 0; ok && i < v.length; i++) ok = element(v[i]);
        depth--;
        return ok;
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
        enter();
        let ok = true;
        for (let i = 0; ok && i < count; i++) ok = (items[i] as Check)(v[i]);
        if (rest) for (let i = count; ok && i < v.length; i++) ok = rest(v[i]);
        depth--;
        return ok;
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
        enter();
        // Own enumerable string keys, as zod reads them ('__proto__' aside); an enumerable symbol key
        // fails the string key schema.
        const keys = Object.keys(record);
        let ok = true;
        for (let i = 0; ok && i < keys.length; i++) {
          const key = keys[i] as string;
          if (key !== '__proto__') ok = value(record[key]);
        }
        if (ok) {
          for (const symbol of Object.getOwnPropertySymbols(record)) {
            if (Object.prototype.propertyIsEnumerable.call(record, symbol)) ok = false;
          }
        }
        depth--;
        return ok;
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
  const optionalLeaves: number[] = [];
  const required: string[] = [];
  const requiredChecks: Check[] = [];
  for (const key of keys) {
    const field = ref(shape[key]) as Schema;
    if (hasDefault(field)) throw new Unsupported('default');
    if (mayBeAbsent(field)) {
      optional.push(key);
      const check = sub(field);
      optionalChecks.push(check);
      optionalLeaves.push(leafCodes.get(check) ?? 0);
    } else {
      required.push(key);
      requiredChecks.push(sub(field));
    }
  }
  if (canGenerate()) {
    return generatedObject(
      required.map((key, i) => ({ key, check: requiredChecks[i] as Check, required: true })),
      optional.map((key, i) => ({ key, check: optionalChecks[i] as Check, required: false })),
    );
  }
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const object = v as Record<string, unknown>;
    enter();
    let ok = true;
    for (let i = 0; ok && i < required.length; i++) {
      const key = required[i] as string;
      ok = key in object && (requiredChecks[i] as Check)(object[key]);
    }
    for (let i = 0; ok && i < optional.length; i++) {
      const value = object[optional[i] as string];
      const code = optionalLeaves[i] as number;
      // Most fields are a nullish string, number or boolean: checked here without a call.
      ok = code === 0 ? (optionalChecks[i] as Check)(value) : leafAccepts(code, value);
    }
    depth--;
    return ok;
  };
}

interface Field {
  key: string;
  check: Check;
  required: boolean;
}

/** The test of a leaf check's code on `x`, as JavaScript: what {@link leafAccepts} answers. */
function leafCode(code: number, x: string): string {
  const base =
    (code & 3) === STRING
      ? `typeof ${x} === "string"`
      : (code & 3) === NUMBER
        ? `Number.isFinite(${x})`
        : `typeof ${x} === "boolean"`;
  const alternatives = [base];
  if (code & NULL_OK) alternatives.unshift(`${x} === null`);
  if (code & UNDEFINED_OK) alternatives.unshift(`${x} === undefined`);
  return `(${alternatives.join(' || ')})`;
}

/**
 * The object check of {@link buildObject} as generated code: the same tests in the same order
 * (required keys with `in`, then the optional ones), leaf fields tested inline, others through
 * their compiled check. Keys are the schema's own (Terra's field names), written as JSON string
 * literals; nothing from the value checked reaches the code.
 */
function generatedObject(required: Field[], optional: Field[]): Check {
  const checks: Check[] = [];
  const tests: string[] = [];
  for (const field of [...required, ...optional]) {
    const key = JSON.stringify(field.key);
    const code = leafCodes.get(field.check);
    let test: string;
    if (code === undefined) {
      checks.push(field.check);
      test = `c[${checks.length - 1}](v[${key}])`;
    } else {
      test = leafCode(code, `v[${key}]`);
    }
    tests.push(field.required ? `(${key} in v && ${test})` : test);
  }
  const body = `return function check(v) {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  enter();
  const ok = ${tests.length > 0 ? tests.join(' &&\n    ') : 'true'};
  leave();
  return ok;
};`;
  return new Function('c', 'enter', 'leave', body)(checks, enter, leave) as Check;
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
