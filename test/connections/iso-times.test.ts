/**
 * The store's ISO text for a time parameter (`isoString`) is exactly what `Date#toISOString` writes,
 * for every millisecond a `Date` can hold: the integer path (1970 to 9999) and the `Date` path
 * (before 1970, after 9999, fractions) alike, its RangeError included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iso, isoString } from '../../src/store/params.js';

const MAX_DATE_MS = 8.64e15;
const LAST_FOUR_DIGIT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

describe('isoString', () => {
  it('writes what toISOString writes, for any millisecond a Date holds', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_DATE_MS, max: MAX_DATE_MS }), (ms) => {
        expect(isoString(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes what toISOString writes from 1970 to 9999, the integer path', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: LAST_FOUR_DIGIT_MS }), (ms) => {
        expect(isoString(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 50_000 },
    );
  });

  it('gets every day right: leap years, century years, month ends', () => {
    // Every day from 1970 through 2400 (a full 400-year cycle), then every 97th day to 9999.
    const lastDay = Math.floor(LAST_FOUR_DIGIT_MS / 86_400_000);
    for (let day = 0; day <= lastDay; day += day < 157_000 ? 1 : 97) {
      const ms = day * 86_400_000 + ((day * 7_919_113) % 86_400_000);
      if (isoString(ms) !== new Date(ms).toISOString()) expect(isoString(ms)).toBe(new Date(ms).toISOString());
    }
    expect(isoString(Date.UTC(2000, 1, 29, 12))).toBe('2000-02-29T12:00:00.000Z');
    expect(isoString(Date.UTC(2100, 2, 1))).toBe('2100-03-01T00:00:00.000Z');
  });

  it('takes the Date path at the edges: before 1970, after 9999, fractions', () => {
    for (const ms of [-1, LAST_FOUR_DIGIT_MS, LAST_FOUR_DIGIT_MS + 1, 0.5, 1_767_225_600_000.25, -MAX_DATE_MS])
      expect(isoString(ms)).toBe(new Date(ms).toISOString());
  });

  it('refuses what a Date refuses, with the same RangeError', () => {
    for (const ms of [Number.NaN, Number.POSITIVE_INFINITY, MAX_DATE_MS + 1])
      expect(() => isoString(ms)).toThrow(RangeError);
  });

  it('iso keeps null, and gives a time its text', () => {
    expect(iso(null)).toBeNull();
    expect(iso(1_767_225_600_000)).toBe('2026-01-01T00:00:00.000Z');
    expect(iso(1_767_225_600_001)).toBe('2026-01-01T00:00:00.001Z');
    expect(iso(1_767_225_600_000)).toBe('2026-01-01T00:00:00.000Z');
  });
});
