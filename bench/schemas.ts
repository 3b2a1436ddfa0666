/**
 * `FooSchema.parse(JSON.parse(text))` and `parseModel(FooSchema, JSON.parse(text))` against
 * `JSON.parse(text)` alone, for every model `terra-sdk` exports. Each model gets a value built from
 * its own zod definition (every field present, arrays of 20 items near the top, recursion cut at a
 * few levels) and checked by zod before it is timed. Times are CPU time, the best of several runs.
 */

import * as models from 'terra-sdk/models';
import * as z from 'zod/mini';

export interface SchemaCost {
  model: string;
  bytes: number;
  jsonParseUs: number;
  schemaParseUs: number;
  parseModelUs: number;
  /** (JSON.parse + FooSchema.parse) over JSON.parse. */
  schemaRatio: number;
  /** (JSON.parse + parseModel) over JSON.parse. */
  parseModelRatio: number;
  /** Whether the model's JSON is a single string, number or boolean (an enum), not an object. */
  scalar: boolean;
}

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** A value the schema accepts, as full as the depth allows. */
function sample(schema: unknown, depth: number, seen: Map<unknown, number>): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
      return 'sample-value';
    case 'number':
      return 42.5;
    case 'int':
      return 42;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'unknown':
    case 'any':
      return { note: 'free-form' };
    case 'literal':
      return (def.values as unknown[])[0];
    case 'enum':
      return Object.values(def.entries as Record<string, unknown>)[0];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
      return sample(def.innerType, depth, seen);
    case 'pipe':
      return sample(def.in, depth, seen);
    case 'array': {
      const count = depth < 3 ? 20 : 2;
      return Array.from({ length: count }, () => sample(def.element, depth + 1, seen));
    }
    case 'tuple':
      return (def.items as unknown[]).map((item) => sample(item, depth + 1, seen));
    case 'record':
      return { a: sample(def.valueType, depth + 1, seen), b: sample(def.valueType, depth + 1, seen) };
    case 'union': {
      const options = def.options as unknown[];
      const option = options.find((o) => defOf(o).type !== 'null') ?? options[0];
      return sample(option, depth, seen);
    }
    case 'object': {
      const visits = seen.get(schema) ?? 0;
      const out: Record<string, unknown> = {};
      seen.set(schema, visits + 1);
      for (const [key, field] of Object.entries(def.shape as Record<string, unknown>)) {
        const optional = ['optional', 'nullable'].includes(defOf(field).type);
        // A recursive model (a planned workout's steps) stops after a few levels.
        if (optional && (visits >= 2 || depth > 8)) continue;
        out[key] = sample(field, depth + 1, seen);
      }
      seen.set(schema, visits);
      return out;
    }
    default:
      throw new Error(`no sample for ${def.type}`);
  }
}

/** How many calls of `fn` take about 2 ms of CPU. */
function calibrate(fn: () => unknown): number {
  for (let n = 1; ; n *= 2) {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const spent = process.cpuUsage(start);
    if (spent.user + spent.system >= 2_000) return n;
  }
}

/**
 * CPU microseconds per call of each function: runs of about 4 ms, taken in turns so that a slow
 * moment of the machine hits all of them alike, the best of `rounds`.
 */
function cpuUs(fns: readonly (() => unknown)[], rounds = 5): number[] {
  const counts = fns.map((fn) => calibrate(fn) * 2);
  const best = fns.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round < rounds; round++) {
    for (const [k, fn] of fns.entries()) {
      const n = counts[k] as number;
      const start = process.cpuUsage();
      for (let i = 0; i < n; i++) fn();
      const spent = process.cpuUsage(start);
      best[k] = Math.min(best[k] as number, (spent.user + spent.system) / n);
    }
  }
  return best;
}

let sink: unknown;

/** Measures every exported model; models zod refuses the sample of are left out and named. */
export function measureSchemaCost(): { costs: SchemaCost[]; skipped: string[] } {
  const costs: SchemaCost[] = [];
  const skipped: string[] = [];
  for (const [name, schema] of Object.entries(models)) {
    if (!name.endsWith('Schema') || typeof schema !== 'object' || schema === null) continue;
    const model = name.slice(0, -'Schema'.length);
    let value: unknown;
    try {
      value = sample(schema, 0, new Map());
    } catch {
      skipped.push(model);
      continue;
    }
    const zodSchema = schema as unknown as z.ZodMiniType;
    if (!z.safeParse(zodSchema, value).success) {
      skipped.push(model);
      continue;
    }
    const text = JSON.stringify(value);
    const parse = (zodSchema as unknown as { parse(data: unknown): unknown }).parse;
    const [jsonParseUs, schemaParseUs, parseModelUs] = cpuUs([
      () => {
        sink = JSON.parse(text);
      },
      () => {
        sink = parse(JSON.parse(text));
      },
      () => {
        sink = models.parseModel(zodSchema, JSON.parse(text));
      },
    ]) as [number, number, number];
    costs.push({
      model,
      bytes: text.length,
      jsonParseUs,
      schemaParseUs,
      parseModelUs,
      schemaRatio: schemaParseUs / jsonParseUs,
      parseModelRatio: parseModelUs / jsonParseUs,
      scalar: typeof value !== 'object' || value === null,
    });
  }
  void sink;
  return { costs, skipped };
}
