/**
 * The store's read queries: a connection, a person's connections, connections by status, a large
 * request. Each checks its arguments, runs one statement from `sql.ts` and types the rows.
 * @internal
 */
import { checkId, checkListOptions } from './arguments.js';
import type { Runner } from './database.js';
import { baseReference } from './effects.js';
import {
  type ConnectionStatus,
  type LargeRequestRow,
  type TerraConnectionRow,
  toConnectionRow,
  toLargeRequestRow,
} from './rows.js';
import {
  SELECT_CONNECTION,
  SELECT_CONNECTIONS_BY_STATUS,
  SELECT_CONNECTIONS_FOR,
  SELECT_LARGE_REQUEST,
} from './sql.js';

/** The connection with this Terra user id, or `undefined`. */
export async function getConnection(runner: Runner, terraUserId: unknown): Promise<TerraConnectionRow | undefined> {
  const [row] = await runner.query(SELECT_CONNECTION, [checkId(terraUserId, 'terraUserId')]);
  return row === undefined ? undefined : toConnectionRow(row);
}

/** Every connection of one person, in the order first seen. */
export async function connectionsFor(runner: Runner, referenceId: unknown): Promise<TerraConnectionRow[]> {
  const rows = await runner.query(SELECT_CONNECTIONS_FOR, [checkId(referenceId, 'referenceId')]);
  return rows.map(toConnectionRow);
}

/** Connections with `status`, by id, a page at a time. `method` names the caller in messages. */
export async function connectionsWithStatus(
  runner: Runner,
  status: ConnectionStatus,
  options: unknown,
  method: string,
): Promise<TerraConnectionRow[]> {
  const { provider, limit, afterId } = checkListOptions(options, method);
  const rows = await runner.query(SELECT_CONNECTIONS_BY_STATUS, [status, provider, afterId, limit]);
  return rows.map(toConnectionRow);
}

/** How far a large request has arrived; a chunk reference reads its request. */
export async function largeRequest(runner: Runner, reference: unknown): Promise<LargeRequestRow | undefined> {
  const id = baseReference(checkId(reference, 'reference', 1024));
  const [row] = await runner.query(SELECT_LARGE_REQUEST, [id.slice(0, 255)]);
  return row === undefined ? undefined : toLargeRequestRow(row);
}
