/**
 * Test data generator: turns what the tests need from Terra's spec into data files under
 * `test/fixtures/spec/`, so a clone without `../shared` tests itself (DESIGN §2: "a clone tests
 * itself"). The spec files are never copied: each file holds one table the tests read, with the place
 * in the spec every row came from.
 *
 *   npm run generate                      writes these files too (scripts/generate.ts runs both generators)
 *   tsx scripts/generate-test-data.ts [--spec <dir>] [--out <dir>] [--check]
 *
 * Files written:
 * - `operations.json`: every operation of `dist/v2-bundled.yaml` (method, path, operationId, the
 *   parameters' name, place and whether required, the request body's media types, the response
 *   statuses), for the test that every operation has a client method;
 * - `examples.json`: every example of `schemas/*.yaml` and of the bundle, with where it sits and the
 *   way from a generated model to the schema it illustrates, for the test that each parses;
 * - `webhooks.json`: the event types of `WebhookEventType.yaml`, the example bodies of the bundle's
 *   `webhooks:` section, and for the event types it has no example of, an event built from the
 *   schema's field examples;
 * - `schema-files.json`: the names of the schema files (one generated model each);
 * - `corpus-spec-issues.json`: where each corpus webhook payload (`test/corpus/`) differs from its
 *   spec schema, as ajv finds it, with a digest of the payload so a changed payload is noticed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { INLINE_SCHEMAS, inlineSchemaPointer, loadYaml } from './generate-models.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const GENERATOR = 'scripts/generate-test-data.ts';
const BUNDLE = 'dist/v2-bundled.yaml';

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON pointer from path segments (RFC 6901 escapes). */
const pointer = (segments: (string | number)[]) =>
  segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

function refName(ref: string): string {
  if (ref.startsWith('#/$defs/')) return ref.slice('#/$defs/'.length);
  if (ref.startsWith('#/components/schemas/')) return ref.slice('#/components/schemas/'.length);
  return ref.slice(ref.lastIndexOf('/') + 1).replace(/\.yaml$/, '');
}

interface Spec {
  dir: string;
  files: Map<string, JsonObject>;
  bundle: JsonObject;
}

function loadSpec(dir: string): Spec {
  const files = new Map<string, JsonObject>();
  for (const file of readdirSync(join(dir, 'schemas')).sort()) {
    if (file.endsWith('.yaml'))
      files.set(file.slice(0, -'.yaml'.length), loadYaml(join(dir, 'schemas', file)) as JsonObject);
  }
  return { dir, files, bundle: loadYaml(join(dir, BUNDLE)) as JsonObject };
}

/** What every generated file starts with: what made it, from what, and not to edit it. */
function header(source: string): JsonObject {
  return {
    generated: `by ${GENERATOR} (npm run generate); do not edit`,
    source: `Terra's OpenAPI description (terra-openapi, read by npm run generate): ${source}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Operations

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function operations(spec: Spec): JsonObject {
  const rows: Json[] = [];
  for (const [path, item] of Object.entries(spec.bundle.paths as JsonObject)) {
    if (!isObject(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters.filter(isObject) : [];
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const own = Array.isArray(operation.parameters) ? operation.parameters.filter(isObject) : [];
      const body = isObject(operation.requestBody) ? operation.requestBody : undefined;
      rows.push({
        method: method.toUpperCase(),
        path,
        operationId: (operation.operationId as string | undefined) ?? null,
        source: `${BUNDLE}#${pointer(['paths', path, method])}`,
        parameters: [...shared, ...own].map((p) => ({
          name: p.name ?? null,
          in: p.in ?? null,
          required: p.required === true,
        })),
        requestBody: body
          ? { required: body.required === true, mediaTypes: Object.keys(isObject(body.content) ? body.content : {}) }
          : null,
        responses: Object.keys(isObject(operation.responses) ? operation.responses : {}),
      });
    }
  }
  return { ...header(`${BUNDLE}, paths`), operations: rows };
}

