/**
 * Every example in Terra's spec (schema files and bundle) parses with the generated schema of the
 * place it illustrates. An example the test cannot attach to a schema is a failure too, so none is
 * skipped silently.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import * as models from '../../src/models/index.js';
import {
  bundle,
  inlineNamesByPointer,
  isObject,
  type Json,
  type JsonObject,
  refName,
  schemaFiles,
} from '../support/spec.js';

type Schema = z.core.$ZodType;
const defOf = (schema: Schema) => (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;

function unwrap(schema: Schema): Schema {
  let current = schema;
  while (['optional', 'nullable'].includes(defOf(current).type as string)) current = defOf(current).innerType as Schema;
  return current;
}

function model(name: string): Schema | undefined {
  return (models as unknown as Record<string, Schema | undefined>)[`${name}Schema`];
}

interface Result {
  checked: number;
  failures: string[];
}

function checkExample(schema: Schema | undefined, example: unknown, where: string, result: Result): void {
  if (!schema) {
    result.failures.push(`${where}: no generated schema for this example`);
    return;
  }
  result.checked++;
  const parsed = z.safeParse(schema, example);
  if (!parsed.success) result.failures.push(`${where}: ${z.prettifyError(parsed.error)}`);
}

/** Walks a JSON Schema node and the zod schema generated for it side by side. */
function walk(node: Json, schema: Schema | undefined, where: string, result: Result): void {
  if (!isObject(node)) return;
  if (Array.isArray(node.examples)) {
    for (const [i, ex] of node.examples.entries()) checkExample(schema, ex, `${where} examples[${i}]`, result);
  }
  if ('example' in node) checkExample(schema, node.example, `${where} example`, result);
  const inner = schema ? unwrap(schema) : undefined;
  const def = inner ? defOf(inner) : undefined;
  if (isObject(node.properties)) {
    const shape = def?.shape as Record<string, Schema> | undefined;
    for (const [name, prop] of Object.entries(node.properties)) walk(prop, shape?.[name], `${where}.${name}`, result);
  }
  if (isObject(node.items)) walk(node.items, def?.element as Schema | undefined, `${where}[]`, result);
  if (Array.isArray(node.prefixItems)) {
    for (const [i, item] of node.prefixItems.entries()) {
      walk(item, (def?.items as Schema[] | undefined)?.[i], `${where}[${i}]`, result);
    }
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const arms = node[key];
    if (!Array.isArray(arms)) continue;
    arms.forEach((arm, i) => {
      if (isObject(arm) && arm.type === 'null') return;
      const armSchema = def?.type === 'union' ? (def.options as Schema[])[i] : inner;
      walk(arm, armSchema, `${where}.${key}[${i}]`, result);
    });
  }
  if (Array.isArray(node.allOf)) for (const part of node.allOf) walk(part, schema, `${where}.allOf`, result);
  if (isObject(node.$defs))
    for (const [name, d] of Object.entries(node.$defs)) walk(d, model(name), `${where}.$defs.${name}`, result);
}

const inlineNames = inlineNamesByPointer();

/** The generated schema for a body schema found at `pointer` in the bundle. */
function bodyModel(pointer: string[], schema: Json): Schema | undefined {
  const inline = inlineNames.get(pointer.join('/'));
  if (inline) return model(inline);
  if (!isObject(schema)) return undefined;
  if (typeof schema.$ref === 'string') return model(refName(schema.$ref));
  const arms = schema.oneOf;
  if (Array.isArray(arms)) {
    const options = arms.map((arm, i) => bodyModel([...pointer, 'oneOf', String(i)], arm));
    if (options.every((o): o is Schema => o !== undefined)) return z.union(options as [Schema, ...Schema[]]);
  }
  return undefined;
}

/** Checks a `content` map of a request body or response: its media examples and its schema's. */
function walkContent(content: Json, pointer: string[], where: string, result: Result): void {
  if (!isObject(content)) return;
  for (const [mediaType, media] of Object.entries(content)) {
    if (!isObject(media)) continue;
    const schemaPointer = [...pointer, 'content', mediaType, 'schema'];
    const schema = bodyModel(schemaPointer, media.schema ?? null);
    walk(media.schema ?? null, schema, `${where} ${mediaType}`, result);
    if ('example' in media) checkExample(schema, media.example, `${where} ${mediaType} example`, result);
    if (isObject(media.examples)) {
      for (const [name, ex] of Object.entries(media.examples)) {
        if (isObject(ex) && 'value' in ex)
          checkExample(schema, ex.value, `${where} ${mediaType} examples.${name}`, result);
      }
    }
  }
}

describe('spec examples', () => {
  it('every example in schemas/*.yaml parses with its generated schema', () => {
    const result: Result = { checked: 0, failures: [] };
    for (const [name, file] of schemaFiles()) walk(file, model(name), `schemas/${name}.yaml`, result);
    expect(result.failures).toEqual([]);
    // 434 `examples` lists in the schema files; each holds one or more values.
    expect(result.checked).toBeGreaterThanOrEqual(434);
  });

  it('every example in the bundle (components, paths, webhooks, responses) parses with its generated schema', () => {
    const result: Result = { checked: 0, failures: [] };
    const spec = bundle();
    const components = spec.components as JsonObject;
    for (const [name, schema] of Object.entries(components.schemas as JsonObject)) {
      const target = isObject(schema) && typeof schema.$ref === 'string' ? refName(schema.$ref) : name;
      walk(schema, model(name) ?? model(target), `components.schemas.${name}`, result);
    }
    for (const [name, response] of Object.entries(components.responses as JsonObject)) {
      if (isObject(response)) {
        walkContent(response.content ?? null, ['components', 'responses', name], `responses.${name}`, result);
      }
    }
    const operations: [string[], JsonObject][] = [];
    for (const [root, entries] of [
      ['paths', spec.paths],
      ['webhooks', spec.webhooks],
    ] as const) {
      for (const [path, item] of Object.entries(entries as JsonObject)) {
        for (const [method, operation] of Object.entries(item as JsonObject)) {
          if (isObject(operation)) operations.push([[root, path, method], operation]);
        }
      }
    }
    for (const [pointer, operation] of operations) {
      const where = pointer.join(' ');
      // Parameter examples are query and header values (a provider name, a page number), not models.
      if (isObject(operation.requestBody)) {
        walkContent(operation.requestBody.content ?? null, [...pointer, 'requestBody'], `${where} request`, result);
      }
      for (const [status, response] of Object.entries((operation.responses as JsonObject | undefined) ?? {})) {
        if (isObject(response)) {
          walkContent(response.content ?? null, [...pointer, 'responses', status], `${where} ${status}`, result);
        }
      }
    }
    expect(result.failures).toEqual([]);
    expect(result.checked).toBeGreaterThan(400);
  });
});
