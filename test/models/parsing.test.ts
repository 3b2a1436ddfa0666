import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  type Activity,
  ActivityCollectionSchema,
  ActivitySchema,
  ActivityTypeLabels,
  DataEnrichmentSchema,
  DeviceDataSchema,
  enumLabel,
  GlucoseDataSchema,
  PlannedWorkoutDetailsStepSchema,
  PositionSampleSchema,
  parseModel,
  SleepMetadataSchema,
  TerraError,
  TerraUserSchema,
  TerraValidationError,
  TimestampLocalizationLabels,
  UserReauthEventSchema,
  WebhookEventTypeSchema,
} from '../../src/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { activityResponse, USER } from '../support/payloads.js';

const metadata = {
  summary_id: 'abc',
  start_time: '2026-07-01T07:04:11.000000+01:00',
  end_time: '2026-07-01T07:52:48.000000+01:00',
  type: 8,
  upload_type: 1,
};

function validationError(fn: () => unknown): TerraValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TerraValidationError);
    expect(error).toBeInstanceOf(TerraError);
    return error as TerraValidationError;
  }
  throw new Error('expected a TerraValidationError');
}

describe('forward compatibility', () => {
  it('keeps fields the schema does not know, at every depth, with parseModel and schema.parse', () => {
    const payload = {
      metadata: { ...metadata, new_metadata_field: 'kept' },
      brand_new_section: { score: 7 },
      heart_rate_data: { summary: { avg_hr_bpm: 150, new_summary_field: [1, 2] } },
    };
    const parsed = parseModel(ActivitySchema, structuredClone(payload)) as Activity & Record<string, unknown>;
    expect(parsed).toEqual(payload);
    expect(ActivitySchema.parse(structuredClone(payload))).toEqual(payload);
  });

  it('accepts enum values this SDK does not know, and keeps them as sent', () => {
    const parsed = parseModel(ActivitySchema, { metadata: { ...metadata, type: 999, upload_type: 42 } });
    expect(parsed.metadata.type).toBe(999);
    expect(enumLabel(ActivityTypeLabels, parsed.metadata.type)).toBeUndefined();
    const device = parseModel(DeviceDataSchema, { data_provided: ['HEART_RATE', 'BRAIN_WAVES'] });
    expect(device.data_provided).toEqual(['HEART_RATE', 'BRAIN_WAVES']);
  });

  it('keeps activity type 0 (In Vehicle), which a truthiness check would drop', () => {
    const parsed = parseModel(ActivitySchema, { metadata: { ...metadata, type: 0 } });
    expect(parsed.metadata.type).toBe(0);
    expect(enumLabel(ActivityTypeLabels, parsed.metadata.type)).toBe('In Vehicle');
    expect(ActivityTypeLabels[8]).toBe('Running');
    expect(Object.keys(ActivityTypeLabels)).toHaveLength(146);
  });

  it('gives numeric enums without titles in the spec a label map too', () => {
    expect(TimestampLocalizationLabels).toEqual({ 0: 'UTC', 1: 'Local' });
  });
});

describe('nullable and optional fields', () => {
  it('accepts a nullish field both missing and null, and rejects a wrong type', () => {
    expect(parseModel(SleepMetadataSchema, { ...metadata, upload_type: 1, is_nap: null }).is_nap).toBeNull();
    expect(parseModel(SleepMetadataSchema, { ...metadata, upload_type: 1 }).is_nap).toBeUndefined();
    validationError(() => parseModel(SleepMetadataSchema, { ...metadata, upload_type: 1, is_nap: 'no' }));
  });

  it('requires required fields and rejects null where the spec does not allow it', () => {
    const missing = validationError(() => parseModel(TerraUserSchema, { provider: 'GARMIN' }));
    expect(missing.issues.map((i) => i.path)).toEqual(['$.user_id']);
    validationError(() => parseModel(TerraUserSchema, { user_id: null, provider: 'GARMIN' }));
    validationError(() => parseModel(TerraUserSchema, { user_id: '', provider: 'GARMIN' }));
  });

  it('reads a user_reauth whose old_user is null or missing', () => {
    const base = { type: 'user_reauth', status: 'warning', message: 'm', new_user: USER };
    expect(parseModel(UserReauthEventSchema, { ...base, old_user: null }).old_user).toBeNull();
    expect(parseModel(UserReauthEventSchema, base).old_user).toBeUndefined();
  });

  it('keeps the deprecated lower-case glucose key next to its replacement', () => {
    const glucose = { day_avg_blood_glucose_mg_per_dL: 92.5, day_avg_blood_glucose_mg_per_dl: 92.5 };
    expect(parseModel(GlucoseDataSchema, glucose)).toEqual(glucose);
  });
});

