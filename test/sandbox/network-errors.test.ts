/**
 * How the sandbox and `terra-sdk trigger` word a request that got no answer, from fetch's error.
 */
import { describe, expect, it } from 'vitest';
import { describeNetworkError } from '../../src/sandbox/delivery.js';

const failed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause });

describe('describeNetworkError', () => {
  it.each([
    [failed({ code: 'ECONNREFUSED' }), 'connection refused'],
    [failed({ code: 'ECONNRESET' }), 'connection reset'],
    [failed({ code: 'UND_ERR_SOCKET' }), 'connection reset'],
    [failed({ code: 'ENOTFOUND' }), 'host not found'],
    [failed({ code: 'EAI_AGAIN' }), 'host not found'],
    [failed({ code: 'EHOSTUNREACH' }), 'network error (EHOSTUNREACH)'],
    [failed(new Error('bad port')), 'fetch refuses this port (a "bad port"): use another'],
    [failed(new Error('something else')), 'network error'],
    [new Error('no cause'), 'network error'],
    [null, 'network error'],
  ])('%s: %s', (error, words) => {
    expect(describeNetworkError(error)).toBe(words);
  });
});
