/**
 * Housekeeping: delivery records and large requests older than the retention deleted, a bounded
 * batch at a time, on request or every thousand applied deliveries.
 * @internal
 */
import { checkPruneOptions } from './arguments.js';
import type { Runner } from './database.js';
import { PRUNE_DELIVERIES, PRUNE_LARGE_REQUESTS } from './sql.js';
import type { PruneResult } from './types.js';

/** Rows deleted per statement, so that a prune never holds many locks at once. */
const PRUNE_BATCH = 1000;
/** Applied deliveries between two automatic prunes. */
const PRUNE_EVERY = 1000;

async function pruneBatch(runner: Runner, olderThanMs: number): Promise<PruneResult> {
  const before = new Date(Date.now() - olderThanMs).toISOString();
  const deliveries = await runner.query(PRUNE_DELIVERIES, [before, PRUNE_BATCH]);
  const largeRequests = await runner.query(PRUNE_LARGE_REQUESTS, [before, PRUNE_BATCH]);
  return { deliveries: deliveries.length, largeRequests: largeRequests.length };
}

/** Deletes everything older than `olderThanMs` (default `retentionMs`), batch after batch. */
export async function prune(runner: Runner, options: unknown, retentionMs: number): Promise<PruneResult> {
  const olderThanMs = checkPruneOptions(options).olderThanMs ?? retentionMs;
  const total: PruneResult = { deliveries: 0, largeRequests: 0 };
  for (;;) {
    const batch = await pruneBatch(runner, olderThanMs);
    total.deliveries += batch.deliveries;
    total.largeRequests += batch.largeRequests;
    if (batch.deliveries < PRUNE_BATCH && batch.largeRequests < PRUNE_BATCH) return total;
  }
}

/**
 * Counts applied deliveries and prunes one batch every thousand. A failure does not fail the
 * delivery: it is housekeeping, and the next round retries.
 */
export function autoPruner(runner: Runner, retentionMs: number): () => Promise<void> {
  let applied = 0;
  return async () => {
    if (++applied < PRUNE_EVERY) return;
    applied = 0;
    await pruneBatch(runner, retentionMs).catch(() => undefined);
  };
}
