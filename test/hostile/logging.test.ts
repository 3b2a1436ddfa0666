/**
 * The default logger on a public endpoint: a stream of unsigned requests gives one line each (phase,
 * status, code, trace id; no message, no stack), at most ten a minute, then one line counting the rest.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWebhookHandler } from '../../src/webhooks/handler.js';
import { logLine, rateLimitedLogger } from '../../src/webhooks/log.js';
import { ADAPTERS, send, serveWith } from './support.js';

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe.each(ADAPTERS)('the default logger behind %s', (adapter) => {
  it('writes one line per failed delivery, at most ten a minute', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const served = await serveWith(adapter, createWebhookHandler({ secret: 's' }));
    try {
      for (let i = 0; i < 15; i++) {
        const answer = await send(served.url, {
          headers: { 'content-type': 'application/json', 'x-terra-trace-id': `trace-${i} phase=handler status=200` },
          body: [new TextEncoder().encode('{"type":"activity"}')],
        });
        expect(answer.status).toBe(401);
      }
    } finally {
      await served.close();
    }
    expect(log).toHaveBeenCalledTimes(10);
    for (const [i, call] of log.mock.calls.entries()) {
      expect(call).toEqual([
        `terra-sdk: webhook delivery failed: phase=verify status=401 code=missing_header trace=trace-${i}_phase_handler_status_200`,
      ]);
    }
  });
});

describe('rate limiting of the default logger', () => {
  it('counts what it left out in one line once the minute is over', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const log = rateLimitedLogger((line) => lines.push(line), 10, Date.now);
    const context = {
      phase: 'verify',
      status: 401,
      afterResponse: false,
      webhook: undefined,
      json: undefined,
    } as const;
    for (let i = 0; i < 25; i++) log(new Error('x'), context);
    expect(lines).toHaveLength(10);
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(11);
    expect(lines[10]).toBe(
      'terra-sdk: 15 more failed webhook deliveries in the last minute were not logged (pass onError to see each one)',
    );
    log(new Error('x'), context);
    expect(lines).toHaveLength(12);
    expect(lines[11]).toMatch(/^terra-sdk: webhook delivery failed: phase=verify status=401 code=Error trace=-$/);
  });
});

describe('the fix in the default line', () => {
  const context = { phase: 'verify', status: 500, afterResponse: false } as const;

  it('names the fix of a setup fault, and none for a fault of the sender', () => {
    expect(logLine({ code: 'missing_secret' }, context)).toMatch(
      /code=missing_secret trace=-; fix: .*TERRA_WEBHOOK_SECRET/,
    );
    expect(logLine({ name: 'TerraConfigurationError', option: 'crypto' }, context)).toMatch(/; fix: Web Crypto/);
    expect(logLine({ code: 'body_too_large' }, { ...context, phase: 'receive', status: 413 })).toMatch(
      /; fix: raise maxBodyBytes/,
    );
    expect(logLine({ code: 'missing_header' }, { ...context, status: 401 })).toBe(
      'terra-sdk: webhook delivery failed: phase=verify status=401 code=missing_header trace=-',
    );
  });
});