describe('special constructs', () => {
  it('reads coordinates as a pair that may hold nulls and extra items', () => {
    for (const coords of [
      [51.5, -0.12],
      [null, null],
      [51.5, -0.12, 35.2],
    ]) {
      expect(parseModel(PositionSampleSchema, { coords_lat_lng_deg: coords }).coords_lat_lng_deg).toEqual(coords);
    }
    validationError(() => parseModel(PositionSampleSchema, { coords_lat_lng_deg: [51.5] }));
    validationError(() => parseModel(PositionSampleSchema, { coords_lat_lng_deg: ['51.5', 0] }));
  });

  it('reads enrichment contributor maps as records of numbers', () => {
    const enrichment = { strain_score: 14.5, strain_contributors: { running: 9.5, cycling: 5 } };
    expect(parseModel(DataEnrichmentSchema, enrichment)).toEqual(enrichment);
    const error = validationError(() => parseModel(DataEnrichmentSchema, { strain_contributors: { running: 'high' } }));
    expect(error.issues[0]?.path).toBe('$.strain_contributors.running');
  });

  it('reads planned-workout steps nested to any depth', () => {
    const step = { name: 'repeat', steps: [{ name: 'on', steps: [{ name: 'sprint', weight_kg: null }] }] };
    expect(parseModel(PlannedWorkoutDetailsStepSchema, step)).toEqual(step);
    const error = validationError(() =>
      parseModel(PlannedWorkoutDetailsStepSchema, { steps: [{ steps: [{ weight_kg: 'heavy' }] }] }),
    );
    expect(error.issues[0]?.path).toBe('$.steps[0].steps[0].weight_kg');
  });

  it('tells events apart by type, athlete events carrying athlete rather than data', () => {
    const event = parseModel(WebhookEventTypeSchema, {
      type: 'athlete',
      athlete: { first_name: 'Ada' },
      user: USER,
      version: '2022-03-16',
    });
    expect(event.type).toBe('athlete');
    if (event.type === 'athlete') expect(event.athlete.first_name).toBe('Ada');
    const error = validationError(() => parseModel(WebhookEventTypeSchema, { type: 'activity', user: USER }));
    // `version` is not required: Terra's dashboard test webhooks carry none (OVERRIDES in the generator).
    expect(error.issues.map((i) => i.path)).toEqual(['$.data']);
  });
});

describe('validation errors', () => {
  const secret = 'SENSITIVE-7731';

  it('gives the JSON path of a wrong type and never the value', () => {
    const payload = activityResponse(3);
    const data = payload.data as Record<string, unknown>[];
    (data[0]?.metadata as Record<string, unknown>).type = secret;
    const error = validationError(() =>
      parseModel(ActivityCollectionSchema, payload, { subject: 'The GET /activity response' }),
    );
    expect(error.message).toBe(
      'The GET /activity response does not match the ActivityCollection schema (1 issue): ' +
        'at $.data[0].metadata.type: expected number, received string',
    );
    expect(error.model).toBe('ActivityCollection');
    expect(error.issues).toEqual([
      {
        path: '$.data[0].metadata.type',
        pathSegments: ['data', 0, 'metadata', 'type'],
        code: 'invalid_type',
        message: 'expected number, received string',
      },
    ]);
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(String(error.stack)).not.toContain(secret);
  });

  it('reports data that is not an array', () => {
    const error = validationError(() => parseModel(ActivityCollectionSchema, { user: USER, data: secret }));
    expect(error.issues.map((i) => i.path)).toEqual(['$.data']);
    expect(error.message).toContain('expected array, received string');
    expect(error.message).not.toContain(secret);
  });

  it('spells out the first five issues and counts the rest', () => {
    const samples = Array.from({ length: 8 }, () => ({ bpm: secret }));
    const error = validationError(() =>
      parseModel(ActivitySchema, { metadata, heart_rate_data: { detailed: { hr_samples: samples } } }),
    );
    expect(error.issues).toHaveLength(8);
    expect(error.message).toContain('(8 issues)');
    expect(error.message).toContain('at $.heart_rate_data.detailed.hr_samples[4].bpm');
    expect(error.message).not.toContain('hr_samples[5]');
    expect(error.message).toContain('and 3 more');
    expect(error.message).not.toContain(secret);
  });

  it('quotes keys that are not identifiers in paths', () => {
    const error = validationError(() => parseModel(DataEnrichmentSchema, { strain_contributors: { 'run.fast': 'x' } }));
    expect(error.issues[0]?.path).toBe('$.strain_contributors["run.fast"]');
  });

  it('reports a root that is not an object', () => {
    for (const value of [null, 'text', 3, [metadata]]) {
      const error = validationError(() => parseModel(ActivitySchema, value));
      expect(error.issues[0]?.path).toBe('$');
    }
  });
});

