/**
 * The data store's reads: a type's records for a person or a connection, and the rows `days()`
 * groups.
 * @internal
 */
import { TerraInvalidArgumentError } from '../../errors.js';
import { describeKind } from '../../internal/describe.js';
import type { Runner } from '../database.js';
import { DATA_TYPES, type DataType } from './schema.js';
import { PERSON_USER_IDS, SELECT_PERSON_RANGE, SELECT_RECORDS } from './sql.js';
import type { RecordsQuery } from './types.js';

/** A record as read back. */
export interface StoredRecord {
  type: DataType;
  terra_user_id: string;
  record_key: string;
  provider: string | null;
  reference_id: string | null;
  calendar_date: string | null;
  start_at: Date | string | null;
  end_at: Date | string | null;
  summary_id: string | null;
  data: unknown;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` argument that names a real date. */
export function checkDate(value: unknown, name: string, optional: boolean): string | null {
  if (value === undefined && optional) return null;
  if (typeof value === 'string' && DATE.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    if (Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value) return value;
  }
  throw new TerraInvalidArgumentError(
    name,
    `${name} must be a calendar date 'YYYY-MM-DD' (the wearer's date, inclusive); got ${
      typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : describeKind(value)
    }.`,
  );
}

/** A non-empty id argument. */
export function checkText(value: unknown, name: string): string {
  if (typeof value === 'string' && value !== '' && value.length <= 255) return value;
  throw new TerraInvalidArgumentError(
    name,
    `${name} must be a non-empty string of at most 255 characters; got ${describeKind(value)}.`,
  );
}

/** A data type argument. */
export function checkType(value: unknown, keep: ReadonlySet<DataType>): DataType {
  if (typeof value === 'string' && (DATA_TYPES as readonly string[]).includes(value)) {
    if (!keep.has(value as DataType))
      throw new TerraInvalidArgumentError(
        'type',
        `This store does not keep ${value} records: add it to the data option of createTerraStore.`,
      );
    return value as DataType;
  }
  throw new TerraInvalidArgumentError(
    'type',
    `type must be one of ${DATA_TYPES.join(', ')}; got ${describeKind(value)}.`,
  );
}

/** The connections of a person: their connection rows and records stored under their reference id. */
export async function personUserIds(query: Runner['query'], referenceId: string): Promise<string[]> {
  const rows = (await query(PERSON_USER_IDS, [referenceId])) as { terra_user_id: string }[];
  return rows.map((row) => row.terra_user_id).sort();
}

/** Whose records a query names: `{ referenceId }` or `{ terraUserId }`, exactly one. */
export async function resolveOwner(
  query: Runner['query'],
  target: unknown,
  name: string,
): Promise<{ referenceId: string | null; ids: string[] }> {
  const given = (typeof target === 'object' && target !== null ? target : {}) as {
    referenceId?: unknown;
    terraUserId?: unknown;
  };
  if ((given.referenceId === undefined) === (given.terraUserId === undefined))
    throw new TerraInvalidArgumentError(name, `${name} must name exactly one of referenceId and terraUserId.`);
  if (given.terraUserId !== undefined) return { referenceId: null, ids: [checkText(given.terraUserId, 'terraUserId')] };
  const referenceId = checkText(given.referenceId, 'referenceId');
  return { referenceId, ids: await personUserIds(query, referenceId) };
}

/** `records(type, query)`. */
export async function records(
  runner: Runner,
  type: unknown,
  query: RecordsQuery,
  keep: ReadonlySet<DataType>,
): Promise<unknown[]> {
  const checkedType = checkType(type, keep);
  const from = checkDate(query?.from, 'from', true);
  const to = checkDate(query?.to, 'to', true);
  const { ids } = await resolveOwner(runner.query, query, 'query');
  if (ids.length === 0) return [];
  const rows = (await runner.query(SELECT_RECORDS, [checkedType, ids, from, to])) as StoredRecord[];
  return rows.map((row) => row.data);
}

/** Every dated record of these connections from `from` to `to`. */
export async function recordsInRange(
  runner: Runner,
  ids: readonly string[],
  from: string,
  to: string,
): Promise<StoredRecord[]> {
  if (ids.length === 0) return [];
  return (await runner.query(SELECT_PERSON_RANGE, [ids, from, to])) as StoredRecord[];
}
