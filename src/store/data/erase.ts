/**
 * Forgetting a person or a connection: their records deleted in one transaction with the audit row
 * that says who, when and how many of each type (never what).
 * @internal
 */
import type { Query, Runner } from '../database.js';
import { resolveOwner } from './queries.js';
import { DELETE_RECORDS, ERASE_DELIVERY_BODIES, INSERT_ERASURE, SELECT_DISCONNECTED } from './sql.js';
import type { ErasureRow } from './types.js';

/** Clears the raw delivery bodies the durable deliveries keep for these connections: how many. */
async function eraseDeliveryBodies(q: Query, ids: readonly string[]): Promise<number> {
  return (await q(ERASE_DELIVERY_BODIES, [ids])).length;
}

function toErasure(row: Record<string, unknown>): ErasureRow {
  return {
    id: String(row.id),
    erased_at: row.erased_at instanceof Date ? row.erased_at : new Date(String(row.erased_at)),
    reason: String(row.reason),
    reference_id: (row.reference_id as string | null) ?? null,
    terra_user_ids: (row.terra_user_ids as string[]) ?? [],
    counts: (row.counts as ErasureRow['counts']) ?? {},
    delivery_bodies:
      row.delivery_bodies === null || row.delivery_bodies === undefined ? null : Number(row.delivery_bodies),
  };
}

/** Deletes the records of `ids` and writes the audit row, in the transaction of `q`. */
async function eraseIds(
  q: Query,
  reason: string,
  referenceId: string | null,
  ids: readonly string[],
): Promise<ErasureRow> {
  const counts: Record<string, number> = {};
  if (ids.length > 0) {
    for (const row of (await q(DELETE_RECORDS, [ids])) as { type: string }[])
      counts[row.type] = (counts[row.type] ?? 0) + 1;
  }
  const bodies = ids.length > 0 ? await eraseDeliveryBodies(q, ids) : null;
  const [row] = (await q(INSERT_ERASURE, [reason, referenceId, ids, JSON.stringify(counts), bodies])) as Record<
    string,
    unknown
  >[];
  return toErasure(row ?? {});
}

/** `erase({ referenceId } | { terraUserId })`. */
export function erase(runner: Runner, target: unknown): Promise<ErasureRow> {
  return runner.transaction(async (q) => {
    const { referenceId, ids } = await resolveOwner(q, target, 'target');
    return eraseIds(q, 'request', referenceId, ids);
  });
}

/** Erases the data of connections disconnected at least `deleteAfterMs` ago; one audit row each. */
export async function eraseDisconnected(runner: Runner, deleteAfterMs: number): Promise<ErasureRow[]> {
  const due = (await runner.query(SELECT_DISCONNECTED, [Math.trunc(deleteAfterMs)])) as {
    terra_user_id: string;
    reference_id: string | null;
  }[];
  const rows: ErasureRow[] = [];
  for (const connection of due)
    rows.push(
      await runner.transaction((q) => eraseIds(q, 'disconnected', connection.reference_id, [connection.terra_user_id])),
    );
  return rows;
}
