/**
 * Retries (GET and DELETE on 408, 429 rule r2, 5xx and network errors; never POST), backoff and
 * Retry-After, per-attempt time limits and the caller's AbortSignal.
 */
import { delay, HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  TerraAbortError,
  TerraConnectionError,
  TerraRateLimitError,
  TerraServerError,
  TerraTimeoutError,
} from '../../src/index.js';
import { USER } from '../support/payloads.js';
import { BASE, json, record, server, terra } from './support.js';

const ok = () => json({ status: 'success', reference: 'r' });
const get = (client = terra({ maxRetries: 2 })) =>
  client.getActivityForUser(USER.user_id, { startDate: '2026-07-01' }).catch((e: unknown) => e);

/** Runs `fn` with every timer longer than 5 s fired at once, and returns the delays asked for. */
async function withLongTimersSkipped<T>(fn: () => Promise<T>): Promise<{ result: T; delays: number[] }> {
  const real = globalThis.setTimeout;
  const delays: number[] = [];
  const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    // The per-attempt time limit (45 s in these tests) is also a timer: leave it alone.
    return real(callback, ms !== undefined && ms > 5_000 && ms !== 45_000 ? 0 : ms);
  }) as typeof setTimeout);
  try {
    return { result: await fn(), delays };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('retries', () => {
  it('retries a GET on 5xx, then succeeds', async () => {
    const calls = record('get', '/activity', (_, n) => (n < 3 ? json({ detail: 'oops' }, { status: 503 }) : ok()));
    const response = await get();
    expect(calls).toHaveLength(3);
    expect((response as { status: number }).status).toBe(200);
  });

  it('gives up after maxRetries and reports the last failure', async () => {
    const calls = record('get', '/activity', () => json({ detail: 'down' }, { status: 500 }));
    const error = await get(terra({ maxRetries: 1 }));
    expect(calls).toHaveLength(2);
    expect(error).toBeInstanceOf(TerraServerError);
  });

  it('retries 408 and network errors too', async () => {
    let n = 0;
    server.use(
      http.get(`${BASE}/activity`, () => {
        n++;
        if (n === 1) return new HttpResponse(null, { status: 408 });
        if (n === 2) return HttpResponse.error();
        return ok();
      }),
    );
    expect(await get()).toMatchObject({ status: 200 });
    expect(n).toBe(3);
  });

  it('retries DELETE', async () => {
    const calls = record('delete', '/auth/deauthenticateUser', (_, n) =>
      n === 1 ? json({}, { status: 502 }) : json({ status: 'success' }),
    );
    await terra({ maxRetries: 1 }).deauthenticateUser(USER.user_id);
    expect(calls).toHaveLength(2);
  });

  it('never retries a POST', async () => {
    const calls = record('post', '/auth/generateWidgetSession', () => json({ detail: 'down' }, { status: 503 }));
    const error = await terra({ maxRetries: 2 })
      .generateWidgetSession()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraServerError);
    expect(calls).toHaveLength(1);
  });

  it('does not retry a 429 of rule r1 (retrying cannot help), nor one without a rule', async () => {
    for (const headers of [{ 'x-terra-ratelimit-rule': 'r1' }, {}]) {
      const calls = record('get', '/activity', () => json({ detail: 'rate limit exceeded' }, { status: 429, headers }));
      const error = await get();
      expect(error).toBeInstanceOf(TerraRateLimitError);
      expect(calls).toHaveLength(1);
      server.resetHandlers();
    }
  });

  it('does not retry other 4xx', async () => {
    const calls = record('get', '/activity', () => json({ detail: 'bad' }, { status: 400 }));
    await get();
    expect(calls).toHaveLength(1);
  });

  it('maxRetries can be changed per call', async () => {
    const calls = record('get', '/activity', () => json({}, { status: 500 }));
    await terra({ maxRetries: 2 })
      .getActivityForUser(USER.user_id, { startDate: '2026-07-01' }, { maxRetries: 0 })
      .catch(() => undefined);
    expect(calls).toHaveLength(1);
  });
});