// ---------------------------------------------------------------------------------------------
// Examples

/**
 * How a test finds the generated schema an example belongs to: start at `root` (a model, the first
 * model of a list that exists, or a union of roots), then follow `steps` through the schema.
 */
type Root = { model: string } | { firstOf: string[] } | { union: Root[] };
type Step = Json[];

interface Example {
  source: string;
  root: Root | null;
  steps: Step[];
  value: Json;
}

class ExampleWalker {
  readonly examples: Example[] = [];

  /** Walks a JSON Schema node as the test walks the generated schema beside it. */
  walk(node: Json, file: string, at: (string | number)[], root: Root | null, steps: Step[]): void {
    if (!isObject(node)) return;
    const add = (where: (string | number)[], value: Json) =>
      this.examples.push({ source: `${file}#${pointer(where)}`, root, steps, value });
    if (Array.isArray(node.examples)) for (const [i, ex] of node.examples.entries()) add([...at, 'examples', i], ex);
    if ('example' in node) add([...at, 'example'], node.example as Json);
    if (isObject(node.properties)) {
      for (const [name, prop] of Object.entries(node.properties)) {
        this.walk(prop, file, [...at, 'properties', name], root, [...steps, ['properties', name]]);
      }
    }
    if (isObject(node.items)) this.walk(node.items, file, [...at, 'items'], root, [...steps, ['items']]);
    if (Array.isArray(node.prefixItems)) {
      for (const [i, item] of node.prefixItems.entries()) {
        this.walk(item, file, [...at, 'prefixItems', i], root, [...steps, ['prefixItems', i]]);
      }
    }
    for (const key of ['anyOf', 'oneOf'] as const) {
      const arms = node[key];
      if (!Array.isArray(arms)) continue;
      for (const [i, arm] of arms.entries()) {
        if (isObject(arm) && arm.type === 'null') continue;
        this.walk(arm, file, [...at, key, i], root, [...steps, [key, i]]);
      }
    }
    if (Array.isArray(node.allOf)) {
      for (const [i, part] of node.allOf.entries()) {
        this.walk(part, file, [...at, 'allOf', i], root, [...steps, ['allOf']]);
      }
    }
    if (isObject(node.$defs)) {
      for (const [name, d] of Object.entries(node.$defs))
        this.walk(d, file, [...at, '$defs', name], { model: name }, []);
    }
  }

  /** A `content` map of a request body or response: its media examples and its schema's. */
  content(content: Json, file: string, at: string[]): void {
    if (!isObject(content)) return;
    for (const [mediaType, media] of Object.entries(content)) {
      if (!isObject(media)) continue;
      const where = [...at, 'content', mediaType];
      const root = bodyRoot([...where, 'schema'], media.schema ?? null);
      this.walk(media.schema ?? null, file, [...where, 'schema'], root, []);
      if ('example' in media) {
        this.examples.push({
          source: `${file}#${pointer([...where, 'example'])}`,
          root,
          steps: [],
          value: media.example as Json,
        });
      }
      if (isObject(media.examples)) {
        for (const [name, ex] of Object.entries(media.examples)) {
          if (isObject(ex) && 'value' in ex) {
            const source = `${file}#${pointer([...where, 'examples', name, 'value'])}`;
            this.examples.push({ source, root, steps: [], value: ex.value as Json });
          }
        }
      }
    }
  }
}

const inlineNames = new Map(Object.keys(INLINE_SCHEMAS).map((name) => [inlineSchemaPointer(name).join('/'), name]));

/** The generated model of a body schema at `at` in the bundle: an inline body's name, a `$ref`, or a union. */
function bodyRoot(at: string[], schema: Json): Root | null {
  const inline = inlineNames.get(at.join('/'));
  if (inline) return { model: inline };
  if (!isObject(schema)) return null;
  if (typeof schema.$ref === 'string') return { model: refName(schema.$ref) };
  if (Array.isArray(schema.oneOf)) {
    const arms = schema.oneOf.map((arm, i) => bodyRoot([...at, 'oneOf', String(i)], arm));
    if (arms.every((a): a is Root => a !== null)) return { union: arms };
  }
  return null;
}

