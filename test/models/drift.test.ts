/**
 * parseModel's `onDrift`: the SDK's policy for what Terra really sends, for values users parse
 * themselves. Identifying fields must hold; everything else is drift, reported once, and the value
 * comes back as the same object.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { TerraInvalidArgumentError } from '../../src/errors.js';
import * as generated from '../../src/models/generated/index.js';
import { IDENTIFYING_FIELDS } from '../../src/models/identifying.js';
import {
  ActivityCollectionSchema,
  ActivitySchema,
  AthleteCollectionSchema,
  DeauthEventSchema,
  parseModel,
  type SchemaDrift,
  SleepEventSchema,
  TerraUserSchema,
  TerraValidationError,
} from '../../src/models/index.js';
import { modelName } from '../../src/models/lazy.js';
import { MAX_DRIFT } from '../../src/models/parse.js';
import { mayBeAbsent } from '../../src/models/zod-internals.js';
import { fixtures } from '../../src/testing/fixtures/index.js';

/** Runs parseModel with onDrift and gives what it returned and every drift report. */
function tolerant<T>(schema: z.core.$ZodType<T>, value: unknown) {
  const reports: (readonly SchemaDrift[])[] = [];
  const result = parseModel(schema, value, { onDrift: (drift) => void reports.push(drift) });
  return { result, reports };
}

function validationError(fn: () => unknown): TerraValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TerraValidationError);
    return error as TerraValidationError;
  }
  throw new Error('expected a TerraValidationError');
}

describe('parseModel with onDrift', () => {
  it('returns the value itself, typed, and reports where it differs once, paths and codes only', () => {
    const activity = fixtures.activity({ samples: 3 }) as unknown as { metadata: Record<string, unknown> };
    activity.metadata.summary_id = 987654321;
    const { result, reports } = tolerant(ActivitySchema, activity);
    expect(result).toBe(activity);
    expect(reports).toEqual([
      [
        {
          path: '$.metadata.summary_id',
          pathSegments: ['metadata', 'summary_id'],
          code: 'invalid_type',
          message: 'expected string, received number',
        },
      ],
    ]);
    expect(JSON.stringify(reports)).not.toContain('987654321');
    // Without onDrift the same value throws, as before.
    expect(() => parseModel(ActivitySchema, activity)).toThrow(/at \$\.metadata\.summary_id/);
  });

  it('does not call onDrift for a value that matches', () => {
    const { result, reports } = tolerant(SleepEventSchema, fixtures.event('sleep'));
    expect(result.type).toBe('sleep');
    expect(reports).toEqual([]);
  });

  it('returns the value itself even for a schema the in-place check does not cover', () => {
    const custom = z.looseObject({ email: z.email(), age: z.number() });
    const value = { email: 'a@example.com', age: 'thirty', extra: [1] };
    const { result, reports } = tolerant(custom, value);
    expect(result).toBe(value);
    expect(reports.map((r) => r.map((d) => d.path))).toEqual([['$.age']]);
    const valid = { email: 'a@example.com', age: 30 };
    expect(tolerant(custom, valid).result).toBe(valid);
  });

  it('throws when the value is not even of the schema’s kind', () => {
    expect(validationError(() => tolerant(ActivitySchema, [1, 2])).issues.map((i) => i.path)).toEqual(['$']);
    expect(validationError(() => tolerant(z.string(), 5)).issues.map((i) => i.path)).toEqual(['$']);
  });

  it('throws for a broken identifying field of an event, a data answer and a user', () => {
    const deauth = fixtures.event('deauth');
    expect(validationError(() => tolerant(DeauthEventSchema, { ...deauth, user: null })).issues[0]?.path).toBe(
      '$.user',
    );
    expect(
      validationError(() => tolerant(ActivityCollectionSchema, { data: [fixtures.activity({ samples: 1 }), 3] }))
        .issues,
    ).toMatchObject([{ path: '$.data[1]', code: 'invalid_type', message: 'expected object, received number' }]);
    expect(validationError(() => tolerant(AthleteCollectionSchema, { type: 'athlete' })).issues[0]?.path).toBe(
      '$.athlete',
    );
    expect(validationError(() => tolerant(TerraUserSchema, { user_id: '', provider: 'OURA' })).issues).toMatchObject([
      { path: '$.user_id', code: 'too_small', message: 'expected at least 1 character(s)' },
    ]);
  });

  it('accepts a data answer without data (no records), and lists at most five broken records', () => {
    expect(tolerant(ActivityCollectionSchema, { type: 'activity' }).reports).toEqual([]);
    const broken = validationError(() =>
      tolerant(ActivityCollectionSchema, { data: Array.from({ length: 9 }, () => 1) }),
    );
    expect(broken.issues.map((i) => i.path)).toEqual(['$.data[0]', '$.data[1]', '$.data[2]', '$.data[3]', '$.data[4]']);
  });

  it(`keeps at most ${MAX_DRIFT} places, the last one counting the rest`, () => {
    const sleep = fixtures.event('sleep') as unknown as { data: Record<string, unknown>[] };
    const many = { ...sleep, data: Array.from({ length: 80 }, () => ({ ...sleep.data[0], metadata: 1 })) };
    const { result, reports } = tolerant(SleepEventSchema, many);
    expect(result).toBe(many);
    const [drift = []] = reports;
    expect(drift).toHaveLength(MAX_DRIFT);
    expect(drift.at(-1)).toEqual({ path: '$', pathSegments: [], code: 'truncated', message: 'and 31 more place(s)' });
    expect(Object.isFrozen(drift)).toBe(true);
  });

  it('refuses options of the wrong kind', () => {
    expect(() => parseModel(ActivitySchema, {}, { onDrift: 'log' as never })).toThrow(TerraInvalidArgumentError);
    expect(() => parseModel(ActivitySchema, {}, { onDrift: 'log' as never })).toThrow(/onDrift must be a function/);
    expect(() => parseModel(ActivitySchema, {}, { subject: 3 as never })).toThrow(TerraInvalidArgumentError);
    expect(() => parseModel(ActivitySchema, {}, { drift: true } as never)).toThrow(/unknown option drift/);
  });
});

describe('the table of identifying fields', () => {
  it('names only models that exist, and fields each model requires (a data answer’s data excepted)', () => {
    const schemas = Object.values(generated).filter((value) => typeof value === 'object' && value !== null);
    const known = new Set(schemas.map((schema) => modelName(schema as object)).filter(Boolean));
    const handWritten = [
      'LegacyAuthErrorEvent',
      'HealthcheckEvent',
      'ProcessingEvent',
      'RateLimitHitEvent',
      'GoogleNoDatasourceEvent',
      'RequestProcessingEvent',
      'RequestCompletedEvent',
    ];
    for (const [model, rules] of Object.entries(IDENTIFYING_FIELDS)) {
      if (handWritten.includes(model)) continue;
      expect(known.has(model), model).toBe(true);
      const schema = (generated as Record<string, unknown>)[`${model}Schema`] as { shape: Record<string, unknown> };
      for (const [field, rule] of Object.entries(rules)) {
        expect(Object.hasOwn(schema.shape, field), `${model}.${field}`).toBe(true);
        expect(mayBeAbsent(schema.shape[field]), `${model}.${field}`).toBe(
          rule === 'records-if-present' || (model.endsWith('Collection') && field === 'athlete'),
        );
      }
    }
  });
});
