/**
 * Building blocks of the generated models. Importing `terra-sdk` must not pay for constructing two
 * hundred zod schemas, so every generated `FooSchema` is a stand-in that builds the real schema the
 * first time anything touches it, and from then on forwards every operation to it. To callers it
 * behaves as the schema itself: `parse`, `safeParse`, `shape`, `extend` and `instanceof` all work.
 *
 * `parse`, `safeParse` and their async forms check the value in place first, as `parseModel` does,
 * and return it as it is when it is valid: zod would build a copy, which costs more than reading the
 * JSON. Otherwise zod parses it, after a check that it does not nest deeper than a recursive parse
 * can go, and reports its issues as usual.
 *
 * @internal
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { registerStandIn } from './stand-ins.js';
import { checkFor, MAX_DEPTH, nestsDeeperThan, TOO_DEEP } from './validate.js';

export { modelName, ref } from './stand-ins.js';

/**
 * Returns a stand-in for the schema `build` makes, calling `build` once, on first use. `name` is the
 * model's name, used in validation errors.
 * @internal
 */
export function lazySchema<T extends object>(name: string, build: () => T): T {
  let schema: T | undefined;
  let building = false;
  const resolve = (): T => {
    if (schema === undefined) {
      if (building) {
        // The generator writes self-references as getters, so this only happens after a bad edit.
        throw new Error('terra-sdk: a model schema refers to itself while being built');
      }
      building = true;
      try {
        schema = build();
        registerStandIn(schema, name);
      } finally {
        building = false;
      }
    }
    return schema;
  };
  let fast: ZodParsers | undefined;
  const proxy = new Proxy({} as T, {
    get: (_, key) => {
      const real = resolve();
      if (typeof key === 'string' && key in PARSERS) {
        fast ??= fastParsers(real as unknown as ZodParsers);
        return fast[key as keyof ZodParsers];
      }
      return Reflect.get(real, key);
    },
    set: (_, key, value) => Reflect.set(resolve(), key, value),
    has: (_, key) => Reflect.has(resolve(), key),
    ownKeys: () => Reflect.ownKeys(resolve()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(resolve(), key);
      // The stand-in's own target has no such property; a proxy may only report configurable ones.
      if (descriptor) descriptor.configurable = true;
      return descriptor;
    },
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(resolve(), key, descriptor),
    deleteProperty: (_, key) => Reflect.deleteProperty(resolve(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(resolve()),
  });
  registerStandIn(proxy, name, resolve);
  return proxy;
}

type Parse = (data: unknown, params?: unknown) => unknown;
interface ZodParsers {
  parse: Parse;
  safeParse: Parse;
  parseAsync: Parse;
  safeParseAsync: Parse;
}
const PARSERS = { parse: 1, safeParse: 1, parseAsync: 1, safeParseAsync: 1 };

/**
 * The error for a value nested deeper than {@link MAX_DEPTH}: zod's own error class, made by zod
 * from a check that always fails (reaching the class through `z.core` would pull all of zod's
 * locales into bundles).
 */
const tooDeep = () =>
  z.safeParse(
    z.custom(() => false, {
      error: `nests arrays and objects more than ${MAX_DEPTH} levels deep, far beyond any Terra payload`,
    }),
    undefined,
  ).error as z.core.$ZodError;

/** `parse` and friends of a real schema, with the in-place check first. */
function fastParsers(real: ZodParsers): ZodParsers {
  const check = checkFor(real as unknown as z.core.$ZodType);
  // Valid as it is; or to zod; or too deep for zod.
  const verdict = (data: unknown): 'valid' | 'zod' | 'deep' => {
    if (check !== undefined) {
      try {
        if (check(data)) return 'valid';
      } catch (error) {
        if (error === TOO_DEEP) return 'deep';
        throw error;
      }
    }
    return nestsDeeperThan(data, MAX_DEPTH) ? 'deep' : 'zod';
  };
  return {
    parse: (data, params) => {
      const v = verdict(data);
      if (v === 'valid') return data;
      if (v === 'deep') throw tooDeep();
      return real.parse(data, params);
    },
    safeParse: (data, params) => {
      const v = verdict(data);
      if (v === 'valid') return { success: true, data };
      if (v === 'deep') return { success: false, error: tooDeep() };
      return real.safeParse(data, params);
    },
    parseAsync: async (data, params) => {
      const v = verdict(data);
      if (v === 'valid') return data;
      if (v === 'deep') throw tooDeep();
      return real.parseAsync(data, params);
    },
    safeParseAsync: async (data, params) => {
      const v = verdict(data);
      if (v === 'valid') return { success: true, data };
      if (v === 'deep') return { success: false, error: tooDeep() };
      return real.safeParseAsync(data, params);
    },
  };
}

/**
 * A union whose arms share a property fixed to a distinct constant in each (a `type` tag).
 * @internal
 */
export function oneOfTagged<T>(discriminator: string, options: readonly z.ZodMiniType[]): z.ZodMiniType<T> {
  return z.discriminatedUnion(discriminator, options as unknown as Parameters<typeof z.discriminatedUnion>[1]) as never;
}

/**
 * A union tried arm by arm.
 * @internal
 */
export function anyOf<T>(options: readonly z.ZodMiniType[]): z.ZodMiniType<T> {
  return z.union(options as unknown as Parameters<typeof z.union>[0]) as never;
}
