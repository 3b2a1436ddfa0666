/**
 * Group commit (`store/deliveries/group.ts`), which records durable deliveries and marks them handled:
 * a lone call goes at once, calls made meanwhile share the next statement, a failing batch fails
 * only the item that breaks it, and no batch is larger than its bound.
 */
import { describe, expect, it } from 'vitest';
import { grouped } from '../../src/store/deliveries/group.js';

/** A flush that records its batches and answers each item doubled, after `release()`. */
function recorder(fail: (item: number) => boolean = () => false) {
  const batches: number[][] = [];
  let release: () => void = () => undefined;
  let gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const flush = async (items: readonly number[]) => {
    batches.push([...items]);
    await gate;
    if (items.some(fail)) throw new Error(`refused ${items.join(',')}`);
    return items.map((n) => n * 2);
  };
  return {
    batches,
    flush,
    open: () => {
      release();
      gate = Promise.resolve();
    },
  };
}

describe('grouped', () => {
  it('sends a lone call at once, and the calls made while it is in flight as one batch', async () => {
    const r = recorder();
    const call = grouped(r.flush);
    const first = call(1);
    const rest = [call(2), call(3), call(4)];
    expect(r.batches).toEqual([[1]]);
    r.open();
    expect(await first).toBe(2);
    expect(await Promise.all(rest)).toEqual([4, 6, 8]);
    expect(r.batches).toEqual([[1], [2, 3, 4]]);
  });

  it('runs the items of a failed batch again one by one, so only the bad one fails', async () => {
    const r = recorder((n) => n === 3);
    const call = grouped(r.flush);
    const first = call(1);
    const rest = [call(2), call(3), call(4)].map((p) =>
      p.then(
        (v) => v,
        (e: Error) => e.message,
      ),
    );
    r.open();
    await first;
    expect(await Promise.all(rest)).toEqual([4, 'refused 3', 8]);
    expect(r.batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });

  it('keeps each batch within its bound', async () => {
    const r = recorder();
    const call = grouped(r.flush, 2);
    const calls = [1, 2, 3, 4, 5].map((n) => call(n));
    r.open();
    expect(await Promise.all(calls)).toEqual([2, 4, 6, 8, 10]);
    expect(r.batches).toEqual([[1], [2, 3], [4, 5]]);
  });
});