function examples(spec: Spec): JsonObject {
  const fromFiles = new ExampleWalker();
  for (const [name, file] of spec.files) fromFiles.walk(file, `schemas/${name}.yaml`, [], { model: name }, []);

  const fromBundle = new ExampleWalker();
  const components = spec.bundle.components as JsonObject;
  for (const [name, schema] of Object.entries(components.schemas as JsonObject)) {
    const target = isObject(schema) && typeof schema.$ref === 'string' ? refName(schema.$ref) : name;
    fromBundle.walk(schema, BUNDLE, ['components', 'schemas', name], { firstOf: [name, target] }, []);
  }
  for (const [name, response] of Object.entries(components.responses as JsonObject)) {
    if (isObject(response)) fromBundle.content(response.content ?? null, BUNDLE, ['components', 'responses', name]);
  }
  for (const root of ['paths', 'webhooks'] as const) {
    for (const [path, item] of Object.entries(spec.bundle[root] as JsonObject)) {
      for (const [method, operation] of Object.entries(item as JsonObject)) {
        if (!isObject(operation)) continue;
        // Parameter examples are query and header values (a provider name, a page number), not models.
        if (isObject(operation.requestBody)) {
          fromBundle.content(operation.requestBody.content ?? null, BUNDLE, [root, path, method, 'requestBody']);
        }
        for (const [status, response] of Object.entries((operation.responses as JsonObject | undefined) ?? {})) {
          if (isObject(response)) {
            fromBundle.content(response.content ?? null, BUNDLE, [root, path, method, 'responses', status]);
          }
        }
      }
    }
  }
  const rows = (list: Example[]) => list.map((e) => ({ ...e }) as unknown as Json);
  return {
    ...header(`every example of schemas/*.yaml and of ${BUNDLE}`),
    schemaFiles: rows(fromFiles.examples),
    bundle: rows(fromBundle.examples),
  };
}

// ---------------------------------------------------------------------------------------------
// Webhooks

/** The `type` constant of each arm of `WebhookEventType.yaml`, with the schema file it comes from. */
function eventTypes(spec: Spec): { type: string; model: string }[] {
  const union = spec.files.get('WebhookEventType');
  const arms = union && Array.isArray(union.oneOf) ? union.oneOf : [];
  return arms.map((arm) => {
    const model = refName(String((arm as JsonObject).$ref));
    const properties = spec.files.get(model)?.properties as JsonObject | undefined;
    const type = (properties?.type as JsonObject | undefined)?.const;
    if (typeof type !== 'string') throw new Error(`schemas/${model}.yaml has no type constant`);
    return { type, model };
  });
}

/**
 * An instance of a JSON Schema node built from the spec's own field examples (the first example of
 * each property, recursively), for the event types whose whole-event example the spec lacks.
 */
function exampleFromSchema(spec: Spec, node: Json, depth = 0): Json {
  if (!isObject(node) || depth > 12) return null;
  const schemas = (spec.bundle.components as JsonObject).schemas as JsonObject;
  if (typeof node.$ref === 'string') return exampleFromSchema(spec, schemas[refName(node.$ref)] ?? null, depth + 1);
  if (Array.isArray(node.examples) && node.examples.length > 0) return node.examples[0] as Json;
  if ('const' in node) return node.const as Json;
  if (Array.isArray(node.enum)) return node.enum[0] as Json;
  for (const key of ['oneOf', 'anyOf'] as const) {
    const arms = node[key];
    if (Array.isArray(arms)) {
      const arm = arms.find((a) => !(isObject(a) && a.type === 'null'));
      return exampleFromSchema(spec, arm ?? null, depth + 1);
    }
  }
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type;
  if (type === 'object' || isObject(node.properties ?? null)) {
    const out: JsonObject = {};
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    for (const part of Array.isArray(node.allOf) ? node.allOf : []) {
      const merged = exampleFromSchema(spec, part, depth + 1);
      if (isObject(merged)) Object.assign(out, merged);
    }
    for (const [name, prop] of Object.entries((node.properties as JsonObject | undefined) ?? {})) {
      if (required.has(name) || (isObject(prop) && (prop.examples || prop.$ref || prop.const !== undefined))) {
        const value = exampleFromSchema(spec, prop, depth + 1);
        if (value !== null || required.has(name)) out[name] = value;
      }
    }
    return out;
  }
  if (type === 'array') return [exampleFromSchema(spec, node.items ?? null, depth + 1)];
  if (type === 'string') return 'x';
  if (type === 'number' || type === 'integer') return 1;
  if (type === 'boolean') return true;
  return null;
}

