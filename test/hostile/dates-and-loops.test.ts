/**
 * Dates outside what Terra accepts, and loops that must end (issue 20, item 1): a year-0024 date sent
 * backfill's month splitter round in circles (`Date.UTC` reads years 0-99 as 1900-1999) until the heap
 * ran out; a backfill had no bound on its requests nor any pace. Against msw, as the client tests.
 */
import { describe, expect, it } from 'vitest';
import { TerraAbortError, TerraError, TerraInvalidArgumentError } from '../../src/errors.js';
import { backfillRanges } from '../../src/resources/backfill.js';
import { json, record, terra } from '../client/support.js';

const USER = 'user-hostile-dates';
const sent = (n: number) => json({ status: 'success', type: 'daily', reference: `ref-${n}`, trace_id: `t-${n}` });

describe('dates outside the years 1970-9999', () => {
  it.each([
    ['0024-05-01'],
    ['1899-12-31'],
    ['1969-12-31'],
    [new Date(Date.UTC(10_000, 0, 1))],
    [new Date(-86_400_000)],
  ])('%s is a TerraInvalidArgumentError before any request, on every date argument', async (date) => {
    const calls = [
      ...record('get', '/daily', (_, n) => sent(n)),
      ...record('get', '/plannedWorkouts', () => json({ data: [] })),
    ];
    const client = terra();
    const attempts: (() => Promise<unknown>)[] = [
      () => client.backfill(USER, { from: date, to: '2026-01-01', types: ['daily'], minIntervalMs: 0 }),
      () => client.backfill(USER, { from: '2025-01-01', to: date, types: ['daily'], minIntervalMs: 0 }),
      () => client.getDailyForUser(USER, { startDate: date, endDate: '2026-01-01' }),
    ];
    if (typeof date === 'string')
      attempts.push(() => client.plannedWorkouts.list(USER, { startDate: date, endDate: '2026-01-01' }));
    for (const attempt of attempts) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TerraInvalidArgumentError);
      expect((error as Error).message).toMatch(/1970-9999/);
    }
    expect(calls).toHaveLength(0);
  });

  it('a year-0024 backfill is refused at once, where it used to loop until the heap ran out', async () => {
    const calls = record('get', '/daily', (_, n) => sent(n));
    const error = await terra()
      .backfill(USER, { from: '0024-05-01', to: '2026-01-01', types: ['daily'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    expect(calls).toHaveLength(0);
  });

  it('the month splitter ends for any instant, years 0-99 included', () => {
    const from = Date.parse('0024-05-01T00:00:00Z');
    const ranges = backfillRanges(from, Date.parse('0025-01-01T00:00:00Z'));
    expect(ranges).toHaveLength(8);
    expect(new Date(ranges.at(-1)?.start as number).toISOString()).toBe('0024-05-01T00:00:00.000Z');
    expect(backfillRanges(from, Date.parse('2026-01-01T00:00:00Z'), 0, 100)).toHaveLength(101);
  });

  it('accepts the first and the last day of the range', async () => {
    record('get', '/daily', (_, n) => sent(n));
    await expect(
      terra().getDailyForUser(USER, { startDate: '1970-01-01', endDate: '9999-12-31', toWebhook: true }),
    ).resolves.toBeDefined();
  });
});

describe('backfill is bounded and paced', () => {
  it('refuses, before any request, a history that needs more than maxRequests (default 1,000)', async () => {
    const calls = ['/activity', '/body', '/daily', '/sleep', '/nutrition', '/menstruation'].flatMap((path) =>
      record('get', path, (_, n) => sent(n)),
    );
    const all = ['activity', 'body', 'daily', 'sleep', 'nutrition', 'menstruation'] as const;
    // 15 years of months for six types: 1,080 requests.
    const error = await terra()
      .backfill(USER, { from: '2011-01-01', to: '2026-01-01', types: all })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    expect(error).toMatchObject({ argument: 'maxRequests', message: expect.stringContaining('1000 requests') });
    const small = await terra()
      .backfill(USER, { from: '2025-01-01', to: '2026-01-01', types: ['daily'], maxRequests: 11, minIntervalMs: 0 })
      .catch((e: unknown) => e);
    expect(small).toBeInstanceOf(TerraInvalidArgumentError);
    expect(calls).toHaveLength(0);
  });

  it('counts retries against maxRequests', async () => {
    const calls = record('get', '/activity', () => json({ status: 'processing', retry_after_seconds: 0 }));
    const error = await terra()
      .backfill(USER, {
        from: '2026-06-01',
        to: '2026-06-08',
        types: ['activity'],
        maxRequests: 3,
        minIntervalMs: 0,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraError);
    expect((error as Error).message).toContain('maxRequests');
    expect(calls).toHaveLength(3);
  });

  it('leaves at least minIntervalMs (default 100 ms) between two requests', async () => {
    const times: number[] = [];
    record('get', '/daily', (_, n) => {
      times.push(performance.now());
      return sent(n);
    });
    // The first request of a client also loads its HTTP library: measured from the second on. The
    // pace holds between requests leaving the SDK; their arrival here jitters by a few milliseconds
    // on a loaded machine, hence the margin (without the pace they arrive within a few ms).
    const client = terra();
    await client.backfill(USER, { from: '2026-01-01', to: '2026-05-01', types: ['daily'] });
    expect(times).toHaveLength(4);
    for (let i = 2; i < times.length; i++)
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(75);
    times.length = 0;
    await client.backfill(USER, { from: '2026-01-01', to: '2026-03-01', types: ['daily'], minIntervalMs: 300 });
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(270);
  });

  it('stops within its pace when the signal aborts', async () => {
    const controller = new AbortController();
    const calls = record('get', '/daily', (_, n) => {
      if (n === 1) setTimeout(() => controller.abort(), 20);
      return sent(n);
    });
    const started = performance.now();
    const error = await terra()
      .backfill(USER, {
        from: '2025-01-01',
        to: '2026-01-01',
        types: ['daily'],
        minIntervalMs: 5_000,
        signal: controller.signal,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraAbortError);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(calls).toHaveLength(1);
  });
});
