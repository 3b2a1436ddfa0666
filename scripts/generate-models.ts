/**
 * Model generator: turns Terra's JSON Schemas into `src/models/generated/`, one TypeScript module per
 * schema, each exporting an interface `Foo` and a lazily built zod schema `FooSchema`.
 *
 *   npm run generate                      write the modules
 *   npm run generate -- --check           exit 1 if the committed modules differ from what would be written
 *   npm run generate -- --spec <dir>      read the spec from <dir> (default: ../shared/terra-openapi)
 *
 * Inputs: every `schemas/*.yaml` file, plus, from `dist/v2-bundled.yaml`, the component schemas that
 * exist only in the bundle and the response and request bodies that the bundle declares inline on
 * its paths (named in `INLINE_SCHEMAS` below).
 *
 * Mapping rules (how each JSON-Schema construct becomes TypeScript and zod):
 * - schemas are written with `zod/mini`, zod 4's functional API: the same validation as `zod`, and a
 *   fraction of its bundle size, which matters for webhook handlers on edge runtimes;
 * - objects become `z.looseObject`, so fields Terra adds later are kept, never stripped or rejected;
 * - `anyOf`/`type` arrays with `null` become `z.nullable`, and a property that is also not required
 *   becomes `z.nullish`; a non-required, non-null property becomes `z.optional`;
 * - enums (`oneOf` of consts, `anyOf` of consts, `enum`) accept any value of their JSON type, and
 *   their types list the documented values plus `number & {}` or `string & {}`, so editors still
 *   offer the known ones; titled values also get a label map;
 * - `allOf` is flattened: the base's properties come first, the schema's own properties override them;
 * - `oneOf` of objects that share a `const` property becomes a discriminated union;
 * - `prefixItems` becomes a tuple that accepts extra items; `unevaluatedProperties` a record;
 * - self-referencing properties are written as getters, zod's way to express recursion;
 * - `format`, `minimum`, `maximum` and `integer` are recorded in the field's doc comment but not
 *   enforced: Terra relays provider data, and one provider's out-of-range value must not reject a
 *   whole payload. `minLength` (on identifiers) is enforced.
 * Descriptions and examples from the spec are not copied; doc comments are written here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonSchema = { [key: string]: Json };

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Response and request bodies that the bundle declares inline on a path, and the names they get.
 * Bodies that are a `$ref`, an array of a named model, or multipart are not listed.
 */
export const INLINE_SCHEMAS: Record<string, string[]> = {
  UserAuthUrl: ['/auth/authenticateUser', 'post', 'responses', '200'],
  AuthenticateUserParams: ['/auth/authenticateUser', 'post', 'requestBody'],
  WidgetSession: ['/auth/generateWidgetSession', 'post', 'responses', '200'],
  UserDeauthResp: ['/auth/deauthenticateUser', 'delete', 'responses', '200'],
  AuthToken: ['/auth/generateAuthToken', 'post', 'responses', '200'],
  UserInfo: ['/userInfo', 'get', 'responses', '200', 'oneOf', '0'],
  UsersResponse: ['/userInfo', 'get', 'responses', '200', 'oneOf', '1'],
  SubscribedUsers: ['/subscriptions', 'get', 'responses', '200', 'oneOf', '0'],
  SubscribedUsersPage: ['/subscriptions', 'get', 'responses', '200', 'oneOf', '1'],
  ProvidersResponse: ['/integrations', 'get', 'responses', '200'],
  ActivityCollection: ['/activity', 'get', 'responses', '200', 'oneOf', '0'],
  BodyCollection: ['/body', 'get', 'responses', '200', 'oneOf', '0'],
  DailyCollection: ['/daily', 'get', 'responses', '200', 'oneOf', '0'],
  MenstruationCollection: ['/menstruation', 'get', 'responses', '200', 'oneOf', '0'],
  NutritionCollection: ['/nutrition', 'get', 'responses', '200', 'oneOf', '0'],
  SleepCollection: ['/sleep', 'get', 'responses', '200', 'oneOf', '0'],
  CreateWorkoutResponse: ['/workouts', 'post', 'responses', '200'],
  DeleteWorkoutPartialResponse: ['/workouts/{workout_id}', 'delete', 'responses', '207'],
  PlanWorkoutParams: ['/workouts/{workout_id}/plan', 'post', 'requestBody'],
  PlanWorkoutResponse: ['/workouts/{workout_id}/plan', 'post', 'responses', '201'],
  ReschedulePlannedWorkoutParams: ['/plannedWorkouts/{planned_workout_id}', 'patch', 'requestBody'],
};

/** Labels for numeric enums whose values carry no `title` in the spec (meanings from the API notes). */
const SUPPLEMENTARY_LABELS: Record<string, Record<string, string>> = {
  TimestampLocalization: { '0': 'UTC', '1': 'Local' },
};

/**
 * Places where the spec's own prose contradicts its types. `PositionSample.coords_lat_lng_deg` is
 * typed as two numbers, but documented (and seen) with null coordinates.
 */
const NULLABLE_TUPLE_ITEMS = new Set(['PositionSample.coords_lat_lng_deg']);

// ---------------------------------------------------------------------------------------------
// Loading

