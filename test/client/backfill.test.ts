/**
 * `terra.backfill` against scripted answers: how it splits a history, paces itself with Terra's
 * rate-limit headers, waits out rule r2, gives up on r1, and what each answer kind becomes.
 */
import { describe, expect, it } from 'vitest';
import { TerraAbortError, TerraInvalidArgumentError, TerraRateLimitError } from '../../src/errors.js';
import { TerraBackfillTimeoutError } from '../../src/index.js';
import { json, record, terra } from './support.js';

const USER = 'user-backfill-1';
const sent = (reference: string, extra: Record<string, unknown> = {}) =>
  json({ status: 'success', type: 'daily', reference, trace_id: reference, ...extra });

describe('terra.backfill', () => {
  it('asks for each calendar month, newest first, every type, to the webhook', async () => {
    const daily = record('get', '/daily', (_, n) => sent(`d-${n}`));
    const sleep = record('get', '/sleep', (_, n) => sent(`s-${n}`));
    const backfill = await terra().backfill(USER, {
      from: '2026-01-15',
      to: '2026-04-01',
      types: ['daily', 'sleep'],
    });
    const ranges = daily.map((c) => [c.query.start_date, c.query.end_date]);
    expect(ranges).toEqual([
      ['2026-03-01', '2026-04-01'],
      ['2026-02-01', '2026-03-01'],
      ['2026-01-15', '2026-02-01'],
    ]);
    expect(sleep.map((c) => [c.query.start_date, c.query.end_date])).toEqual(ranges);
    for (const call of [...daily, ...sleep])
      expect(call.query).toMatchObject({ user_id: USER, to_webhook: 'true', with_samples: 'true' });
    expect(backfill.userId).toBe(USER);
    expect(backfill.requests.map((r) => `${r.type} ${r.startDate} ${r.days} ${r.outcome} ${r.reference}`)).toEqual([
      'daily 2026-03-01 31 sent d-1',
      'sleep 2026-03-01 31 sent s-1',
      'daily 2026-02-01 28 sent d-2',
      'sleep 2026-02-01 28 sent s-2',
      'daily 2026-01-15 17 sent d-3',
      'sleep 2026-01-15 17 sent s-3',
    ]);
  });

  it('keeps every request within rule r1 (1,825 days) with chunkDays, and sends a start inside a day as seconds', async () => {
    const calls = record('get', '/body', (_, n) => sent(`b-${n}`));
    const from = new Date(Date.UTC(2019, 0, 1, 12));
    await terra().backfill(USER, { from, to: '2026-01-01', types: ['body'], chunkDays: 1825, withSamples: false });
    expect(calls.map((c) => [c.query.start_date, c.query.end_date])).toEqual([
      ['2021-01-02', '2026-01-01'],
      [String(from.getTime() / 1000), '2021-01-02'],
    ]);
    for (const call of calls) {
      const start = /^\d+$/.test(call.query.start_date as string)
        ? Number(call.query.start_date) * 1000
        : Date.parse(call.query.start_date as string);
      expect((Date.parse(call.query.end_date as string) - start) / 86_400_000).toBeLessThanOrEqual(1825);
      expect(call.query.with_samples).toBe('false');
    }
  });

  it('waits for the window to reset when Terra says too few days are left', async () => {
    const times: number[] = [];
    record('get', '/daily', (_, n) => {
      times.push(Date.now());
      const left = n === 1 ? { remaining: '5', reset: '1' } : { remaining: '5000', reset: '3600' };
      return json(
        { status: 'success', reference: `d-${n}` },
        {
          headers: {
            'X-Terra-RateLimit-Limit': '6000',
            'X-Terra-RateLimit-Remaining': left.remaining,
            'X-Terra-RateLimit-Reset-After': left.reset,
          },
        },
      );
    });
    const backfill = await terra().backfill(USER, { from: '2026-05-01', to: '2026-07-01', types: ['daily'] });
    expect(backfill.requests).toHaveLength(2);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(900);
  });

  it('waits out a 429 of rule r2 for as long as Retry-After says, then asks again', async () => {
    const times: number[] = [];
    const calls = record('get', '/sleep', (_, n) => {
      times.push(Date.now());
      return n === 1
        ? json(
            { detail: 'rate limit exceeded' },
            { status: 429, headers: { 'X-Terra-RateLimit-Rule': 'r2', 'Retry-After': '1' } },
          )
        : sent(`s-${n}`);
    });
    const backfill = await terra().backfill(USER, { from: '2026-06-01', to: '2026-07-01', types: ['sleep'] });
    expect(calls).toHaveLength(2);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(900);
    expect(backfill.requests[0]?.reference).toBe('s-2');
  });

  it('gives up after maxRateLimitWaits, with the 429', async () => {
    const calls = record('get', '/sleep', () =>
      json(
        { detail: 'rate limit exceeded' },
        { status: 429, headers: { 'X-Terra-RateLimit-Rule': 'r2', 'Retry-After': '0' } },
      ),
    );
    const error = await terra()
      .backfill(USER, { from: '2026-06-01', to: '2026-07-01', types: ['sleep'], maxRateLimitWaits: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraRateLimitError);
    expect(calls).toHaveLength(3);
  });

  it('does not retry a 429 of rule r1', async () => {
    const calls = record('get', '/sleep', () =>
      json({ detail: 'rate limit exceeded' }, { status: 429, headers: { 'X-Terra-RateLimit-Rule': 'r1' } }),
    );
    const error = await terra()
      .backfill(USER, { from: '2026-06-01', to: '2026-07-01', types: ['sleep'] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TerraRateLimitError', rule: 'r1' });
    expect(calls).toHaveLength(1);
  });

  it('asks again after a "processing" answer, once the wait Terra gives has passed', async () => {
    const calls = record('get', '/activity', (_, n) =>
      n === 1 ? json({ status: 'processing', retry_after_seconds: 0.2 }) : sent('a-2'),
    );
    const backfill = await terra().backfill(USER, { from: '2026-06-01', to: '2026-06-08', types: ['activity'] });
    expect(calls).toHaveLength(2);
    expect(backfill.requests[0]).toMatchObject({ outcome: 'sent', reference: 'a-2' });
  });

  it('stops asking after five "processing" answers for one request', async () => {
    record('get', '/activity', () => json({ status: 'processing', retry_after_seconds: 0.01 }));
    const error = await terra()
      .backfill(USER, { from: '2026-06-01', to: '2026-06-08', types: ['activity'] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'TerraError',
      message: expect.stringContaining('still answered "processing"'),
    });
  });

  it('counts a request Terra has no data for as arrived: done resolves at once without reading the store', async () => {
    record('get', '/nutrition', () => json({ status: 'not_available', message: 'no data for this range' }));
    let reads = 0;
    const store = {
      expectRequest: async () => undefined,
      largeRequest: async () => {
        reads++;
        return undefined;
      },
    };
    const backfill = await terra().backfill(USER, {
      from: '2026-06-01',
      to: '2026-07-01',
      types: ['nutrition'],
      store,
    });
    expect(backfill.requests[0]).toMatchObject({ outcome: 'no_data', reference: undefined });
    await expect(backfill.done).resolves.toEqual({ requests: backfill.requests, payloads: 0 });
    expect(reads).toBe(0);
  });

  it('without a store, makes the requests but done rejects, saying to pass one', async () => {
    record('get', '/daily', () => sent('d-1'));
    const backfill = await terra().backfill(USER, { from: '2026-06-01', to: '2026-07-01', types: ['daily'] });
    await expect(backfill.done).rejects.toThrow(TerraInvalidArgumentError);
    await expect(backfill.done).rejects.toThrow(/pass \{ store \}/);
  });

  it('aborts a rate-limit wait when the signal aborts', async () => {
    record('get', '/sleep', () =>
      json(
        { detail: 'rate limit exceeded' },
        { status: 429, headers: { 'X-Terra-RateLimit-Rule': 'r2', 'Retry-After': '30' } },
      ),
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await terra()
      .backfill(USER, { from: '2026-06-01', to: '2026-07-01', types: ['sleep'], signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraAbortError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('times out done with the references still missing', async () => {
    record('get', '/daily', () => sent('never-arrives'));
    const store = {
      expectRequest: async () => undefined,
      largeRequest: async () => ({ expected: 1, received: 0, complete: false }),
    };
    const backfill = await terra().backfill(USER, {
      from: '2026-06-01',
      to: '2026-07-01',
      types: ['daily'],
      store,
      pollIntervalMs: 20,
      maxWaitMs: 100,
    });
    const error = await backfill.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraBackfillTimeoutError);
    expect((error as TerraBackfillTimeoutError).missing).toEqual(['never-arrives']);
    expect((error as Error).message).toContain('1 request(s) did not all arrive within 100 ms');
  });

  it.each([
    [{ from: '2026-06-01', types: [] }, /types must be a non-empty array/],
    [{ from: '2026-06-01', types: ['athlete'] }, /types must be a non-empty array of activity, body/],
    [{ from: '2026-06-01', types: ['daily', 'daily'] }, /each once/],
    [{ from: '2026-06-01', to: '2026-05-01', types: ['daily'] }, /to must be after from/],
    [{ from: '2026-06-01T00:00:00Z', types: ['daily'] }, /from must be a YYYY-MM-DD date/],
    [{ types: ['daily'] }, /from is required/],
    [{ from: '2026-06-01', types: ['daily'], chunkDays: 2000 }, /chunkDays must be a whole number from 1 to 1825/],
    [
      { from: '2026-06-01', types: ['daily'], store: {} },
      /store must be an object with the methods expectRequest and largeRequest/,
    ],
  ])('rejects bad options %j before any request', async (options, message) => {
    const error = await terra()
      .backfill(USER, options as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    expect((error as Error).message).toMatch(message);
  });
});
