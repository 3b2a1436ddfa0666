/**
 * Writing records: a data event's, an `s3_payload`'s (downloaded first), a synchronous read's.
 * @internal
 */
import { TerraInvalidArgumentError } from '../../errors.js';
import { describeKind } from '../../internal/describe.js';
import { type Runner, withRetry } from '../database.js';
import { upsertRecords } from './converge.js';
import { type RecordRow, rowsOfEvent } from './keys.js';
import type { DataType } from './schema.js';
import type { ApplyResponseResult } from './types.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const identity = (row: RecordRow) => `${row.type}\u0000${row.terra_user_id}\u0000${row.record_key}`;

/**
 * Splits rows into batches with no key twice (one statement cannot update a row twice), each batch
 * sorted by key so that concurrent writers lock rows in one order.
 */
function batches(rows: readonly RecordRow[]): RecordRow[][] {
  const out: RecordRow[][] = [];
  const seen: Set<string>[] = [];
  for (const row of rows) {
    const id = identity(row);
    let i = 0;
    while (seen[i]?.has(id)) i++;
    if (out[i] === undefined) {
      out[i] = [];
      seen[i] = new Set();
    }
    out[i]?.push(row);
    seen[i]?.add(id);
  }
  for (const batch of out) batch.sort((a, b) => (identity(a) < identity(b) ? -1 : identity(a) > identity(b) ? 1 : 0));
  return out;
}

/** Upserts `rows` (`converge.ts`); resolves to the number of records inserted or changed. */
export async function writeRows(
  runner: Runner,
  rows: readonly RecordRow[],
  skipDisconnected: boolean,
): Promise<number> {
  let written = 0;
  const text = upsertRecords(skipDisconnected);
  for (const batch of batches(rows)) {
    const result = await withRetry(() => runner.query(text, [JSON.stringify(batch)]));
    written += result.length;
  }
  return written;
}

/** The rows of a parsed webhook event, for the kept types. */
export function rowsOfWebhookEvent(
  event: unknown,
  keep: ReadonlySet<DataType>,
  orderingMs: number,
  traceId: string | null,
): RecordRow[] {
  if (!isObject(event) || typeof event.type !== 'string') return [];
  return rowsOfEvent(event.type, event, keep, { orderingMs, traceId });
}

/**
 * The rows of a synchronous read: a `TerraApiResponse` (its `getParsedResponse()` and `dtype`) or
 * a parsed `DataReturned`.
 */
export function rowsOfResponse(
  response: unknown,
  keep: ReadonlySet<DataType>,
  orderingMs: number,
): { type: string | null; rows: RecordRow[] } {
  let body: unknown = response;
  let dtype: unknown;
  if (isObject(response) && typeof response.getParsedResponse === 'function') {
    dtype = response.dtype;
    body = (response.getParsedResponse as () => unknown).call(response);
  }
  if (!isObject(body) || body.kind !== 'DataReturned')
    throw new TerraInvalidArgumentError(
      'response',
      `applyResponse takes the response of a data read with toWebhook: false (DataReturned); got ${
        isObject(body) && typeof body.kind === 'string' ? `a ${body.kind}` : describeKind(body)
      }.`,
    );
  const type = typeof body.type === 'string' ? body.type : typeof dtype === 'string' ? dtype : null;
  if (type === null) return { type, rows: [] };
  return { type, rows: rowsOfEvent(type, body, keep, { orderingMs, traceId: null }) };
}

/** Stores a synchronous read's records. */
export async function applyResponse(
  runner: Runner,
  response: unknown,
  keep: ReadonlySet<DataType>,
  skipDisconnected: boolean,
): Promise<ApplyResponseResult> {
  const { type, rows } = rowsOfResponse(response, keep, Date.now());
  return { type, written: rows.length === 0 ? 0 : await writeRows(runner, rows, skipDisconnected) };
}