export interface Unit {
  name: string;
  schema: JsonSchema;
  /** Where the schema comes from, for the header and for error messages. */
  source: string;
  /** How `$ref`s inside this schema are written. */
  refStyle: 'file' | 'bundle';
}

interface Options {
  spec: string;
  out: string;
  check: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    spec: resolve(repoRoot, '../shared/terra-openapi'),
    out: resolve(repoRoot, 'src/models/generated'),
    check: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) fail(`${arg} needs a value`);
      return next;
    };
    if (arg === '--check') options.check = true;
    else if (arg === '--spec') options.spec = resolve(value());
    else if (arg === '--out') options.out = resolve(value());
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        'Usage: generate-models [--spec <dir>] [--out <dir>] [--check]\n' +
          '  --spec   folder holding schemas/ and dist/v2-bundled.yaml (default ../shared/terra-openapi)\n' +
          '  --out    output folder (default src/models/generated)\n' +
          '  --check  write nothing; exit 1 if the output folder differs from what would be written\n',
      );
      process.exit(0);
    } else fail(`unknown option ${arg} (try --help)`);
  }
  return options;
}

function fail(message: string): never {
  process.stderr.write(`generate-models: ${message}\n`);
  process.exit(2);
}

export function loadYaml(path: string): Json {
  // The YAML 1.2 core schema keeps unquoted timestamps such as 2022-03-16 as strings.
  return parseYaml(readFileSync(path, 'utf8'), { schema: 'core' }) as Json;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(root: Json, path: string[], what: string): JsonSchema {
  let node: Json | undefined = root;
  for (const key of path) {
    node = Array.isArray(node) ? node[Number(key)] : isObject(node) ? node[key] : undefined;
  }
  if (!isObject(node)) throw new Error(`${what}: nothing at ${path.join('/')}`);
  return node;
}

/** The JSON body schema of a response or request body object. */
function bodySchema(node: JsonSchema, what: string): JsonSchema {
  const content = node.content;
  if (!isObject(content)) throw new Error(`${what}: no content`);
  const json = content['application/json'];
  if (!isObject(json) || !isObject(json.schema)) throw new Error(`${what}: no application/json schema`);
  return json.schema;
}

/** Structural form of a schema for comparisons: no prose, no examples, refs by name only. */
function normalized(node: Json): Json {
  if (Array.isArray(node)) return node.map(normalized);
  if (!isObject(node)) return node;
  const out: { [key: string]: Json } = {};
  for (const key of Object.keys(node).sort()) {
    if (['description', 'examples', 'example', 'title', '$schema', '$defs'].includes(key)) continue;
    const value = node[key] as Json;
    out[key] = key === '$ref' && typeof value === 'string' ? refName(value) : normalized(value);
  }
  return out;
}

function refName(ref: string): string {
  if (ref.startsWith('#/$defs/')) return ref.slice('#/$defs/'.length);
  if (ref.startsWith('#/components/schemas/')) return ref.slice('#/components/schemas/'.length);
  if (ref.endsWith('.yaml')) return ref.slice(ref.lastIndexOf('/') + 1, -'.yaml'.length);
  throw new Error(`unsupported $ref ${ref}`);
}

export interface Loaded {
  units: Map<string, Unit>;
  skippedAliases: string[];
}

export function loadSpec(specDir: string): Loaded {
  const schemasDir = join(specDir, 'schemas');
  const bundlePath = join(specDir, 'dist', 'v2-bundled.yaml');
  if (!existsSync(schemasDir) || !existsSync(bundlePath)) {
    fail(`no spec at ${specDir} (expected schemas/ and dist/v2-bundled.yaml); pass --spec <dir>`);
  }
  const units = new Map<string, Unit>();
  for (const file of readdirSync(schemasDir).sort()) {
    if (!file.endsWith('.yaml')) continue;
    const schema = loadYaml(join(schemasDir, file));
    if (!isObject(schema)) throw new Error(`schemas/${file} is not an object`);
    const name = file.slice(0, -'.yaml'.length);
    units.set(name, { name, schema, source: `schemas/${file}`, refStyle: 'file' });
  }

  const bundle = loadYaml(bundlePath);
  const components = at(bundle, ['components', 'schemas'], 'bundle');
  const skippedAliases: string[] = [];
  for (const [name, schema] of Object.entries(components)) {
    if (!isObject(schema)) continue;
    const shared = units.get(name);
    if (shared) {
      // The bundle repeats the schema files; a difference means the spec drifted and a human should look.
      const a = JSON.stringify(normalized(shared.schema));
      const b = JSON.stringify(normalized(schema));
      if (a !== b) throw new Error(`${name} differs between schemas/${name}.yaml and the bundle`);
      continue;
    }
    if (typeof schema.$ref === 'string' && Object.keys(schema).every((k) => k === '$ref' || k === 'description')) {
      skippedAliases.push(`${name} = ${refName(schema.$ref)}`);
      continue;
    }
    units.set(name, { name, schema, source: `dist/v2-bundled.yaml#/components/schemas/${name}`, refStyle: 'bundle' });
  }

  const paths = at(bundle, ['paths'], 'bundle');
  for (const [name, [path, method, ...rest]] of Object.entries(INLINE_SCHEMAS)) {
    if (path === undefined || method === undefined) throw new Error(`INLINE_SCHEMAS.${name} is malformed`);
    if (units.has(name)) throw new Error(`INLINE_SCHEMAS.${name} collides with a spec schema`);
    const operation = at(paths, [path, method], name);
    const [kind, status, ...inner] = rest;
    const holder =
      kind === 'requestBody' ? at(operation, ['requestBody'], name) : at(operation, [kind ?? '', status ?? ''], name);
    const schema = inner.length > 0 ? at(bodySchema(holder, name), inner, name) : bodySchema(holder, name);
    const pointer = [path, method, ...rest].join(' ');
    units.set(name, { name, schema, source: `dist/v2-bundled.yaml paths ${pointer}`, refStyle: 'bundle' });
  }
  return { units, skippedAliases: skippedAliases.sort() };
}

// ---------------------------------------------------------------------------------------------
// Analysis

const NULL_SCHEMA = JSON.stringify({ type: 'null' });

/** Splits `anyOf: [X, {type: null}]` and `type: [X, 'null']` into X and a nullable flag. */
function splitNull(schema: JsonSchema): { inner: JsonSchema; nullable: boolean } {
  const anyOf = schema.anyOf;
  if (Array.isArray(anyOf)) {
    const arms = anyOf.filter((arm) => JSON.stringify(arm) !== NULL_SCHEMA);
    if (arms.length < anyOf.length) {
      const { anyOf: _drop, ...rest } = schema;
      if (arms.length === 1 && isObject(arms[0])) return { inner: { ...rest, ...arms[0] }, nullable: true };
      return { inner: { ...rest, anyOf: arms }, nullable: true };
    }
  }
  const type = schema.type;
  if (Array.isArray(type) && type.includes('null')) {
    const types = type.filter((t) => t !== 'null');
    return { inner: { ...schema, type: types.length === 1 ? (types[0] as Json) : types }, nullable: true };
  }
  return { inner: schema, nullable: false };
}

function constsOf(schema: JsonSchema): { values: (string | number)[]; titles: (string | undefined)[] } | undefined {
  const arms = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(arms) && arms.length > 0 && arms.every((arm) => isObject(arm) && 'const' in arm)) {
    const values = arms.map((arm) => (arm as JsonSchema).const);
    if (values.every((v) => typeof v === 'string') || values.every((v) => typeof v === 'number')) {
      return {
        values: values as (string | number)[],
        titles: arms.map((arm) => {
          const title = (arm as JsonSchema).title;
          return typeof title === 'string' ? title : undefined;
        }),
      };
    }
  }
  if (Array.isArray(schema.enum)) {
    const values = schema.enum;
    if (values.every((v) => typeof v === 'string') || values.every((v) => typeof v === 'number')) {
      return { values: values as (string | number)[], titles: values.map(() => undefined) };
    }
  }
  return undefined;
}