describe('waiting between retries', () => {
  it('backs off with jitter: about 0.5 s, then about 1 s', async () => {
    const times: number[] = [];
    record('get', '/activity', () => {
      times.push(performance.now());
      return times.length < 3 ? json({}, { status: 500 }) : ok();
    });
    await get();
    const gaps = [(times[1] as number) - (times[0] as number), (times[2] as number) - (times[1] as number)];
    // At least half the backoff (equal jitter), and well under the next step up (loose: CI may be busy).
    expect(gaps[0]).toBeGreaterThanOrEqual(240);
    expect(gaps[0]).toBeLessThan(2_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(490);
    expect(gaps[1]).toBeLessThan(3_000);
  });

  it('honours Retry-After on a 429 of rule r2', async () => {
    const times: number[] = [];
    record('get', '/activity', () => {
      times.push(performance.now());
      return times.length === 1
        ? json(
            { detail: 'rate limit exceeded' },
            { status: 429, headers: { 'retry-after': '1', 'x-terra-ratelimit-rule': 'r2' } },
          )
        : ok();
    });
    expect(await get()).toMatchObject({ status: 200 });
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(990);
  });

  it('caps Retry-After at 60 s', async () => {
    const calls = record('get', '/activity', (_, n) =>
      n === 1 ? json({}, { status: 503, headers: { 'retry-after': '3600' } }) : ok(),
    );
    const { result, delays } = await withLongTimersSkipped(() => get(terra({ maxRetries: 2, timeout: 45_000 })));
    expect(result).toMatchObject({ status: 200 });
    expect(calls).toHaveLength(2);
    expect(delays).toContain(60_000);
    expect(delays).not.toContain(3_600_000);
  });
});

describe('time limits', () => {
  it('an attempt slower than the time limit fails with TerraTimeoutError (and is retried first)', async () => {
    let n = 0;
    server.use(
      http.get(`${BASE}/activity`, async () => {
        n++;
        await delay(300);
        return ok();
      }),
    );
    const error = await get(terra({ timeout: 50, maxRetries: 1 }));
    expect(error).toBeInstanceOf(TerraTimeoutError);
    expect(error).toBeInstanceOf(TerraConnectionError);
    expect((error as TerraTimeoutError).timeoutMs).toBe(50);
    expect((error as Error).message).toContain('no answer within 50 ms');
    expect(n).toBe(2);
  });

  it('a per-call timeout overrides the client’s', async () => {
    server.use(
      http.get(`${BASE}/integrations`, async () => {
        await delay(200);
        return json({ providers: [] });
      }),
    );
    const client = terra({ timeout: 20 });
    expect(await client.listProviders({ timeout: 2_000 })).toMatchObject({ status: 200 });
    await expect(client.listProviders()).rejects.toBeInstanceOf(TerraTimeoutError);
  });

  it('a body that stalls is cut off by the time limit too', async () => {
    server.use(
      http.get(`${BASE}/integrations`, () => {
        const stream = new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode('{"providers": ['));
          },
        });
        return new HttpResponse(stream, { headers: { 'content-type': 'application/json' } });
      }),
    );
    await expect(terra({ timeout: 100 }).listProviders()).rejects.toBeInstanceOf(TerraTimeoutError);
  });
});

describe('aborting', () => {
  it('an already aborted signal fails at once, without a request', async () => {
    const calls = record('get', '/integrations', () => json({ providers: [] }));
    const error = await terra()
      .listProviders({ signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraAbortError);
    expect((error as Error).message).toBe("GET /integrations: aborted by the caller's signal");
    expect(calls).toHaveLength(0);
  });

  it('aborting during the request fails with TerraAbortError', async () => {
    server.use(
      http.get(`${BASE}/integrations`, async () => {
        await delay(500);
        return json({ providers: [] });
      }),
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    await expect(terra().listProviders({ signal: controller.signal })).rejects.toBeInstanceOf(TerraAbortError);
  });

  it('aborting while waiting to retry stops the retries', async () => {
    const calls = record('get', '/activity', () => json({}, { status: 503 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const error = await terra({ maxRetries: 3 })
      .getActivityForUser(USER.user_id, { startDate: '2026-07-01' }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraAbortError);
    expect(calls).toHaveLength(1);
    // Without the abort, three retries would wait at least 1.75 s.
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});
