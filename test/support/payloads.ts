/**
 * Shared test data, built with the testing kit's fixtures (terra-sdk/testing) so tests and benchmarks
 * use the same realistic records users get.
 */
import type { WorkoutTemplate } from '../../src/models/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';

/** The Terra user most tests are about: a Garmin connection of `user-123`. */
export const USER = fixtures.user({ provider: 'GARMIN', referenceId: 'user-123' });

/** The body of `GET /activity?to_webhook=false` holding one activity of `samples` seconds. */
export function activityResponse(samples: number, seed = 1): Record<string, unknown> {
  return { user: USER, data: [fixtures.activity({ samples, seed })], type: 'activity' };
}

/** A workout template: a warm-up, five 3-minute efforts at 90–95 % of threshold heart rate, a cool-down. */
export const TEMPLATE: WorkoutTemplate = {
  name: '5 × 3 min threshold',
  description: 'Intervals at threshold heart rate',
  sport: 'running',
  step_blocks: [
    {
      completion_condition: { type: 'reps', value: 1 },
      steps: [{ intensity_type: 'warmup', completion_condition: { type: 'time', value: 600 } }],
    },
    {
      completion_condition: { type: 'reps', value: 5 },
      steps: [
        {
          intensity_type: 'active',
          completion_condition: { type: 'time', value: 180 },
          intensity_targets: [{ target_type: 'heart_rate_threshold_percentage', value_low: 90, value_high: 95 }],
        },
        { intensity_type: 'recovery', completion_condition: { type: 'time', value: 120 } },
      ],
    },
    {
      completion_condition: { type: 'reps', value: 1 },
      steps: [{ intensity_type: 'cooldown', completion_condition: { type: 'time', value: 300 } }],
    },
  ],
  estimated_duration_seconds: 2400,
};

/** Ids above 2^53, as Terra's workout and lab-report ids are: they must travel as strings. */
export const WORKOUT_ID = '9007199254740993';
export const PLANNED_WORKOUT_ID = '9007199254740995';
export const SESSION_ID = '297405620317847552';
