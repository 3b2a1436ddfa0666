import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import {
  ActivitySchema,
  AthleteSchema,
  BodySchema,
  calendarDate,
  DailySchema,
  HealthObservationSchema,
  HormoneSampleSchema,
  MenstruationSchema,
  NutritionSchema,
  PlannedWorkoutSchema,
  parseModel,
  parseTerraTimestamp,
  SleepSchema,
  TerraInvalidArgumentError,
  TerraUserSchema,
} from '../../src/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { fixtureOptions } from '../support/arbitraries.js';

const builders: [string, (o: { seed: number; date: string; offsetMinutes: number }) => unknown, z.core.$ZodType][] = [
  ['activity', (o) => fixtures.activity({ ...o, samples: 120 }), ActivitySchema],
  ['sleep', fixtures.sleep, SleepSchema],
  ['daily', fixtures.daily, DailySchema],
  ['body', fixtures.body, BodySchema],
  ['nutrition', fixtures.nutrition, NutritionSchema],
  ['menstruation', fixtures.menstruation, MenstruationSchema],
  ['athlete', fixtures.athlete, AthleteSchema],
  ['hormone', fixtures.hormone, HormoneSampleSchema],
  ['healthObservation', fixtures.healthObservation, HealthObservationSchema],
  ['plannedWorkout', fixtures.plannedWorkout, PlannedWorkoutSchema],
  ['user', (o) => fixtures.user({ seed: o.seed }), TerraUserSchema],
];

const options = fixtureOptions;

/** Every string in a value that looks like a Terra timestamp. */
function timestamps(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) out.push(value);
  else if (Array.isArray(value)) for (const item of value) timestamps(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) timestamps(item, out);
  return out;
}

describe('fixtures', () => {
  for (const [name, build, schema] of builders) {
    it(`${name}: valid against its schema for any seed, day and offset, and deterministic`, () => {
      fc.assert(
        fc.property(options, (o) => {
          const record = build(o);
          expect(() => parseModel(schema, record)).not.toThrow();
          expect(build(o)).toEqual(record);
          // Wearer-local times carry the wearer's offset; a user's bookkeeping times are UTC.
          for (const ts of timestamps(record)) {
            const parsed = parseTerraTimestamp(ts);
            if (name !== 'user' && !ts.endsWith('Z')) expect(parsed.offsetMinutes).toBe(o.offsetMinutes);
          }
        }),
        { numRuns: 60 },
      );
    });
  }

  it('different seeds give different records', () => {
    expect(fixtures.activity({ seed: 1 })).not.toEqual(fixtures.activity({ seed: 2 }));
    expect(fixtures.user({ seed: 1 }).user_id).not.toBe(fixtures.user({ seed: 2 }).user_id);
  });

  it('daily records start at local midnight of their day, keyed by calendarDate', () => {
    const daily = fixtures.daily({ date: '2026-04-02', offsetMinutes: 60 });
    expect(daily.metadata.start_time).toBe('2026-04-02T00:00:00.000000+01:00');
    expect(calendarDate(daily.metadata.start_time)).toBe('2026-04-02');
    expect(daily.metadata.end_time).toBe('2026-04-03T00:00:00.000000+01:00');
  });

  it('activities hold the samples asked for, at 1 Hz, with plausible values', () => {
    const run = fixtures.activity({ samples: 3_600, seed: 7 });
    const samples = run.heart_rate_data?.detailed?.hr_samples ?? [];
    expect(samples).toHaveLength(3_600);
    for (const s of samples) {
      expect(s.bpm).toBeGreaterThanOrEqual(70);
      expect(s.bpm).toBeLessThanOrEqual(188);
    }
    const start = parseTerraTimestamp(run.metadata.start_time).epochMilliseconds as number;
    const end = parseTerraTimestamp(run.metadata.end_time).epochMilliseconds as number;
    expect(end - start).toBe(3_600_000);
    expect(run.position_data?.position_samples).toHaveLength(360);
    expect(run.metadata.type).toBe(8);
  });

  it('each kind of workout has its own speed, heart rate, steps and GPS', () => {
    const kinds = [
      { type: 8, speed: [2.4, 3.6], hr: [120, 175], steps: true, gps: true },
      { type: 1, speed: [5.5, 8.5], hr: [105, 160], steps: false, gps: true },
      { type: 35, speed: [1, 1.5], hr: [85, 135], steps: true, gps: true },
      { type: 82, speed: [0.6, 1], hr: [100, 155], steps: false, gps: false },
    ] as const;
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom(...kinds), (seed, kind) => {
        const workout = fixtures.activity({ seed, type: kind.type, samples: 1_800 });
        const speed = workout.movement_data?.avg_speed_meters_per_second as number;
        expect(speed).toBeGreaterThanOrEqual(kind.speed[0]);
        expect(speed).toBeLessThanOrEqual(kind.speed[1]);
        expect(workout.distance_data?.summary?.distance_meters).toBeCloseTo(speed * 1_800, 0);
        const avg = workout.heart_rate_data?.summary?.avg_hr_bpm as number;
        expect(avg).toBeGreaterThanOrEqual(kind.hr[0]);
        expect(avg).toBeLessThanOrEqual(kind.hr[1]);
        expect(workout.distance_data?.summary?.steps !== undefined).toBe(kind.steps);
        expect(workout.position_data?.position_samples?.length ?? 0).toBe(kind.gps ? 180 : 0);
      }),
      { numRuns: 80 },
    );
  });

  it('sleeps add up: asleep + awake + latency = time in bed', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const night = fixtures.sleep({ seed });
        const d = night.sleep_durations_data;
        const asleep = d?.asleep;
        const inBed = d?.other?.duration_in_bed_seconds as number;
        expect(
          (asleep?.duration_asleep_state_seconds as number) +
            (d?.awake?.duration_awake_state_seconds as number) +
            (d?.awake?.sleep_latency_seconds as number),
        ).toBe(inBed);
        expect(
          (asleep?.duration_deep_sleep_state_seconds as number) +
            (asleep?.duration_light_sleep_state_seconds as number) +
            (asleep?.duration_REM_sleep_state_seconds as number),
        ).toBe(asleep?.duration_asleep_state_seconds);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects options it cannot use', () => {
    expect(() => fixtures.daily({ date: '2026-7-1' })).toThrow(TerraInvalidArgumentError);
    expect(() => fixtures.daily({ offsetMinutes: 2_000 })).toThrow(/offsetMinutes/);
    expect(() => fixtures.activity({ samples: 0 })).toThrow(/samples must be a whole number/);
    expect(() => fixtures.sleep({ seed: Number.NaN })).toThrow(/seed/);
  });
});
