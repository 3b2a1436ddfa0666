/**
 * The in-place check must agree with zod on every value: a check that accepts what zod rejects
 * would let a bad payload through typed as valid.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  ActivityCollectionSchema,
  DataEnrichmentSchema,
  PlannedWorkoutSchema,
  PositionSampleSchema,
  parseModel,
  TerraValidationError,
  WebhookEventTypeSchema,
} from '../../src/index.js';
import { checkFor, useGeneratedChecks } from '../../src/models/validate.js';
import { internalsUsable } from '../../src/models/zod-internals.js';
import { activityResponse, USER } from '../support/payloads.js';
import { type Json, specWebhooks } from '../support/spec.js';

/** Every example body of the bundle's `webhooks:` section (test/fixtures/spec/webhooks.json). */
function webhookExamples(): Json[] {
  return specWebhooks().examples.map((e) => e.value);
}

const plannedWorkout = {
  planned_workout_id: '2048',
  is_external: true,
  details: {
    metadata: { id: 'w1', name: 'Intervals' },
    steps: [{ name: 'warm up', steps: [{ name: 'on', weight_kg: 20, equipment_type: [1, 2] }, { name: 'off' }] }],
  },
};

const seeds: [string, z.core.$ZodType, unknown][] = [
  ...webhookExamples().map(
    (ex, i) => [`webhook example ${i}`, WebhookEventTypeSchema, ex] as [string, z.core.$ZodType, unknown],
  ),
  ['activity response', ActivityCollectionSchema, activityResponse(12)],
  ['planned workout', PlannedWorkoutSchema, plannedWorkout],
  ['position sample', PositionSampleSchema, { timestamp: 't', coords_lat_lng_deg: [1, null, 3] }],
  ['enrichment', DataEnrichmentSchema, { strain_score: 3, strain_contributors: { a: 1, b: 2.5 } }],
];

/** Every location in a JSON value, as key paths. */
function locations(value: unknown, path: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(path);
  if (Array.isArray(value)) for (const [i, item] of value.entries()) locations(item, [...path, i], out);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) locations(item, [...path, key], out);
  }
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === DELETE) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

const DELETE = Symbol('delete');
const replacement = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom<unknown>(DELETE, undefined, null, '', 0, -1.5, true, [], {}, [null], { type: 'activity' }),
  fc.constantFrom<unknown>(Number.NaN, Number.POSITIVE_INFINITY, new Date(0), new Map()),
);

function agree(schema: z.core.$ZodType, value: unknown): void {
  const check = checkFor(schema);
  expect(check).toBeDefined();
  const zod = z.safeParse(schema, value);
  expect(check?.(value)).toBe(zod.success);
  if (zod.success) expect(parseModel(schema, value)).toBe(value);
  else expect(() => parseModel(schema, value)).toThrow(TerraValidationError);
}

describe.each([
  ['generated code (Node, Bun, Deno)', true],
  ['closures (where eval is blocked, as on Workers)', false],
])('in-place check as %s agrees with zod', (_, generated) => {
  beforeAll(() => useGeneratedChecks(generated));
  afterAll(() => useGeneratedChecks(true));

  it('on every spec webhook example and seed payload', () => {
    expect(seeds.length).toBeGreaterThan(15);
    for (const [name, schema, value] of seeds) {
      expect(z.safeParse(schema, value).success, name).toBe(true);
      agree(schema, value);
      // A valid payload parses to a copy of itself, so returning it in place is the same answer.
      expect(z.parse(schema, structuredClone(value))).toEqual(value);
    }
  });

  it('on one random change at any depth of a valid payload', () => {
    // Seeds are picked by index so a counterexample prints a name, not a whole schema.
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.nat(), replacement, (index, pick, next) => {
        const [, schema, value] = seeds[index] as (typeof seeds)[number];
        const places = locations(value);
        const path = places[pick % places.length] as (string | number)[];
        agree(schema, setAt(value, path, next));
      }),
      { numRuns: 3000 },
    );
  });

  it('on arbitrary values', () => {
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.anything(), (index, value) =>
        agree((seeds[index] as (typeof seeds)[number])[1], value),
      ),
      { numRuns: 1000 },
    );
  });

  it('on tag values that select no event, or a different one', () => {
    for (const type of ['foo', 'auth', 'activity', 'athlete', 'lab_report.completed', undefined, null, 1]) {
      agree(WebhookEventTypeSchema, { type, status: 'success', user: USER, data: [], version: 'v', athlete: {} });
    }
  });

  it('on records with symbol, non-enumerable and __proto__ keys', () => {
    const symbolKey = { a: 1, [Symbol('s')]: 2 };
    const hidden = Object.defineProperty({ a: 1 }, 'b', { value: 'not a number', enumerable: false });
    const proto = JSON.parse('{"a": 1, "__proto__": "x"}');
    const classInstance = new (class Box {
      a = 1;
    })();
    for (const contributors of [symbolKey, hidden, proto, classInstance, Object.create(null), []]) {
      agree(DataEnrichmentSchema, { strain_contributors: contributors });
    }
  });
});