/** Direct `$ref` targets of a schema. */
function refsOf(node: Json, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) refsOf(item, out);
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.add(refName(value));
      else if (key !== '$defs' && key !== 'examples' && key !== 'example') refsOf(value, out);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Emission

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (name: string) => (IDENTIFIER.test(name) ? name : `'${name}'`);
const str = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

interface Emitted {
  ts: string;
  zod: string;
  /** For a nullable value, the expression without `z.nullable(...)`, so a caller can use `z.nullish`. */
  nonNull?: string;
}

/** One named declaration written into a module: the unit itself or an inline object it holds. */
interface Declaration {
  name: string;
  doc: string[];
  typeText: string;
  /** `interface` for object declarations, else a type alias. */
  isInterface: boolean;
  zodText: string;
}

class ModuleWriter {
  readonly declarations: Declaration[] = [];
  readonly imports = new Set<string>();
  readonly extraExports: string[] = [];
  private readonly taken = new Set<string>();

  constructor(
    readonly unit: Unit,
    private readonly gen: Generator,
  ) {}

  /** Reserves a name for an inline object declared in this module. */
  reserve(name: string): string {
    if ((name !== this.unit.name && this.gen.units.has(name)) || this.taken.has(name)) {
      throw new Error(`${this.unit.name}: inline name ${name} collides; rename the property mapping`);
    }
    this.taken.add(name);
    return name;
  }

  refTo(name: string): Emitted {
    const target = this.gen.resolveRef(name);
    if (target !== this.unit.name) this.imports.add(target);
    return { ts: target, zod: `ref(${target}Schema)` };
  }
}

class Generator {
  readonly units: Map<string, Unit>;
  private readonly reach = new Map<string, Set<string>>();

  constructor(loaded: Loaded) {
    this.units = loaded.units;
  }

  resolveRef(name: string): string {
    if (this.units.has(name)) return name;
    throw new Error(`$ref to ${name}, which no schema defines`);
  }