describe('large payloads', () => {
  it('parses a 10,000-sample activity in place, returning the same object', () => {
    const payload = activityResponse(10_000);
    const parsed = parseModel(ActivityCollectionSchema, payload);
    expect(parsed).toBe(payload);
    expect(parsed.data?.[0]?.heart_rate_data?.detailed?.hr_samples).toHaveLength(10_000);
  });

  it('finds one bad sample among 10,000', () => {
    const payload = fixtures.activity({ samples: 10_000 });
    const samples = payload.heart_rate_data?.detailed?.hr_samples as unknown as Record<string, unknown>[];
    (samples[9_876] as Record<string, unknown>).bpm = '150';
    const error = validationError(() => parseModel(ActivitySchema, payload));
    expect(error.issues.map((i) => i.path)).toEqual(['$.heart_rate_data.detailed.hr_samples[9876].bpm']);
  });
});

describe('issue wording', () => {
  // parseModel words every kind of zod issue itself, from the schema and the kind of value only.
  const message = (schema: z.core.$ZodType, value: unknown) => {
    try {
      parseModel(schema, value);
    } catch (error) {
      return (error as TerraValidationError).issues.map((i) => i.message);
    }
    throw new Error('expected a TerraValidationError');
  };

  it('says what was expected for each kind of problem', () => {
    expect(message(z.number(), undefined)).toEqual(['expected number, but it is missing']);
    expect(message(z.number(), Number.NaN)).toEqual(['expected number, received NaN']);
    expect(message(z.string(), new Date())).toEqual(['expected string, received Date']);
    expect(message(z.literal('auth'), 'deauth')).toEqual(['expected "auth"']);
    expect(message(z.literal(['a', 'b']), 'c')).toEqual(['expected one of "a", "b"']);
    expect(message(z.string().check(z.minLength(3)), 'ab')).toEqual(['expected at least 3 character(s)']);
    expect(message(z.array(z.number()).check(z.maxLength(1)), [1, 2])).toEqual(['expected at most 1 item(s)']);
    expect(message(z.number().check(z.gte(5)), 1)).toEqual(['expected at least 5']);
    expect(message(z.union([z.string(), z.number()]), true)).toEqual(['matches none of the allowed shapes']);
    expect(
      message(z.discriminatedUnion('type', [z.object({ type: z.literal('a') }), z.object({ type: z.literal('b') })]), {
        type: 'c',
      }),
    ).toEqual(['expected type to be one of "a", "b"']);
    expect(message(z.strictObject({ a: z.string() }), { a: 'x', secretKey: 1 })).toEqual([
      'unexpected key(s) "secretKey"',
    ]);
    expect(message(z.email(), 'not-an-email')).toEqual(['expected the email format']);
    expect(message(z.number().check(z.multipleOf(5)), 7)).toEqual(['expected a multiple of 5']);
    expect(message(z.record(z.string().check(z.minLength(2)), z.number()), { a: 1 })).toEqual(['has an invalid key']);
    expect(message(z.string().check(z.refine(() => false)), 'x')).toEqual(['is invalid']);
  });
});