function webhooks(spec: Spec): JsonObject {
  const section = spec.bundle.webhooks as JsonObject;
  const examples: Json[] = [];
  for (const [entry, item] of Object.entries(section)) {
    for (const [method, operation] of Object.entries(item as JsonObject)) {
      const content = isObject(operation) && isObject(operation.requestBody) ? operation.requestBody.content : null;
      const media = isObject(content ?? null) ? (content as JsonObject)['application/json'] : null;
      if (!isObject(media ?? null)) continue;
      const m = media as JsonObject;
      const at = ['webhooks', entry, method, 'requestBody', 'content', 'application/json'];
      if ('example' in m && isObject(m.example ?? null)) {
        examples.push({
          entry,
          name: 'example',
          source: `${BUNDLE}#${pointer([...at, 'example'])}`,
          value: m.example as Json,
        });
      }
      if (isObject(m.examples ?? null)) {
        for (const [name, ex] of Object.entries(m.examples as JsonObject)) {
          if (isObject(ex) && isObject(ex.value ?? null)) {
            const source = `${BUNDLE}#${pointer([...at, 'examples', name, 'value'])}`;
            examples.push({ entry, name, source, value: ex.value as JsonObject });
          }
        }
      }
    }
  }
  const types = eventTypes(spec);
  const exemplified = new Set(examples.map((e) => (e as { value: JsonObject }).value.type));
  const schemas = (spec.bundle.components as JsonObject).schemas as JsonObject;
  const fromFieldExamples = types
    .filter((t) => !exemplified.has(t.type))
    .map((t) => ({
      model: t.model,
      source: `${BUNDLE}#${pointer(['components', 'schemas', t.model])} (the first example of each field)`,
      value: exampleFromSchema(spec, schemas[t.model] ?? null),
    }));
  return {
    ...header(`schemas/WebhookEventType.yaml and the schema of each arm; ${BUNDLE}, webhooks and components`),
    eventTypes: types.map((t) => ({ ...t, source: `schemas/${t.model}.yaml#/properties/type/const` })),
    entries: Object.keys(section),
    examples,
    fromFieldExamples,
  };
}

function schemaFiles(spec: Spec): JsonObject {
  return { ...header('the file names of schemas/'), schemaFiles: [...spec.files.keys()] };
}

// ---------------------------------------------------------------------------------------------
// The corpus against the spec

interface AjvError {
  instancePath: string;
  keyword: string;
  params: { missingProperty?: string };
}
type Validate = ((value: unknown) => boolean) & { errors?: AjvError[] | null };

const toJsonPath = (jsonPointer: string) =>
  `$${jsonPointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')}`;

