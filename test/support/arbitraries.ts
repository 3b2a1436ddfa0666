/** fast-check arbitraries shared by the fixture tests. */
import fc from 'fast-check';

/** Fixture options: any seed, a day from 1990 to 2040, and a UTC offset on a quarter hour. */
export const fixtureOptions = fc.record({
  seed: fc.integer(),
  date: fc
    .date({ min: new Date('1990-01-01'), max: new Date('2040-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  offsetMinutes: fc.integer({ min: -12 * 60, max: 14 * 60 }).map((m) => m - (m % 15)),
});