describe('schemas the check does not cover', () => {
  it('fall back to zod, whose output parseModel returns', () => {
    const cases: [z.core.$ZodType, unknown][] = [
      [z.object({ a: z.string() }), { a: 'x', extra: 1 }],
      [z.strictObject({ a: z.string() }), { a: 'x' }],
      [z.string().transform((s) => s.length), 'four'],
      [z.number().int(), 3],
      [z.string().min(3), 'abcd'],
      [z.looseObject({ a: z.string().default('d') }), {}],
      [z.array(z.string()).min(1), ['a']],
      [z.lazy(() => z.string()), 'lazy'],
      [z.xor([z.string(), z.number()]), 'x'],
      [z.record(z.enum(['a']), z.number()), { a: 1 }],
      [z.coerce.number(), '5'],
      [z.looseObject({ a: z.string() }).refine(() => true), { a: 'x' }],
      [z.tuple([z.string(), z.string().optional()]), ['a']],
      [z.email(), 'ada@example.com'],
      [z.uuid(), '40f7b0e1-89e2-43ac-a5b8-1e29c8d47cad'],
      [z.int(), 3],
      [z.iso.datetime({ offset: true }), '2026-07-01T07:04:11.000000+01:00'],
    ];
    for (const [schema, value] of cases) {
      expect(checkFor(schema)).toBeUndefined();
      expect(parseModel(schema, value)).toEqual(z.parse(schema, value));
    }
    expect(parseModel(z.object({ a: z.string() }), { a: 'x', extra: 1 })).toEqual({ a: 'x' });
    expect(() => parseModel(z.number().int(), 1.5)).toThrow(TerraValidationError);
    // Formats check inside the schema, not in its checks: a plain-string check would wave these through.
    expect(() => parseModel(z.email(), 'not an email')).toThrow(TerraValidationError);
    expect(() => parseModel(z.uuid(), 'not a uuid')).toThrow(TerraValidationError);
    expect(() => parseModel(z.int(), 1.5)).toThrow(TerraValidationError);
  });

  it('cover plain unions and literals, which generated models do not use but users may', () => {
    const schema = z.union([z.literal(['a', 'b']), z.looseObject({ n: z.number() }), z.null()]);
    for (const value of ['a', 'c', null, { n: 1 }, { n: '1' }, undefined]) agree(schema, value);
  });

  it('require a required key to be present even when its schema accepts undefined, as zod does', () => {
    const schema = z.looseObject({ a: z.unknown(), b: z.string().optional() });
    for (const value of [{}, { a: undefined }, { a: 1 }, { a: 1, b: undefined }, { b: 'x' }]) agree(schema, value);
  });
});

describe('zod internals', () => {
  it('have the shape the in-place check reads, so every generated model gets the fast path', async () => {
    // If a zod release reshapes its internals, the SDK stays correct (zod parses instead) but loses
    // its speed; this makes that visible in CI, which also runs it against the newest zod 4.
    expect(internalsUsable()).toBe(true);
    const models = await import('../../src/models/generated/index.js');
    const slow = Object.entries(models)
      .filter(([name]) => name.endsWith('Schema'))
      .filter(([, schema]) => checkFor(schema as z.core.$ZodType) === undefined)
      .map(([name]) => name);
    expect(slow).toEqual([]);
  });
});
