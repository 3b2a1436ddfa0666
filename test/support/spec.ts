/**
 * What the tests know of Terra's spec: the tables `npm run generate` derives from it into
 * test/fixtures/spec/ (scripts/generate-test-data.ts), so no test needs the spec itself. Each row
 * says where in the spec it came from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The generated tables. */
export const SPEC_DATA_DIR = resolve(import.meta.dirname, '../fixtures/spec');

/**
 * Terra's spec itself, where `TERRA_SPEC_DIR` names it (CI sets it). Only the tests of the generators
 * read it, through the generators; without it they are skipped.
 */
export const SPEC_DIR = process.env.TERRA_SPEC_DIR ? resolve(process.env.TERRA_SPEC_DIR) : undefined;
export const specPresent = SPEC_DIR !== undefined && existsSync(join(SPEC_DIR, 'dist', 'v2-bundled.yaml'));

export const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const cache = new Map<string, unknown>();
function table<T>(file: string): T {
  if (!cache.has(file)) cache.set(file, JSON.parse(readFileSync(join(SPEC_DATA_DIR, file), 'utf8')));
  return cache.get(file) as T;
}

/** One operation of the bundle's `paths`. */
export interface SpecOperation {
  method: string;
  path: string;
  operationId: string | null;
  source: string;
  /** The path item's parameters, then the operation's own. */
  parameters: { name: string; in: string; required: boolean }[];
  requestBody: { required: boolean; mediaTypes: string[] } | null;
  /** Every documented status, as written (`200`, `404`). */
  responses: string[];
}

export function specOperations(): SpecOperation[] {
  return table<{ operations: SpecOperation[] }>('operations.json').operations;
}

/**
 * Where a test finds the generated schema an example illustrates: a model, the first of several
 * models that exists, or a union of roots.
 */
export type ExampleRoot = { model: string } | { firstOf: string[] } | { union: ExampleRoot[] };

/**
 * A step from a schema to a part of it, named by the JSON-Schema keyword: `['properties', name]`,
 * `['items']`, `['prefixItems', i]`, `['anyOf' | 'oneOf', i]`, `['allOf']`.
 */
export type ExampleStep = [string, (string | number)?];

/** One example of the spec, with its place (`schemas/Foo.yaml#/pointer` or `dist/v2-bundled.yaml#/...`). */
export interface SpecExample {
  source: string;
  root: ExampleRoot | null;
  steps: ExampleStep[];
  value: Json;
}

export function specExamples(): { schemaFiles: SpecExample[]; bundle: SpecExample[] } {
  return table('examples.json');
}

/** A body of the bundle's `webhooks:` section. */
export interface WebhookExample {
  /** The section's entry (`auth`, `s3_upload`). */
  entry: string;
  /** `example`, or the name of the entry's example. */
  name: string;
  source: string;
  value: JsonObject;
}

export function specWebhooks(): {
  /** The `type` of each arm of WebhookEventType.yaml, with the schema it names. */
  eventTypes: { type: string; model: string; source: string }[];
  /** The entries of the bundle's `webhooks:` section. */
  entries: string[];
  examples: WebhookExample[];
  /** For each event type without a whole example: an event built from its schema's field examples. */
  fromFieldExamples: { model: string; source: string; value: JsonObject }[];
} {
  return table('webhooks.json');
}

/** The names of the spec's schema files (`schemas/<name>.yaml`). */
export function schemaFileNames(): string[] {
  return table<{ schemaFiles: string[] }>('schema-files.json').schemaFiles;
}

/** Where a corpus payload differs from its spec schema, by corpus file. */
export function corpusSpecIssues(): Record<
  string,
  { specModel: string; sha256: string; issues: { path: string; keyword: string }[] }
> {
  return table<{ payloads: ReturnType<typeof corpusSpecIssues> }>('corpus-spec-issues.json').payloads;
}
