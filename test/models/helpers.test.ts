import { describe, expect, it } from 'vitest';
import {
  ActivityTypeLabels,
  applyScopeChanges,
  calendarDate,
  DeviceDataTypeLabels,
  enumLabel,
  MealTypeLabels,
  parseScopes,
  parseTerraTimestamp,
  SleepUploadTypeLabels,
  TerraValidationError,
  terraTimestampToDate,
  UploadTypeLabels,
  WorkoutSportValues,
} from '../../src/index.js';

describe('calendarDate', () => {
  it('keeps the wearer’s day, where converting to UTC would move it', () => {
    expect(calendarDate('2026-04-02T00:00:00.000000+01:00')).toBe('2026-04-02');
    expect(new Date('2026-04-02T00:00:00.000+01:00').toISOString().slice(0, 10)).toBe('2026-04-01');
    expect(calendarDate('2026-04-02T23:30:00-08:00')).toBe('2026-04-02');
    expect(calendarDate('2026-04-02')).toBe('2026-04-02');
    expect(calendarDate('2026-04-02T07:00:00')).toBe('2026-04-02');
  });

  it('rejects what is not a date with a typed error that does not echo the value', () => {
    for (const bad of ['2026-13-01', '2026-02-30', '2025-02-29', 'yesterday', '', '02/04/2026']) {
      expect(() => calendarDate(bad)).toThrow(TerraValidationError);
    }
    expect(calendarDate('2024-02-29')).toBe('2024-02-29');
    try {
      calendarDate('secret-2026-99-99');
    } catch (error) {
      expect((error as Error).message).not.toContain('secret');
      expect((error as Error).message).toContain('expected YYYY-MM-DD');
    }
    expect(() => calendarDate(null as unknown as string)).toThrow('expected a string, received null');
    expect(() => calendarDate(1 as unknown as string)).toThrow(TerraValidationError);
  });
});

describe('parseTerraTimestamp', () => {
  it('keeps date, time, microseconds and offset as written, and computes the instant', () => {
    const t = parseTerraTimestamp('2026-04-02T00:00:00.123456+01:00');
    expect(t).toEqual({
      date: '2026-04-02',
      time: '00:00:00.123456',
      microsecond: 123456,
      offset: '+01:00',
      offsetMinutes: 60,
      epochMilliseconds: Date.UTC(2026, 3, 1, 23, 0, 0, 123),
    });
  });

  it('reads Z, negative, compact and half-hour offsets', () => {
    expect(parseTerraTimestamp('2026-07-01T09:12:33Z').offset).toBe('+00:00');
    expect(parseTerraTimestamp('2026-07-01T09:12:33-05:00').offsetMinutes).toBe(-300);
    expect(parseTerraTimestamp('2026-07-01T09:12:33+0530').offsetMinutes).toBe(330);
    expect(parseTerraTimestamp('2026-07-01T09:12:33.5+05:45').microsecond).toBe(500000);
    expect(parseTerraTimestamp('2026-07-01T09:12').time).toBe('09:12:00');
  });

  it('gives no instant for a timestamp without offset (local time, zone unknown)', () => {
    const t = parseTerraTimestamp('2026-07-01T09:12:33.000000');
    expect(t.offset).toBeNull();
    expect(t.epochMilliseconds).toBeNull();
  });

  it('rejects dates without a time, and impossible times or offsets', () => {
    for (const bad of ['2026-04-02', '2026-04-02T24:00:00Z', '2026-04-02T10:60:00Z', '2026-04-02T10:00:00+24:00']) {
      expect(() => parseTerraTimestamp(bad)).toThrow(TerraValidationError);
    }
  });
});

describe('terraTimestampToDate', () => {
  it('converts a timestamp with an offset', () => {
    expect(terraTimestampToDate('2026-04-02T00:00:00.999999+01:00').toISOString()).toBe('2026-04-01T23:00:00.999Z');
  });

  it('refuses to guess the zone of a timestamp without offset unless told', () => {
    expect(() => terraTimestampToDate('2026-04-02T08:00:00')).toThrow(/assumeOffsetMinutes/);
    expect(terraTimestampToDate('2026-04-02T08:00:00', { assumeOffsetMinutes: 120 }).toISOString()).toBe(
      '2026-04-02T06:00:00.000Z',
    );
    expect(terraTimestampToDate('2026-04-02T08:00:00', { assumeOffsetMinutes: 0 }).toISOString()).toBe(
      '2026-04-02T08:00:00.000Z',
    );
  });

  it('handles years before 100 without the Date two-digit-year trap', () => {
    expect(terraTimestampToDate('0050-01-01T00:00:00Z').getUTCFullYear()).toBe(50);
  });
});

describe('parseScopes', () => {
  it('splits, trims, drops empties and duplicates', () => {
    expect(parseScopes(' activity , sleep,,activity , ')).toEqual(['activity', 'sleep']);
    expect(parseScopes('ACTIVITY_EXPORT,HEALTH_EXPORT')).toEqual(['ACTIVITY_EXPORT', 'HEALTH_EXPORT']);
    expect(parseScopes('')).toEqual([]);
    expect(parseScopes(null)).toEqual([]);
    expect(parseScopes(undefined)).toEqual([]);
    expect(parseScopes([' a', 'b ', '', 'a'])).toEqual(['a', 'b']);
  });

  it('applies permission_change deltas instead of replacing the stored scopes', () => {
    expect(applyScopeChanges('activity,sleep', { scopes_added: 'daily', scopes_removed: 'sleep' })).toEqual([
      'activity',
      'daily',
    ]);
    expect(applyScopeChanges(['activity'], { scopes_added: '', scopes_removed: '' })).toEqual(['activity']);
    expect(applyScopeChanges(null, { scopes_added: 'a, b', scopes_removed: null })).toEqual(['a', 'b']);
    expect(applyScopeChanges('a', { scopes_added: 'a', scopes_removed: 'a' })).toEqual(['a']);
  });
});

describe('enum labels and values', () => {
  it('maps values to labels, and unknown values to undefined', () => {
    expect(enumLabel(ActivityTypeLabels, 8)).toBe('Running');
    expect(enumLabel(ActivityTypeLabels, 999)).toBeUndefined();
    expect(enumLabel(ActivityTypeLabels, null)).toBeUndefined();
    expect(enumLabel(DeviceDataTypeLabels, 'HEART_RATE')).toBe('Heart Rate');
    expect(enumLabel(MealTypeLabels, 1)).toBeTypeOf('string');
    expect(enumLabel(ActivityTypeLabels, 'toString' as unknown as number)).toBeUndefined();
  });

  it('keeps the inverted upload-type meanings of activities and sleeps', () => {
    expect(UploadTypeLabels[1]).toBe('Automatic');
    expect(SleepUploadTypeLabels[1]).toBe('Manual');
  });

  it('lists the known values of string enums without titles', () => {
    expect(WorkoutSportValues).toContain('running');
  });
});
