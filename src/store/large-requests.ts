/**
 * Large requests announced by the caller before Terra says anything (`expectRequest`), and the
 * progress `apply` reports after a delivery.
 * @internal
 */
import { checkExpectOptions, checkId } from './arguments.js';
import { type Runner, withRetry } from './database.js';
import { baseReference } from './effects.js';
import { type LargeRequestRow, toLargeRequestRow } from './rows.js';
import { EXPECT_REQUEST } from './sql.js';
import type { LargeRequestProgress } from './types.js';

/** The progress a large-request row shows, or `undefined` for no row. */
export function progress(row: unknown): LargeRequestProgress | undefined {
  if (row === undefined) return undefined;
  const r = toLargeRequestRow(row);
  return { reference: r.reference, expected: r.expected, received: r.received, complete: r.complete };
}

/** Records that a request sends its data to the webhook (see `ConnectionStore.expectRequest`). */
export async function expectRequest(runner: Runner, reference: unknown, options: unknown): Promise<LargeRequestRow> {
  const id = baseReference(checkId(reference, 'reference', 255));
  const { expected, terraUserId } = checkExpectOptions(options);
  const [row] = await withRetry(() => runner.query(EXPECT_REQUEST, [id, terraUserId, expected]));
  return toLargeRequestRow(row);
}