  /** Units reachable from `name` through `$ref`s (not including itself unless it is on a cycle). */
  reachable(name: string): Set<string> {
    const cached = this.reach.get(name);
    if (cached) return cached;
    const seen = new Set<string>();
    const stack = [...refsOf(this.units.get(name)?.schema ?? {})];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...refsOf(this.units.get(next)?.schema ?? {}));
    }
    this.reach.set(name, seen);
    return seen;
  }

  /** Whether a property schema leads back to the unit being written, so it must be evaluated lazily. */
  isCyclic(unit: string, property: JsonSchema): boolean {
    for (const target of refsOf(property)) {
      if (target === unit || this.reachable(target).has(unit)) return true;
    }
    return false;
  }

  /** `allOf` flattened: base properties first, own properties override; required sets merged. */
  flatten(schema: JsonSchema, what: string): { properties: [string, JsonSchema][]; required: Set<string> } {
    const properties = new Map<string, JsonSchema>();
    const required = new Set<string>();
    const allOf = Array.isArray(schema.allOf) ? schema.allOf : [];
    for (const part of allOf) {
      if (!isObject(part)) continue;
      const base = typeof part.$ref === 'string' ? this.units.get(this.resolveRef(refName(part.$ref)))?.schema : part;
      if (!base) throw new Error(`${what}: allOf part cannot be resolved`);
      const flat = this.flatten(base, what);
      for (const [name, prop] of flat.properties) properties.set(name, prop);
      for (const name of flat.required) required.add(name);
    }
    if (isObject(schema.properties)) {
      for (const [name, prop] of Object.entries(schema.properties)) {
        if (!isObject(prop)) throw new Error(`${what}.${name} is not a schema`);
        properties.set(name, prop);
      }
    }
    if (Array.isArray(schema.required)) for (const name of schema.required) required.add(String(name));
    return { properties: [...properties], required };
  }

  /** Whether a schema is an object whose shape comes from properties and/or `allOf`. */
  isObjectSchema(schema: JsonSchema): boolean {
    return (
      (schema.type === 'object' || isObject(schema.properties) || Array.isArray(schema.allOf)) &&
      schema.unevaluatedProperties === undefined &&
      schema.oneOf === undefined &&
      schema.anyOf === undefined
    );
  }

  /** A value schema (not counting null). `hint` names inline objects; `path` is for NULLABLE_TUPLE_ITEMS. */
  value(schema: JsonSchema, w: ModuleWriter, hint: string, path: string): Emitted {
    if (typeof schema.$ref === 'string') return w.refTo(refName(schema.$ref));

    const { inner, nullable } = splitNull(schema);
    if (nullable) {
      const v = this.value(inner, w, hint, path);
      return { ts: `${v.ts} | null`, zod: `z.nullable(${v.zod})`, nonNull: v.zod };
    }

    if ('const' in schema) {
      const c = schema.const;
      if (typeof c === 'string') return { ts: str(c), zod: `z.literal(${str(c)})` };
      if (typeof c === 'number' || typeof c === 'boolean') return { ts: String(c), zod: `z.literal(${c})` };
      throw new Error(`${path}: unsupported const`);
    }

    const consts = constsOf(schema);
    if (consts) {
      // An inline enum, open like the named ones: known values for the editor, any value at run time.
      const isString = typeof consts.values[0] === 'string';
      const known = consts.values.map((v) => (typeof v === 'string' ? str(v) : String(v))).join(' | ');
      return isString
        ? { ts: `${known} | (string & {})`, zod: 'z.string()' }
        : { ts: `${known} | (number & {})`, zod: 'z.number()' };
    }

    const union = schema.oneOf ?? schema.anyOf;
    if (Array.isArray(union)) {
      const arms = union.map((arm, i) => this.value(arm as JsonSchema, w, `${hint}Option${i + 1}`, path));
      const ts = arms.map((a) => a.ts).join(' | ');
      return { ts, zod: `anyOf<${ts}>([${arms.map((a) => a.zod).join(', ')}])` };
    }

    // `{type: object, allOf: [$ref X]}` with nothing else is just X.
    if (
      Array.isArray(schema.allOf) &&
      schema.allOf.length === 1 &&
      isObject(schema.allOf[0]) &&
      typeof schema.allOf[0].$ref === 'string' &&
      !isObject(schema.properties)
    ) {
      return w.refTo(refName(schema.allOf[0].$ref));
    }

    if (schema.unevaluatedProperties !== undefined || schema.additionalProperties !== undefined) {
      const extra = (schema.unevaluatedProperties ?? schema.additionalProperties) as Json;
      if (isObject(schema.properties) && Object.keys(schema.properties).length > 0) {
        throw new Error(`${path}: properties next to unevaluatedProperties are not supported`);
      }
      if (extra === true || (isObject(extra) && Object.keys(extra).length === 0)) {
        return { ts: 'Record<string, unknown>', zod: 'z.record(z.string(), z.unknown())' };
      }
      if (!isObject(extra)) throw new Error(`${path}: closed objects are not supported`);
      const v = this.value(extra, w, `${hint}Value`, path);
      return { ts: `Record<string, ${v.ts}>`, zod: `z.record(z.string(), ${v.zod})` };
    }

    if (this.isObjectSchema(schema)) {
      const flat = this.flatten(schema, path);
      if (flat.properties.length === 0) return { ts: 'Record<string, unknown>', zod: 'z.looseObject({})' };
      const name = w.reserve(hint);
      this.declareObject(w, name, schema, [`An object held by {@link ${w.unit.name}}.`], path);
      return { ts: name, zod: `ref(${name}Schema)` };
    }

    switch (schema.type) {
      case 'string': {
        const min = typeof schema.minLength === 'number' ? `.check(z.minLength(${schema.minLength}))` : '';
        return { ts: 'string', zod: `z.string()${min}` };
      }
      case 'number':
      case 'integer':
        return { ts: 'number', zod: 'z.number()' };
      case 'boolean':
        return { ts: 'boolean', zod: 'z.boolean()' };
      case 'null':
        return { ts: 'null', zod: 'z.null()' };
      case 'array': {
        if (Array.isArray(schema.prefixItems)) {
          const nullableItems = NULLABLE_TUPLE_ITEMS.has(path);
          const items = schema.prefixItems.map((item, i) => {
            const v = this.value(item as JsonSchema, w, `${hint}Item${i + 1}`, path);
            return nullableItems ? { ts: `${v.ts} | null`, zod: `z.nullable(${v.zod})` } : v;
          });
          // Without `items: false` JSON Schema allows more elements after the prefix.
          const rest = schema.items === false ? undefined : isObject(schema.items) ? schema.items : {};
          const restValue = rest === undefined ? undefined : this.value(rest, w, `${hint}Rest`, path);
          const tsItems = items.map((i) => i.ts);
          if (restValue) tsItems.push(`...${restValue.ts}[]`);
          const zodRest = restValue ? `, ${restValue.zod}` : '';
          return { ts: `[${tsItems.join(', ')}]`, zod: `z.tuple([${items.map((i) => i.zod).join(', ')}]${zodRest})` };
        }
        const items = isObject(schema.items) ? schema.items : {};
        const v = this.value(items, w, `${hint}Item`, path);
        const ts = /[|&]/.test(v.ts) ? `(${v.ts})[]` : `${v.ts}[]`;
        return { ts, zod: `z.array(${v.zod})` };
      }
      case undefined:
        if (
          Object.keys(schema).every((k) => ['description', 'examples', 'example', 'title', 'deprecated'].includes(k))
        ) {
          return { ts: 'unknown', zod: 'z.unknown()' };
        }
        break;
    }
    throw new Error(`${path}: unsupported schema ${JSON.stringify(normalized(schema)).slice(0, 200)}`);
  }

  /** Doc lines for a property, written from its name and structure (never from the spec's prose). */
  propertyDoc(name: string, schema: JsonSchema): string[] {
    const { inner } = splitNull(schema);
    const lines: string[] = [describeFieldName(name)];
    const target = typeof inner.$ref === 'string' ? this.units.get(refName(inner.$ref)) : undefined;
    const consts = target ? constsOf(target.schema) : undefined;
    if (target && consts) {
      const labels = consts.titles.every((t) => t !== undefined) || SUPPLEMENTARY_LABELS[target.name];
      lines.push(
        labels
          ? `A {@link ${target.name}} value: \`${target.name}Labels\` names the documented ones.`
          : `A {@link ${target.name}} value.`,
      );
    } else if (inner.type === 'string' && inner.format === undefined && /(^|_)(time|timestamp)$/.test(name)) {
      lines.push(
        'A timestamp as Terra writes it, usually local time with its UTC offset; read it with `parseTerraTimestamp`.',
      );
    }
    const format = inner.format;
    if (format === 'date-time') lines.push('An RFC 3339 date-time, kept as the string Terra sent.');
    else if (format === 'date') lines.push('A `YYYY-MM-DD` calendar date.');
    else if (typeof format === 'string') lines.push(`Format \`${format}\`, kept as a string.`);
    const lo = inner.minimum;
    const hi = inner.maximum;
    const isInt = inner.type === 'integer';
    if (isInt && lo === -2147483648 && hi === 2147483647) lines.push('A 32-bit integer code.');
    else {
      if (isInt) lines.push('An integer.');
      if (typeof lo === 'number' && typeof hi === 'number') lines.push(`Expected between ${lo} and ${hi}.`);
      else if (typeof lo === 'number') lines.push(`Expected to be at least ${lo}.`);
      else if (typeof hi === 'number') lines.push(`Expected to be at most ${hi}.`);
    }
    if (typeof lo === 'number' || typeof hi === 'number' || isInt) {
      lines.push('Not enforced when parsing, so an out-of-range value from a provider does not reject the payload.');
    }
    if (typeof inner.minLength === 'number') lines.push(`Never empty (at least ${inner.minLength} character).`);
    if (schema.deprecated === true || inner.deprecated === true) {
      lines.push('@deprecated Terra marks this field deprecated; prefer its replacement.');
    }
    return lines;
  }

  declareObject(w: ModuleWriter, name: string, schema: JsonSchema, doc: string[], path: string): void {
    const flat = this.flatten(schema, path);
    const tsLines: string[] = [];
    const zodLines: string[] = [];
    for (const [prop, propSchema] of flat.properties) {
      const required = flat.required.has(prop);
      const v = this.value(propSchema, w, `${name}${pascal(prop)}`, `${w.unit.name}.${prop}`);
      tsLines.push(...comment(this.propertyDoc(prop, propSchema), '  '));
      // `value` already wrote `| null` and `z.nullable(...)` for nullable schemas.
      if (required) {
        tsLines.push(`  ${key(prop)}: ${v.ts};`);
      } else {
        tsLines.push(`  ${key(prop)}?: ${v.ts} | undefined;`);
      }
      let zod = v.zod;
      if (!required) zod = v.nonNull !== undefined ? `z.nullish(${v.nonNull})` : `z.optional(${zod})`;
      if (this.isCyclic(w.unit.name, propSchema)) {
        zodLines.push(`    get ${key(prop)}() {`, `      return ${zod};`, '    },');
      } else {
        zodLines.push(`    ${key(prop)}: ${zod},`);
      }
    }
    w.declarations.push({
      name,
      doc,
      typeText: tsLines.length > 0 ? `{\n${tsLines.join('\n')}\n}` : '{}',
      isInterface: true,
      zodText: zodLines.length > 0 ? `z.looseObject({\n${zodLines.join('\n')}\n  })` : 'z.looseObject({})',
    });
  }

  module(unit: Unit): string {
    const w = new ModuleWriter(unit, this);
    const { name, schema } = unit;
    const specDoc = `Generated from \`${unit.source}\` in Terra's OpenAPI description.`;
    const consts = constsOf(schema);
    if (consts && !isObject(schema.properties)) {
      this.declareEnum(w, consts, specDoc);
    } else if (this.isObjectSchema(splitNull(schema).inner) && !splitNull(schema).nullable) {
      this.declareObject(w, w.reserve(name), schema, [`The \`${name}\` model. ${specDoc}`], name);
    } else if (
      Array.isArray(schema.oneOf) &&
      schema.oneOf.every((arm) => isObject(arm) && typeof arm.$ref === 'string')
    ) {
      this.declareUnion(w, schema.oneOf as JsonSchema[], specDoc);
    } else {
      const v = this.value(schema, w, `${name}Item`, name);
      w.reserve(name);
      w.declarations.push({
        name,
        doc: [`The \`${name}\` model. ${specDoc}`],
        typeText: v.ts,
        isInterface: false,
        zodText: v.zod,
      });
    }
    return render(w);
  }

  declareEnum(w: ModuleWriter, consts: NonNullable<ReturnType<typeof constsOf>>, specDoc: string): void {
    const { name } = w.unit;
    const isString = typeof consts.values[0] === 'string';
    const supplement = SUPPLEMENTARY_LABELS[name];
    const titles = consts.values.map((v, i) => consts.titles[i] ?? supplement?.[String(v)]);
    const hasLabels = titles.every((t) => t !== undefined);
    const literal = (v: string | number) => (typeof v === 'string' ? str(v) : String(v));
    const lines: string[] = [];
    const known = consts.values.map(literal).join(' | ');
    lines.push(...comment([`A value Terra documents for {@link ${name}}.`], ''));
    lines.push(`export type Known${name} = ${known};`, '');
    if (hasLabels) {
      lines.push(
        ...comment(
          [
            `The label of each value Terra documents for {@link ${name}}, for display: look one up with \`enumLabel\`,`,
            'which also answers for values added after this version of the SDK.',
          ],
          '',
        ),
      );
      lines.push(`export const ${name}Labels: Readonly<Record<Known${name}, string>> = {`);
      consts.values.forEach((v, i) => {
        lines.push(`  ${typeof v === 'string' ? key(v) : v}: ${str(titles[i] as string)},`);
      });
      lines.push('};', '');
    } else {
      lines.push(...comment([`The values Terra documents for {@link ${name}}.`], ''));
      lines.push(
        `export const ${name}Values: readonly Known${name}[] = [${consts.values.map(literal).join(', ')}];`,
        '',
      );
    }
    w.extraExports.push(lines.join('\n'));
    w.reserve(name);
    w.declarations.push({
      name,
      doc: [
        `The \`${name}\` enum: a documented value, or any other ${isString ? 'string' : 'number'} Terra may add later.`,
        specDoc,
      ],
      typeText: `Known${name} | (${isString ? 'string' : 'number'} & {})`,
      isInterface: false,
      zodText: isString ? 'z.string()' : 'z.number()',
    });
  }

  declareUnion(w: ModuleWriter, arms: JsonSchema[], specDoc: string): void {
    const { name } = w.unit;
    const names = arms.map((arm) => this.resolveRef(refName(arm.$ref as string)));
    const emitted = names.map((n) => w.refTo(n));
    // A discriminated union needs one property that every arm fixes to a distinct constant.
    const discriminator = this.discriminatorOf(names);
    const ts = emitted.map((e) => e.ts).join(' | ');
    const options = `[\n${emitted.map((e) => `      ${e.zod},`).join('\n')}\n    ]`;
    w.reserve(name);
    w.declarations.push({
      name,
      doc: [`The \`${name}\` union. ${specDoc}`],
      typeText: ts,
      isInterface: false,
      zodText: discriminator
        ? `oneOfTagged<${name}>(\n    ${str(discriminator)},\n    ${options},\n  )`
        : `anyOf<${name}>(${options})`,
    });
  }

  discriminatorOf(names: string[]): string | undefined {
    const flats = names.map((n) => {
      const unit = this.units.get(n);
      return unit ? this.flatten(unit.schema, n) : undefined;
    });
    const first = flats[0];
    if (!first) return undefined;
    for (const [prop] of first.properties) {
      const values = flats.map((flat) => {
        const p = flat?.properties.find(([k]) => k === prop)?.[1];
        return flat?.required.has(prop) && p && 'const' in p ? p.const : undefined;
      });
      if (values.every((v) => v !== undefined) && new Set(values).size === values.length) return prop;
    }
    return undefined;
  }
}

