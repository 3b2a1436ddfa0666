/**
 * `FooSchema.parse(JSON.parse(text))` and `parseModel(FooSchema, JSON.parse(text))` against
 * `JSON.parse(text)` alone, for every model `terra-sdk` exports. Each model gets a value built from
 * its own zod definition (every field present, arrays of 20 items near the top, recursion cut at a
 * few levels) and checked by zod before it is timed. Times are CPU time, medians over rounds; ratios
 * are taken within each round.
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
 * CPU microseconds per call of each function in each round: runs of about 4 ms, taken in turns so
 * that a slow moment of the machine hits the runs of one round alike.
 */
function cpuUs(fns: readonly (() => unknown)[], rounds = 15): number[][] {
  // At least 32 calls a run: a run of a few calls of a 100 kB model is decided by whether a garbage
  // collection falls in it (single rounds ranged from 0.3x to 7x).
  const counts = fns.map((fn) => Math.max(calibrate(fn) * 2, 32));
  const runs: number[][] = fns.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [k, fn] of fns.entries()) {
      const n = counts[k] as number;
      const start = process.cpuUsage();
      for (let i = 0; i < n; i++) fn();
      const spent = process.cpuUsage(start);
      (runs[k] as number[]).push((spent.user + spent.system) / n);
    }
  }
  return runs;
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/**
 * The median over rounds of `runs` against `base` in the same round. This machine (a 2-core VM)
 * has slow phases of tens of milliseconds: a ratio within one round cancels them, where the best
 * of each side's runs, taken from different rounds, swung by 1.5x for 100 kB models.
 */
const pairedRatio = (runs: readonly number[], base: readonly number[]) =>
  median(runs.map((us, round) => us / (base[round] as number)));

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
    // Each call keeps nothing of the parsed value: a large value kept alive would be copied by
    // whichever garbage collection falls in a run, which made runs of 100 kB models differ by 1.5x.
    const [jsonRuns, schemaRuns, parseModelRuns] = cpuUs([
      () => {
        sink = typeof JSON.parse(text);
      },
      () => {
        sink = typeof parse(JSON.parse(text));
      },
      () => {
        sink = typeof models.parseModel(zodSchema, JSON.parse(text));
      },
    ]) as [number[], number[], number[]];
    costs.push({
      model,
      bytes: text.length,
      jsonParseUs: median(jsonRuns),
      schemaParseUs: median(schemaRuns),
      parseModelUs: median(parseModelRuns),
      schemaRatio: pairedRatio(schemaRuns, jsonRuns),
      parseModelRatio: pairedRatio(parseModelRuns, jsonRuns),
      scalar: typeof value !== 'object' || value === null,
    });
  }
  void sink;
  return { costs, skipped };
}
