/**
 * Content-Length as the adapters read it: a number only for 1 to 15 ASCII digits (spaces around
 * them allowed); anything else is no length at all, and the body is then bounded while it streams.
 */
import { describe, expect, it } from 'vitest';
import { contentLength, parseContentLength } from '../../src/webhooks/headers.js';

describe('parseContentLength', () => {
  it.each([
    ['1152', 1152],
    ['0', 0],
    ['000012', 12],
    ['999999999999999', 999_999_999_999_999],
    [' 12 ', 12],
    ['\t7', 7],
  ])('reads %j as %d', (value, expected) => {
    expect(parseContentLength(value)).toBe(expected);
  });

  it.each([
    [''],
    [' '],
    ['1e3'],
    ['0x10'],
    ['-1'],
    ['+1'],
    ['1.0'],
    ['12,12'],
    ['1234567890123456'],
    ['\u0663'],
    ['1 2'],
  ])('reads %j as no length', (value) => {
    expect(parseContentLength(value)).toBeUndefined();
  });

  it('reads no length from a missing or non-string value', () => {
    expect(parseContentLength(undefined)).toBeUndefined();
    expect(parseContentLength(12)).toBeUndefined();
    expect(parseContentLength(['12', '12'])).toBeUndefined();
  });

  it('reads the header from Web Headers and from a record in any letter case', () => {
    expect(contentLength(new Headers({ 'content-length': '42' }))).toBe(42);
    expect(contentLength({ 'Content-Length': '42' } as unknown as Headers)).toBe(42);
    expect(contentLength(undefined)).toBeUndefined();
  });
});