/** Words for the abbreviations in Terra's field names. */
const WORDS: Record<string, string> = {
  avg: 'average',
  max: 'maximum',
  min: 'minimum',
  hr: 'heart rate',
  hrv: 'heart rate variability',
  bp: 'blood pressure',
  num: 'number of',
  pos: 'position',
  elev: 'elevation',
  id: 'ID',
  ids: 'IDs',
  url: 'URL',
  sdk: 'SDK',
  vo2max: 'VO2 max',
  vo2: 'VO2',
  rmssd: 'RMSSD',
  sdnn: 'SDNN',
  bmi: 'BMI',
  bmr: 'BMR',
  rmr: 'RMR',
  met: 'MET',
  tss: 'TSS',
  rem: 'REM',
  ecg: 'ECG',
  afib: 'AFib',
  rr: 'RR',
  gmi: 'GMI',
  lh: 'LH',
  fsh: 'FSH',
  hcg: 'hCG',
  e3g: 'E3G',
  pdg: 'PdG',
  ftp: 'FTP',
  trimp: 'TRIMP',
  rcrs: 'RCRS',
  loinc: 'LOINC',
  ucum: 'UCUM',
  spo2: 'SpO2',
};

/** Unit suffixes of Terra's field names, longest first, and how to say them. */
const UNITS: [string[], string][] = [
  [['ml', 'per', 'min', 'per', 'kg'], 'mL/min/kg'],
  [['minutes', 'per', 'kilometer'], 'minutes per kilometre'],
  [['meters', 'per', 'second'], 'metres per second'],
  [['mg', 'per', 'dl'], 'mg/dL'],
  [['miu', 'per', 'ml'], 'mIU/mL'],
  [['ng', 'per', 'ml'], 'ng/mL'],
  [['ug', 'per', 'ml'], 'µg/mL'],
  [['newton', 'meters'], 'newton metres'],
  [['lat', 'lng', 'deg'], 'degrees of latitude and longitude'],
  [['bpm'], 'beats per minute'],
  [['rpm'], 'revolutions per minute'],
  [['seconds'], 'seconds'],
  [['minutes'], 'minutes'],
  [['hours'], 'hours'],
  [['days'], 'days'],
  [['ms'], 'milliseconds'],
  [['meters'], 'metres'],
  [['km'], 'kilometres'],
  [['cm'], 'centimetres'],
  [['mm'], 'millimetres'],
  [['kg'], 'kilograms'],
  [['g'], 'grams'],
  [['mg'], 'milligrams'],
  [['ug'], 'micrograms'],
  [['ml'], 'millilitres'],
  [['celsius'], 'degrees Celsius'],
  [['deg'], 'degrees'],
  [['percentage'], 'percent'],
  [['watts'], 'watts'],
  [['kilojoules'], 'kilojoules'],
  [['kj'], 'kilojoules'],
  [['uv'], 'microvolts'],
];

