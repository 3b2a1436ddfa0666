import { describe, expect, it } from 'vitest';
import { TerraConfigurationError } from '../../src/errors.js';
import { compareSeq, dispatchItem, rawTopLevelSeq, readFrame, toSeq } from '../../src/streaming/protocol.js';
import { resolveStreamingBaseUrl, streamingSocketUrl } from '../../src/streaming/url.js';

describe('seq', () => {
  it('keeps every digit of a seq past 2^53, never a seq inside the payload', () => {
    const text = '{"op":5,"uid":"u","d":{"seq":1,"x":"\\"seq\\":2"},"t":"hr","seq":9007199254740993}';
    const frame = readFrame(text);
    expect(typeof frame).toBe('object');
    expect(dispatchItem(frame as Record<string, unknown>, text)?.seq).toBe('9007199254740993');
    expect(rawTopLevelSeq('{"d":{"seq":5},"seq" : 12345678901234567890}')).toBeUndefined();
    expect(rawTopLevelSeq('{"d":{"seq":5},"seq" : 9223372036854775807}')).toBe('9223372036854775807');
  });

  it('toSeq and compareSeq', () => {
    expect(toSeq('007')).toBe('7');
    expect(toSeq(12n)).toBe('12');
    expect(toSeq(12)).toBe('12');
    expect(toSeq(2 ** 53)).toBeUndefined();
    expect(toSeq(-1)).toBeUndefined();
    expect(toSeq('1e3')).toBeUndefined();
    expect(toSeq('9223372036854775808')).toBeUndefined();
    expect(compareSeq('9', '10')).toBeLessThan(0);
    expect(compareSeq('10', '9')).toBeGreaterThan(0);
    expect(compareSeq('42', '42')).toBe(0);
  });

  it('reads a seq given as a string', () => {
    const text = '{"op":5,"uid":"u","seq":"18446744","t":"x","d":null}';
    expect(dispatchItem(readFrame(text) as Record<string, unknown>, text)?.seq).toBe('18446744');
  });
});

describe('URLs', () => {
  it('derives the socket URL from the base URL', () => {
    expect(streamingSocketUrl('https://ws.tryterra.co')).toBe('wss://ws.tryterra.co/connect');
    expect(streamingSocketUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/connect');
    expect(streamingSocketUrl('https://proxy.example/terra/')).toBe('wss://proxy.example/terra/connect');
  });

  it('resolves the option, the environment, the default', () => {
    expect(resolveStreamingBaseUrl('http://localhost:1/')).toBe('http://localhost:1');
    const saved = process.env.TERRA_STREAMING_BASE_URL;
    try {
      process.env.TERRA_STREAMING_BASE_URL = 'http://from-env:2';
      expect(resolveStreamingBaseUrl()).toBe('http://from-env:2');
      delete process.env.TERRA_STREAMING_BASE_URL;
      expect(resolveStreamingBaseUrl()).toBe('https://ws.tryterra.co');
    } finally {
      if (saved === undefined) delete process.env.TERRA_STREAMING_BASE_URL;
      else process.env.TERRA_STREAMING_BASE_URL = saved;
    }
    expect(() => resolveStreamingBaseUrl('wss://ws.tryterra.co')).toThrow(TerraConfigurationError);
    expect(() => resolveStreamingBaseUrl('not a url')).toThrow(TerraConfigurationError);
  });
});

describe('connect() options', () => {
  it('an invalid option rejects the first next(), never throws, and opens nothing', async () => {
    const { openStream } = await import('../../src/streaming/consumer.js');
    let tokens = 0;
    const endpoint = {
      socketUrl: 'ws://127.0.0.1:9/connect',
      token: async () => {
        tokens++;
        return 't';
      },
    };
    for (const options of ['', 42, { bogus: true }, { after: 'x' }, { maxBufferedFrames: 1 }, { cursorStore: {} }])
      await expect(openStream(endpoint, options as never).next()).rejects.toMatchObject({
        name: 'TerraInvalidArgumentError',
      });
    expect(tokens).toBe(0);
  });
});
