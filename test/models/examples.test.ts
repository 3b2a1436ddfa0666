/**
 * Every example in Terra's spec (schema files and bundle, as test/fixtures/spec/examples.json lists
 * them) parses with the generated schema of the place it illustrates. An example the test cannot attach to a schema is a failure too, so none is
 * skipped silently.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import * as models from '../../src/models/index.js';
import { type ExampleRoot, type SpecExample, specExamples } from '../support/spec.js';

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

/** The generated schema a root names: a model, the first of several that exists, or a union. */
function rootSchema(root: ExampleRoot | null): Schema | undefined {
  if (root === null) return undefined;
  if ('model' in root) return model(root.model);
  if ('firstOf' in root) return root.firstOf.map(model).find((m) => m !== undefined);
  const options = root.union.map(rootSchema);
  return options.every((o): o is Schema => o !== undefined) ? z.union(options as [Schema, ...Schema[]]) : undefined;
}

/**
 * Follows the JSON-Schema steps the generator recorded (test/fixtures/spec/examples.json) through
 * the zod schema generated for them, to the schema of the place the example illustrates.
 */
function schemaAt(example: SpecExample): Schema | undefined {
  let schema = rootSchema(example.root);
  for (const [keyword, arg] of example.steps) {
    if (schema === undefined) return undefined;
    const inner = unwrap(schema);
    const def = defOf(inner);
    if (keyword === 'properties') schema = (def.shape as Record<string, Schema> | undefined)?.[arg as string];
    else if (keyword === 'items') schema = def.element as Schema | undefined;
    else if (keyword === 'prefixItems') schema = (def.items as Schema[] | undefined)?.[arg as number];
    else if (keyword === 'anyOf' || keyword === 'oneOf') {
      schema = def.type === 'union' ? (def.options as Schema[])[arg as number] : inner;
    } else if (keyword !== 'allOf') throw new Error(`${example.source}: unknown step ${keyword}`);
  }
  return schema;
}

function checkAll(examples: SpecExample[]): Result {
  const result: Result = { checked: 0, failures: [] };
  for (const example of examples) checkExample(schemaAt(example), example.value, example.source, result);
  return result;
}

describe('spec examples', () => {
  it('every example in schemas/*.yaml parses with its generated schema', () => {
    const result = checkAll(specExamples().schemaFiles);
    expect(result.failures).toEqual([]);
    // 434 `examples` lists in the schema files; each holds one or more values.
    expect(result.checked).toBeGreaterThanOrEqual(434);
  });

  it('every example in the bundle (components, paths, webhooks, responses) parses with its generated schema', () => {
    const result = checkAll(specExamples().bundle);
    expect(result.failures).toEqual([]);
    expect(result.checked).toBeGreaterThan(400);
  });
});
