/**
 * The store's time limit, one timer for all its calls (`deadline.ts`): each call settles as its
 * work does, or is rejected when its own time is up, however many run at once and in whatever order
 * they finish; and the timer holds the process open while a call runs, and only then.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deadline } from '../../src/store/deadline.js';

const run = promisify(execFile);
const expired = () => new Error('expired');

/** A promise and the functions that settle it. */
function controlled<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** What a promise came to: its value, its error's message, or 'pending'. */
function outcome<T>(promise: Promise<T>): () => string {
  let state = 'pending';
  promise.then(
    (value) => {
      state = `value:${String(value)}`;
    },
    (error: unknown) => {
      state = `error:${(error as Error).message}`;
    },
  );
  return () => state;
}

describe('deadline', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('settles as the work does, within the limit', async () => {
    const within = deadline(1000);
    await expect(within(Promise.resolve(7), expired)).resolves.toBe(7);
    await expect(within(Promise.reject(new Error('refused')), expired)).rejects.toThrow('refused');
  });

  it('rejects with the expiry when the work outlives the limit, and ignores its late outcome', async () => {
    const within = deadline(1000);
    const work = controlled<number>();
    const result = outcome(within(work.promise, expired));
    await vi.advanceTimersByTimeAsync(999);
    expect(result()).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(result()).toBe('error:expired');
    // The work failing afterwards changes nothing and is not an unhandled rejection.
    work.reject(new Error('too late'));
    await vi.advanceTimersByTimeAsync(10);
    expect(result()).toBe('error:expired');
  });

  it('gives every call its own time, whatever the order calls start and finish in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ startAt: fc.nat(300), lasts: fc.nat(300) }), { minLength: 1, maxLength: 40 }),
        async (calls) => {
          const limit = 100;
          const within = deadline(limit);
          const outcomes: (() => string)[] = [];
          const finishers: (() => void)[] = [];
          // One timeline: each call's start, then its finish; at the same moment, starts first.
          const events = calls.flatMap((call, i) => [
            { at: call.startAt, order: 0, i },
            { at: call.startAt + call.lasts, order: 1, i },
          ]);
          events.sort((a, b) => a.at - b.at || a.order - b.order);
          let now = 0;
          for (const event of events) {
            if (event.at > now) {
              await vi.advanceTimersByTimeAsync(event.at - now);
              now = event.at;
            }
            if (event.order === 0) {
              const work = controlled<number>();
              outcomes[event.i] = outcome(within(work.promise, expired));
              finishers[event.i] = () => work.resolve(event.i);
            } else finishers[event.i]?.();
          }
          await vi.advanceTimersByTimeAsync(limit + 1);
          for (const [i, call] of calls.entries()) {
            // Finishing at the very moment the limit runs out is a race either side may win.
            if (call.lasts === limit) continue;
            expect(outcomes[i]?.()).toBe(call.lasts < limit ? `value:${i}` : 'error:expired');
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('deadline where setTimeout returns a number (a browser, an edge runtime)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('settles and expires calls as in Node', { timeout: 10_000 }, async () => {
    const real = globalThis.setTimeout;
    vi.stubGlobal('setTimeout', (callback: () => void, ms: number) => Number(real(callback, ms)));
    const within = deadline(100);
    await expect(within(Promise.resolve('kept'), expired)).resolves.toBe('kept');
    await expect(within(new Promise(() => {}), expired)).rejects.toThrow('expired');
    await expect(within(Promise.resolve('again'), expired)).resolves.toBe('again');
  });
});

describe('deadline and the process', () => {
  const script = (body: string) => [
    '--import',
    'tsx',
    '--input-type=module',
    '-e',
    `import { deadline } from ${JSON.stringify(new URL('../../src/store/deadline.ts', import.meta.url).pathname)};\n${body}`,
  ];

  it('does not hold the process open once every call settled', { timeout: 30_000 }, async () => {
    const started = performance.now();
    const { stdout } = await run(
      process.execPath,
      script(`const within = deadline(60_000);
console.log(await within(Promise.resolve('done'), () => new Error('expired')));`),
    );
    expect(stdout.trim()).toBe('done');
    // Well before the 60 s limit: the timer set for the call no longer holds the process.
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('holds the process open while a call runs, until its time is up', { timeout: 30_000 }, async () => {
    const { stdout } = await run(
      process.execPath,
      // A call that settled first leaves the timer set but not holding; the next call holds it again.
      script(`const within = deadline(300);
await within(Promise.resolve(1), () => new Error('expired'));
await within(new Promise(() => {}), () => new Error('expired')).catch((error) => console.log(error.message));`),
    );
    expect(stdout.trim()).toBe('expired');
  });
});
