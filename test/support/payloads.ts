/**
 * Shared test data, built with the testing kit's fixtures (terra-sdk/testing) so tests and benchmarks
 * use the same realistic records users get.
 */
import { fixtures } from '../../src/testing/fixtures.js';

/** The Terra user most tests are about: a Garmin connection of `user-123`. */
export const USER = fixtures.user({ provider: 'GARMIN', referenceId: 'user-123' });

/** The body of `GET /activity?to_webhook=false` holding one activity of `samples` seconds. */
export function activityResponse(samples: number, seed = 1): Record<string, unknown> {
  return { user: USER, data: [fixtures.activity({ samples, seed })], type: 'activity' };
}