/** A field's name in words, with its unit: `avg_hr_bpm` is "Average heart rate, in beats per minute". */
export function describeFieldName(name: string): string {
  const tokens = name.split('_').filter(Boolean);
  const lower = tokens.map((t) => t.toLowerCase());
  let unit: string | undefined;
  for (const [suffix, words] of UNITS) {
    if (lower.length > suffix.length && suffix.every((t, i) => lower[lower.length - suffix.length + i] === t)) {
      unit = words;
      tokens.splice(tokens.length - suffix.length);
      break;
    }
  }
  const phrase = tokens
    .map(
      (token) =>
        WORDS[token.toLowerCase()] ?? (/^[A-Z0-9]+$/.test(token) && token.length > 1 ? token : token.toLowerCase()),
    )
    .join(' ')
    .replace(/\bper min\b/, 'per minute');
  const sentence = phrase.charAt(0).toUpperCase() + phrase.slice(1);
  return unit ? `${sentence}, in ${unit}.` : `${sentence}.`;
}

function comment(lines: string[], indent: string): string[] {
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`), `${indent} */`];
}

function render(w: ModuleWriter): string {
  const { unit } = w;
  const out: string[] = [
    `// Generated by scripts/generate-models.ts from ${unit.source}.`,
    '// Do not edit: change the generator and run `npm run generate`.',
  ];
  const zodUsed = w.declarations.some((d) => /\bz\./.test(d.zodText));
  const helpers = ['lazySchema'];
  const body = w.declarations.map((d) => d.zodText).join('\n');
  if (/\boneOfTagged</.test(body)) helpers.push('oneOfTagged');
  if (/\banyOf</.test(body)) helpers.push('anyOf');
  if (/\bref\(/.test(body)) helpers.push('ref');
  if (zodUsed) out.push("import * as z from 'zod/mini';");
  else out.push("import type * as z from 'zod/mini';");
  out.push(`import { ${helpers.sort().join(', ')} } from '../lazy.js';`);
  for (const dep of [...w.imports].sort()) out.push(`import { type ${dep}, ${dep}Schema } from './${dep}.js';`);
  out.push('');
  for (const extra of w.extraExports) out.push(extra);
  // Declarations are collected innermost first; write the unit's own declaration first for readers.
  const own = w.declarations.filter((d) => d.name === unit.name);
  const nested = w.declarations.filter((d) => d.name !== unit.name);
  for (const d of [...own, ...nested]) {
    out.push(...comment(d.doc, ''));
    out.push(d.isInterface ? `export interface ${d.name} ${d.typeText}` : `export type ${d.name} = ${d.typeText};`);
    out.push('');
    out.push(...comment([`Zod schema for {@link ${d.name}}, built on first use.`], ''));
    const zodText = d.zodText.includes('\n') ? `\n  ${d.zodText},\n` : d.zodText;
    out.push(
      `export const ${d.name}Schema: z.ZodMiniType<${d.name}> = /* @__PURE__ */ lazySchema(${str(d.name)}, () =>${zodText.startsWith('\n') ? '' : ' '}${zodText});`,
    );
    out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function renderIndex(names: string[], skippedAliases: string[]): string {
  const lines = [
    '// Generated by scripts/generate-models.ts. Do not edit: run `npm run generate`.',
    '//',
    '// Bundle schemas that only rename another schema are not generated again:',
    ...skippedAliases.map((alias) => `//   ${alias}`),
    '',
    ...names.map((name) => `export * from './${name}.js';`),
  ];
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Main

function generate(options: Options): Map<string, string> {
  const loaded = loadSpec(options.spec);
  const gen = new Generator(loaded);
  const files = new Map<string, string>();
  const names = [...loaded.units.keys()].sort();
  for (const name of names) {
    const unit = loaded.units.get(name) as Unit;
    try {
      files.set(`${name}.ts`, gen.module(unit));
    } catch (error) {
      fail(`${unit.source}: ${(error as Error).message}`);
    }
  }
  files.set('index.ts', renderIndex(names, loaded.skippedAliases));
  return format(files);
}

/**
 * Passes the modules through the project's own formatter (biome, with its import sorting), so the
 * committed files are exactly what `npm run format` would leave and lint never fights the generator.
 */
function format(files: Map<string, string>): Map<string, string> {
  const biome = join(repoRoot, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
  if (!existsSync(biome)) fail('biome is not installed; run `npm install` first');
  // Inside the repository, so biome applies the project's biome.json.
  const dir = mkdtempSync(join(repoRoot, '.generate-models-'));
  try {
    for (const [file, text] of files) writeFileSync(join(dir, file), text);
    try {
      execFileSync(process.execPath, [biome, 'check', '--write', '--linter-enabled=false', dir], {
        cwd: repoRoot,
        stdio: 'pipe',
      });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
      fail(`biome could not format the generated modules:\n${stdout ?? ''}${stderr ?? ''}`);
    }
    return new Map([...files.keys()].map((file) => [file, readFileSync(join(dir, file), 'utf8')]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): void {
  const options = parseArgs(process.argv.slice(2));
  const files = generate(options);
  const existing = existsSync(options.out) ? readdirSync(options.out).filter((f) => f.endsWith('.ts')) : [];
  const shown = relative(process.cwd(), options.out) || '.';
  if (options.check) {
    const stale: string[] = [];
    for (const [file, text] of files) {
      const path = join(options.out, file);
      if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(file);
    }
    for (const file of existing) if (!files.has(file)) stale.push(`${file} (not generated by the spec)`);
    if (stale.length > 0) {
      process.stderr.write(
        `generate-models --check: ${stale.length} file(s) in ${shown} differ from the spec:\n` +
          stale.map((f) => `  ${f}`).join('\n') +
          '\nRun `npm run generate` and commit the result.\n',
      );
      process.exit(1);
    }
    process.stdout.write(`generate-models --check: ${files.size} files in ${shown} match the spec\n`);
    return;
  }
  mkdirSync(options.out, { recursive: true });
  for (const file of existing) if (!files.has(file)) rmSync(join(options.out, file));
  for (const [file, text] of files) writeFileSync(join(options.out, file), text);
  process.stdout.write(`generate-models: wrote ${files.size} files to ${shown}\n`);
}

/** The bundle JSON pointer segments of an inline schema named in {@link INLINE_SCHEMAS}. */
export function inlineSchemaPointer(name: string): string[] {
  const entry = INLINE_SCHEMAS[name];
  if (!entry) throw new Error(`${name} is not an inline schema`);
  const [path, method, kind, status, ...inner] = entry;
  const holder = kind === 'requestBody' ? [kind] : [kind, status];
  return ['paths', path, method, ...holder, 'content', 'application/json', 'schema', ...inner] as string[];
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