/** Where each corpus payload with a spec model differs from that schema (ajv, formats not checked). */
function corpusSpecIssues(spec: Spec): JsonObject {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  for (const [name, schema] of spec.files) ajv.addSchema({ ...schema, $id: `spec:/schemas/${name}.yaml` });
  const corpus = join(repoRoot, 'test', 'corpus');
  const manifest = JSON.parse(readFileSync(join(corpus, 'manifest.json'), 'utf8')) as {
    file: string;
    specModel?: string;
  }[];
  const payloads: JsonObject = {};
  for (const entry of manifest) {
    if (!entry.specModel) continue;
    const text = readFileSync(join(corpus, entry.file), 'utf8');
    const validate = ajv.getSchema(`spec:/schemas/${entry.specModel}.yaml`) as Validate | undefined;
    if (!validate)
      throw new Error(`test/corpus/manifest.json: ${entry.file}: the spec has no schema ${entry.specModel}`);
    const seen = new Map<string, { path: string; keyword: string }>();
    if (!validate(JSON.parse(text))) {
      for (const error of validate.errors ?? []) {
        const base = toJsonPath(error.instancePath);
        const path = error.keyword === 'required' ? `${base}.${error.params.missingProperty}` : base;
        seen.set(`${path} ${error.keyword}`, { path, keyword: error.keyword });
      }
    }
    payloads[entry.file] = {
      specModel: entry.specModel,
      sha256: createHash('sha256').update(text).digest('hex'),
      issues: [...seen.values()],
    };
  }
  return {
    ...header('schemas/*.yaml, checked with ajv against the webhook payloads of test/corpus/manifest.json'),
    payloads,
  };
}

// ---------------------------------------------------------------------------------------------
// Main

/** Every file this generator writes, by name, as text. */
export function generateTestData(specDir: string): Map<string, string> {
  const spec = loadSpec(specDir);
  const tables: [string, JsonObject][] = [
    ['operations.json', operations(spec)],
    ['examples.json', examples(spec)],
    ['webhooks.json', webhooks(spec)],
    ['schema-files.json', schemaFiles(spec)],
    ['corpus-spec-issues.json', corpusSpecIssues(spec)],
  ];
  return new Map(tables.map(([file, data]) => [file, `${JSON.stringify(data, null, 2)}\n`]));
}

export const TEST_DATA_DIR = resolve(repoRoot, 'test', 'fixtures', 'spec');

function main(): void {
  const argv = process.argv.slice(2);
  let spec = resolve(repoRoot, '../shared/terra-openapi');
  let out = TEST_DATA_DIR;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i] ?? fail(`${arg} needs a value`);
    if (arg === '--check') check = true;
    else if (arg === '--spec') spec = resolve(value());
    else if (arg === '--out') out = resolve(value());
    else fail(`unknown option ${arg} (usage: generate-test-data [--spec <dir>] [--out <dir>] [--check])`);
  }
  if (!existsSync(join(spec, 'schemas')) || !existsSync(join(spec, BUNDLE))) {
    fail(`no spec at ${spec} (expected schemas/ and ${BUNDLE}); pass --spec <dir>`);
  }
  const files = generateTestData(spec);
  const shown = relative(process.cwd(), out) || '.';
  const existing = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.json')) : [];
  if (check) {
    const stale = [...files].filter(
      ([file, text]) => !existsSync(join(out, file)) || readFileSync(join(out, file), 'utf8') !== text,
    );
    const extra = existing.filter((f) => !files.has(f)).map((f) => `${f} (not generated)`);
    const all = [...stale.map(([f]) => f), ...extra];
    if (all.length > 0) {
      process.stderr.write(
        `generate-test-data --check: ${all.length} file(s) in ${shown} differ from the spec:\n` +
          all.map((f) => `  ${f}`).join('\n') +
          '\nRun `npm run generate` and commit the result.\n',
      );
      process.exit(1);
    }
    process.stdout.write(`generate-test-data --check: ${files.size} files in ${shown} match the spec\n`);
    return;
  }
  mkdirSync(out, { recursive: true });
  for (const file of existing) if (!files.has(file)) rmSync(join(out, file));
  for (const [file, text] of files) writeFileSync(join(out, file), text);
  process.stdout.write(`generate-test-data: wrote ${files.size} files to ${shown}\n`);
}

function fail(message: string): never {
  process.stderr.write(`generate-test-data: ${message}\n`);
  process.exit(2);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
