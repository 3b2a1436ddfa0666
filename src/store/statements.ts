/**
 * How the store sends a statement to each database: node-postgres statements as named prepared
 * statements; PGlite's through `PREPARE` and `EXECUTE`; a batch of statements on node-postgres as one
 * simple query; and a transaction on one connection.
 * @internal
 */
import { errorCode } from './errors.js';
import { COMMIT, ROLLBACK, SELECT_PREPARED } from './sql.js';

/** A connection as this file uses it: `pg` and PGlite both have this shape (see `database.ts`). */
interface SqlQueryable {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/** A function that runs one statement and resolves to its rows. */
export type Query = (text: string, params?: unknown[]) => Promise<unknown[]>;

/** One statement and its parameters. */
export interface Statement {
  text: string;
  values: unknown[];
}

/** What a statement's result is read as: its rows ({@link rowsOf}) or how many rows it wrote ({@link countOf}). */
export type Read<T> = (result: unknown) => T;

export function rowsOf(result: unknown): unknown[] {
  const rows = (result as { rows?: unknown } | undefined)?.rows;
  return Array.isArray(rows) ? rows : [];
}

/** How many rows a statement wrote: `rowCount` on node-postgres, `affectedRows` on PGlite. */
export function countOf(result: unknown): number {
  const counted = result as { rowCount?: unknown; affectedRows?: unknown } | undefined;
  const n = counted?.rowCount ?? counted?.affectedRows;
  return typeof n === 'number' ? n : 0;
}

/** A 53-bit hash of a statement's text (cyrb53), to name its prepared statement. */
function hash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** The names of the statements seen, by text. The store's statements come in a few dozen shapes. */
const names = new Map<string, string>();
const MAX_NAMES = 512;

/** The prepared statement name of `text`. */
export function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `terra_${hash(text)}`;
    if (names.size < MAX_NAMES) names.set(text, name);
  }
  return name;
}

/**
 * The name `PREPARE` gives `text` on node-postgres: apart from {@link nameOf}'s, which node-postgres
 * itself prepares through the protocol and would find taken.
 */
const sqlNameOf = (text: string): string => `${nameOf(text)}_s`;

/**
 * Runs `text` on `connection`. With node-postgres, statements with parameters run as named prepared
 * statements (`{ name, text, values }`), planned once per connection rather than on every call.
 */
export async function run<T = unknown[]>(
  connection: SqlQueryable,
  named: boolean,
  text: string,
  params?: unknown[],
  read: Read<T> = rowsOf as Read<T>,
): Promise<T> {
  if (!named || params === undefined) return read(await connection.query(text, params));
  const name = nameOf(text);
  const config = { name, text, values: params };
  return read(await (connection.query as unknown as (config: object) => Promise<unknown>).call(connection, config));
}

/** SQLSTATE of a parameter whose type PREPARE cannot infer. */
const INDETERMINATE_TYPE = '42P18';

/** Statement texts PGlite could not prepare (a parameter of no inferable type): run as they are. */
const unpreparable = new Set<string>();

/**
 * A parameter as an SQL literal for `EXECUTE`: PGlite's `EXECUTE` takes no bound parameters. Strings
 * are escape strings (`E'...'`, the same whatever `standard_conforming_strings` says), so a quote or
 * a backslash in a value stays data; the store refuses NUL before it gets here.
 */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  // An array as an array literal of unknown type, which PostgreSQL reads as the parameter's array
  // type (timestamptz[], jsonb[], ...); `ARRAY[...]` of strings would be text[] and not convert.
  if (Array.isArray(value)) return stringLiteral(arrayLiteral(value));
  // Bytes (a durable delivery's body) as a bytea hex literal: never through String(), which would
  // give the decimal list of the bytes.
  if (value instanceof Uint8Array) return `'\\x${bytesToHex(value)}'::bytea`;
  return stringLiteral(String(value));
}

