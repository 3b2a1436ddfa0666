/**
 * Writing records: a data event's, an `s3_payload`'s (downloaded first), a synchronous read's.
 * @internal
 */
import { TerraInvalidArgumentError } from '../../errors.js';
import { describeKind } from '../../internal/describe.js';
import { type Runner, withRetry } from '../database.js';
import type { Params } from '../params.js';
import type { ExtraWrite } from '../sql.js';
import { upsertRecords } from './converge.js';
import { type RecordRow, rowsJson, rowsOfEvent } from './keys.js';
import type { DataType } from './schema.js';
import type { ApplyResponseResult } from './types.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const identity = (row: RecordRow) => `${row.type}\u0000${row.terra_user_id}\u0000${row.record_key}`;

/** Whether copy `a` beats copy `b`: the greater (ordering time, tiebreak), as `converge.ts` decides. */
const beats = (a: [number, string], b: [number, string]) => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);

/**
 * One row per key, as the upsert would leave them had the copies arrived one by one (one statement
 * cannot update a row twice): the winning copy, with each score from the copy that wins it, and
 * `rescore` when one of those is not the winner's own (the row is stored `stale`). Sorted
 * by key, so that concurrent writers lock rows in one order.
 */
export function collapse(rows: readonly RecordRow[]): RecordRow[] {
  if (rows.length < 2) return [...rows];
  const byKey = new Map<string, RecordRow>();
  for (const row of rows) {
    const id = identity(row);
    const held = byKey.get(id);
    if (held === undefined) {
      byKey.set(id, row);
      continue;
    }
    const rank = (r: RecordRow): [number, string] => [Date.parse(r.ordering_ts), r.tiebreak];
    const winner = beats(rank(row), rank(held)) ? row : held;
    const scores = { ...held.scores };
    for (const [key, entry] of Object.entries(row.scores)) {
      const stored = scores[key];
      if (stored === undefined || beats([entry[1], entry[2]], [stored[1], stored[2]])) scores[key] = entry;
    }
    // Stale when a merged score came from a copy other than the winner (its entries carry the
    // winner's ordering time and tiebreak): exactly when the winner's JSON lacks that value.
    const ms = Date.parse(winner.ordering_ts);
    const rescore = Object.values(scores).some((entry) => entry[1] !== ms || entry[2] !== winner.tiebreak);
    byKey.set(id, { ...winner, scores, rescore });
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** Upserts `rows` in one statement (`converge.ts`); resolves to the number of records inserted or changed. */
export async function writeRows(
  runner: Runner,
  rows: readonly RecordRow[],
  skipDisconnected: boolean,
): Promise<number> {
  const distinct = collapse(rows);
  const text = upsertRecords(skipDisconnected, oneCopyEach(distinct));
  const result = await withRetry(() => runner.query(text, [rowsJson(distinct)]));
  return result.length;
}

/** The records' upsert as a write of the delivery's own statement, made only when the delivery is new. */
export function recordsWrite(rows: readonly RecordRow[], skipDisconnected: boolean): ExtraWrite {
  const distinct = collapse(rows);
  const single = oneCopyEach(distinct);
  return Object.assign(
    (params: Params, gate: string) => {
      const rows = params.add(rowsJson(distinct), 'jsonb');
      return params.valuesOnly ? '' : upsertRecords(skipDisconnected, single, rows, gate);
    },
    { shape: `records${skipDisconnected ? '-skipping' : ''}${single ? '' : '-merged'}` },
  );
}

/** Whether every row's scores are its winning copy's own (none `rescore`, see {@link collapse}). */
const oneCopyEach = (rows: readonly RecordRow[]) => rows.every((row) => row.rescore !== true);

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
