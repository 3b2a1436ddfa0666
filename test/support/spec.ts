/**
 * Reads Terra's spec for tests: the schema files and the bundle, loaded with the YAML core schema so
 * unquoted timestamps stay strings, as they arrive over the wire.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { INLINE_SCHEMAS, inlineSchemaPointer, loadYaml } from '../../scripts/generate-models.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const SPEC_DIR = resolve(import.meta.dirname, '../../../shared/terra-openapi');

export const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function schemaFiles(): Map<string, JsonObject> {
  const dir = join(SPEC_DIR, 'schemas');
  const files = new Map<string, JsonObject>();
  for (const file of readdirSync(dir).sort()) {
    if (file.endsWith('.yaml')) files.set(file.slice(0, -'.yaml'.length), loadYaml(join(dir, file)) as JsonObject);
  }
  return files;
}

let bundleCache: JsonObject | undefined;
export function bundle(): JsonObject {
  bundleCache ??= loadYaml(join(SPEC_DIR, 'dist', 'v2-bundled.yaml')) as JsonObject;
  return bundleCache;
}

/** Inline schema names by the JSON pointer (joined with `/`) of their place in the bundle. */
export function inlineNamesByPointer(): Map<string, string> {
  return new Map(Object.keys(INLINE_SCHEMAS).map((name) => [inlineSchemaPointer(name).join('/'), name]));
}

export function refName(ref: string): string {
  if (ref.startsWith('#/$defs/')) return ref.slice('#/$defs/'.length);
  if (ref.startsWith('#/components/schemas/')) return ref.slice('#/components/schemas/'.length);
  return ref.slice(ref.lastIndexOf('/') + 1).replace(/\.yaml$/, '');
}