/** `text` as an escape string constant, the same whatever `standard_conforming_strings` says. */
const stringLiteral = (text: string): string => `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** The text of a PostgreSQL array literal (`{"a","b",NULL}`): each element quoted, bytes as hex. */
function arrayLiteral(values: readonly unknown[]): string {
  const element = (value: unknown): string => {
    if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) return 'NULL';
    if (Array.isArray(value)) return arrayLiteral(value);
    const text = value instanceof Uint8Array ? `\\x${bytesToHex(value)}` : String(value);
    return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  };
  return `{${values.map(element).join(',')}}`;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

/** Lowercase hex of `bytes`. */
function bytesToHex(bytes: Uint8Array): string {
  // One array join rather than a string grown byte by byte: a body can be megabytes.
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = HEX[bytes[i] as number] as string;
  return parts.join('');
}

/** SQLSTATE of `EXECUTE` on a prepared statement the session no longer has. */
const NO_SUCH_STATEMENT = '26000';

/**
 * SQLSTATE of `EXECUTE` on a prepared statement whose result columns changed type since `PREPARE`
 * ("cached plan must not change result type"): a table altered, or another schema's table of the
 * same name on the search path.
 */
const STALE_STATEMENT = '0A000';

/**
 * Runs `text` on PGlite as a prepared statement (`PREPARE` once per instance, then `EXECUTE`):
 * PGlite plans every unnamed statement again, and the store's upserts cost more to plan than to run.
 */
export async function runLite<T = unknown[]>(
  connection: SqlQueryable,
  prepared: Set<string>,
  text: string,
  params: unknown[] | undefined,
  read: Read<T> = rowsOf as Read<T>,
  again = true,
): Promise<T> {
  if (params === undefined || params.length === 0 || unpreparable.has(text))
    return read(await connection.query(text, params));
  const name = nameOf(text);
  if (!prepared.has(name)) {
    // Another store on the same instance may have prepared it: a second PREPARE would fail (and
    // abort the transaction it runs in), so look first.
    const existing = rowsOf(await connection.query(SELECT_PREPARED, [name]));
    if (existing.length === 0) {
      try {
        await connection.query(`PREPARE ${name} AS ${text}`);
      } catch (error) {
        if (unpreparable.size < MAX_NAMES) unpreparable.add(text);
        if (errorCode(error) === undefined) throw error;
        return read(await connection.query(text, params));
      }
    }
    prepared.add(name);
  }
  const execute = `EXECUTE ${name}(${params.map(literal).join(', ')})`;
  try {
    return read(await connection.query(execute));
  } catch (error) {
    const code = errorCode(error);
    if (!again || (code !== NO_SUCH_STATEMENT && code !== STALE_STATEMENT)) throw error;
    // Prepared again, once: a statement that goes stale again fails with its error.
    if (code === STALE_STATEMENT) await connection.query(`DEALLOCATE ${name}`);
    prepared.delete(name);
    return runLite(connection, prepared, text, params, read, false);
  }
}

/** The statements each node-postgres connection has `PREPARE`d, by name. */
const preparedOn = new WeakMap<object, Set<string>>();

/** What {@link batchPrepared} needs of a connection. */
export interface BatchTarget {
  /** Runs one statement with parameters (to look for and make prepared statements). */
  query(text: string, params?: unknown[]): Promise<unknown>;
  /** Sends several statements as one simple query: a result per statement. */
  script(sql: string): Promise<unknown>;
  /** The statements prepared on this connection, by name. */
  prepared: Set<string>;
  /** The name `PREPARE` gives a statement's text. */
  nameOf(text: string): string;
  /** The statements in a transaction, a round trip each: for what cannot be prepared. */
  oneByOne(): Promise<unknown[][]>;
}

/** A node-postgres connection as a {@link BatchTarget}. */
export function pgBatchTarget(connection: SqlQueryable, begin: string, statements: readonly Statement[]): BatchTarget {
  let prepared = preparedOn.get(connection);
  if (prepared === undefined) {
    prepared = new Set();
    preparedOn.set(connection, prepared);
  }
  return {
    query: (text, params) => run(connection, true, text, params),
    script: (sql) => connection.query(sql),
    prepared,
    nameOf: sqlNameOf,
    oneByOne: () => onConnection(connection, true, begin, (q) => runEach(q, statements)),
  };
}

/**
 * Prepares `statements` on the target once (looking first: another store may have), so that a
 * batch can `EXECUTE` them; `false` when one cannot be prepared (a parameter of no inferable type).
 */
async function prepareAll(target: BatchTarget, statements: readonly Statement[]): Promise<boolean> {
  for (const { text } of statements) {
    const name = target.nameOf(text);
    if (target.prepared.has(name)) continue;
    if (unpreparable.has(text)) return false;
    if (rowsOf(await target.query(SELECT_PREPARED, [name])).length === 0) {
      try {
        await target.query(`PREPARE ${name} AS ${text}`);
      } catch (error) {
        if (errorCode(error) !== INDETERMINATE_TYPE) throw error;
        if (unpreparable.size < MAX_NAMES) unpreparable.add(text);
        return false;
      }
    }
    target.prepared.add(name);
  }
  return true;
}

/**
 * `statements` in one transaction in one round trip: BEGIN, an `EXECUTE` of each (prepared once per
 * connection, its parameters as literals) and COMMIT sent as one simple query. node-postgres sends
 * one extended-protocol statement per round trip, and PGlite runs one statement per call, so a
 * transaction of two statements would otherwise take four. Each statement still takes its own
 * snapshot (READ COMMITTED). A statement that cannot be prepared, or a connection that lost its
 * prepared statements (a pooler that switched servers), falls back to a statement per round trip.
 */
export async function batchPrepared(
  target: BatchTarget,
  begin: string,
  statements: readonly Statement[],
): Promise<unknown[][]> {
  if (!(await prepareAll(target, statements))) return target.oneByOne();
  const executes = statements.map(
    ({ text, values }) =>
      `EXECUTE ${target.nameOf(text)}${values.length === 0 ? '' : `(${values.map(literal).join(', ')})`}`,
  );
  let results: unknown;
  try {
    results = await target.script([begin, ...executes, COMMIT].join(';\n'));
  } catch (error) {
    try {
      await target.script(ROLLBACK);
    } catch {
      // The connection may be gone; the first error is the one to report.
    }
    if (errorCode(error) !== NO_SUCH_STATEMENT) throw error;
    target.prepared.clear();
    return target.oneByOne();
  }
  // One result per statement sent: those of BEGIN (and its SET LOCALs) first, COMMIT's last.
  const all = Array.isArray(results) ? results : [results];
  return all.slice(all.length - 1 - statements.length, all.length - 1).map(rowsOf);
}

/** Runs `statements` one after the other through `q`: the rows of each. */
export async function runEach(
  q: (text: string, params?: unknown[]) => Promise<unknown[]>,
  statements: readonly Statement[],
): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for (const { text, values } of statements) rows.push(await q(text, values));
  return rows;
}

/** BEGIN ... COMMIT on one connection; ROLLBACK (its own failure ignored) when `work` fails. */
export async function onConnection<T>(
  connection: SqlQueryable,
  named: boolean,
  begin: string,
  work: (q: (text: string, params?: unknown[]) => Promise<unknown[]>) => Promise<T>,
): Promise<T> {
  await connection.query(begin);
  try {
    const result = await work((text, params) => run(connection, named, text, params));
    await connection.query(COMMIT);
    return result;
  } catch (error) {
    try {
      await connection.query(ROLLBACK);
    } catch {
      // The connection may be gone; the first error is the one to report.
    }
    throw error;
  }
}
