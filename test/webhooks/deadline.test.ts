/**
 * Body deadlines: short ones get their own timer; those of a second or more share one sweep, fire at
 * most one sweep late, never early, and leave no timer behind once none is pending.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SWEEP_MS, startDeadline } from '../../src/webhooks/deadline.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('startDeadline', () => {
  it('fires a short deadline on time, with a timer of its own', () => {
    const expire = vi.fn();
    startDeadline(200, expire);
    vi.advanceTimersByTime(199);
    expect(expire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expire).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fires long deadlines from one shared sweep, never early and at most one sweep late', () => {
    const first = vi.fn();
    const second = vi.fn();
    startDeadline(10_000, first);
    vi.advanceTimersByTime(3_000);
    startDeadline(10_000, second);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(10_000 - 3_000 - 1);
    expect(first).not.toHaveBeenCalled();
    vi.advanceTimersByTime(SWEEP_MS + 1);
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).not.toHaveBeenCalled();
    vi.advanceTimersByTime(3_000 + SWEEP_MS);
    expect(second).toHaveBeenCalledTimes(1);
    // Nothing pending: the sweep stopped.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never fires a deadline stopped in time, and stops the sweep when the last one is stopped', () => {
    const expire = vi.fn();
    const stop = startDeadline(5_000, expire);
    vi.advanceTimersByTime(4_000);
    stop();
    vi.advanceTimersByTime(10_000);
    expect(expire).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
    const stopShort = startDeadline(50, expire);
    stopShort();
    vi.advanceTimersByTime(100);
    expect(expire).not.toHaveBeenCalled();
  });

  it('fires the deadlines left when one in the middle is stopped, each once', () => {
    const fired: string[] = [];
    startDeadline(2_000, () => fired.push('first'));
    const stopMiddle = startDeadline(2_000, () => fired.push('middle'));
    startDeadline(2_000, () => fired.push('last'));
    stopMiddle();
    stopMiddle();
    vi.advanceTimersByTime(2_000 + SWEEP_MS);
    expect(fired).toEqual(['first', 'last']);
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual(['first', 'last']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never fires a due deadline that an earlier one stopped when it fired', () => {
    const fired: string[] = [];
    let stopSecond: () => void = () => undefined;
    startDeadline(1_000, () => {
      fired.push('first');
      stopSecond();
    });
    stopSecond = startDeadline(1_000, () => fired.push('second'));
    // One started from inside an expiry is not due yet: it waits for its own time.
    startDeadline(1_000, () => {
      fired.push('third');
      startDeadline(5_000, () => fired.push('late'));
    });
    vi.advanceTimersByTime(1_000 + SWEEP_MS);
    expect(fired).toEqual(['first', 'third']);
    vi.advanceTimersByTime(4_000);
    expect(fired).toEqual(['first', 'third']);
    vi.advanceTimersByTime(1_000 + SWEEP_MS);
    expect(fired).toEqual(['first', 'third', 'late']);
    expect(vi.getTimerCount()).toBe(0);
  });
});
