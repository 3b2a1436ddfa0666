/**
 * The registry of generated schemas' stand-ins: which real schema each one builds, and each model's
 * name. Kept apart from `lazy.ts` (which makes the stand-ins) so that the in-place validator can see
 * through a stand-in without importing the module that imports it.
 *
 * @internal
 * @packageDocumentation
 */

const builders = new WeakMap<object, () => object>();
const names = new WeakMap<object, string>();

/**
 * Records a stand-in (or a real schema) under its model name, and how to build the real schema.
 * @internal
 */
export function registerStandIn(schema: object, name: string, resolve?: () => object): void {
  if (resolve !== undefined) builders.set(schema, resolve);
  names.set(schema, name);
}

/**
 * The model name of a generated schema (its stand-in or the real one), if it is one.
 * @internal
 */
export function modelName(schema: object): string | undefined {
  return names.get(schema);
}

/**
 * The real schema behind a stand-in (or the argument itself if it is not one). Generated schemas
 * compose through this, so parsing never pays the stand-in's indirection.
 * @internal
 */
export function ref<T>(schema: T): T {
  const resolve = builders.get(schema as object);
  return resolve ? (resolve() as T) : schema;
}
