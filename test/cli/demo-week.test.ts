/**
 * The demo's merged week as a person reads it (`weekTable`): one line per date, the night kept with
 * its times and length, the other device's copy it was merged with, the day's steps and calories
 * with where they came from, and the activities. The whole demo runs in test/examples/demo.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { weekTable } from '../../src/cli/demo/week.js';
import type { Day, DayItem } from '../../src/store/index.js';

const source = (provider: string) => ({ terraUserId: `${provider.toLowerCase()}-1`, provider, summaryId: null });

function item<T>(provider: string, record: unknown, alsoFrom: [string, unknown][] = []): DayItem<T> {
  return {
    record: record as T,
    source: source(provider),
    alsoFrom: alsoFrom.map(([p, r]) => ({ record: r as T, source: source(p) })),
  };
}

const night = (start: string, end: string) => ({ metadata: { start_time: start, end_time: end } });
const empty = (date: string): Day => ({
  date,
  daily: null,
  body: null,
  nutrition: null,
  menstruation: null,
  sleep: [],
  activities: [],
});

describe('the demo week table', () => {
  it('shows each night once with the copy it was merged with, the daily picked, and activities recorded by both', () => {
    const day: Day = {
      ...empty('2026-07-13'),
      sleep: [
        item('OURA', night('2026-07-12T22:29:00.000000+01:00', '2026-07-13T06:43:00.000000+01:00'), [
          ['GARMIN', night('2026-07-12T22:14:00.000000+01:00', '2026-07-13T06:04:00.000000+01:00')],
        ]),
      ],
      daily: item('GARMIN', { distance_data: { steps: 12_370 }, calories_data: { total_burned_calories: 2486 } }, [
        ['OURA', {}],
      ]),
      activities: [item('GARMIN', {}, [['OURA', {}]]), item('OURA', {})],
    };
    expect(weekTable([day, empty('2026-07-14')])).toEqual([
      'date            night kept             merged with          steps   kcal  day from        activities',
      '--------------  ---------------------  ------------------  ------  -----  --------------  -------------',
      'Mon 2026-07-13  OURA 22:29-06:43 8h14  GARMIN 22:14-06:04  12,370  2,486  GARMIN (+OURA)  2 (1 by both)',
      'Tue 2026-07-14  -                      -                                  -               0',
    ]);
  });

  it('lists a nap apart from the night, each on the line of the date it started', () => {
    const day: Day = {
      ...empty('2026-07-15'),
      sleep: [
        item('OURA', night('2026-07-15T00:05:00.000000+01:00', '2026-07-15T07:00:00.000000+01:00')),
        item('GARMIN', night('2026-07-15T14:00:00.000000+01:00', '2026-07-15T14:25:00.000000+01:00')),
      ],
    };
    const [, , line] = weekTable([day]);
    expect(line).toContain('OURA 00:05-07:00 6h55; GARMIN 14:00-14:25 0h25');
  });
});
