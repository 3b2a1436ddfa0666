/**
 * UTF-8 decoding of webhook bodies: a byte order mark is dropped, invalid sequences become U+FFFD,
 * and a view into a larger buffer decodes only its own bytes.
 */
import { describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../src/webhooks/bytes.js';

const decoder = new TextDecoder();

describe('fromUtf8', () => {
  it.each([
    ['plain JSON', new TextEncoder().encode('{"type":"sleep","µg":"dL"}')],
    ['a byte order mark', new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])],
    ['only a byte order mark', new Uint8Array([0xef, 0xbb, 0xbf])],
    ['invalid and cut-off sequences', new Uint8Array([0x61, 0xff, 0x62, 0xc3, 0x28, 0xe2, 0x82])],
    ['an empty body', new Uint8Array(0)],
  ])('decodes %s as the WHATWG decoder does', (_, bytes) => {
    expect(fromUtf8(bytes)).toBe(decoder.decode(bytes));
  });

  it('decodes a view into a larger buffer, not the whole buffer', () => {
    const whole = new TextEncoder().encode('xx\uFEFF{"a":1}yy');
    const view = whole.subarray(2, whole.length - 2);
    expect(fromUtf8(view)).toBe(decoder.decode(view));
    expect(fromUtf8(view)).toBe('{"a":1}');
  });
});
