/**
 * The databases the store accepts, told apart by their shape (no driver is imported), and one way to
 * run statements and transactions on each.
 */
import { TerraConfigurationError } from '../errors.js';
import { describeKind } from '../internal/describe.js';
import { errorCode } from './errors.js';
import { BEGIN, beginWithTimeouts, COMMIT, ROLLBACK, SELECT_PREPARED } from './sql.js';

/** What a query resolves to: the result rows. Both `pg` and PGlite return this shape. */
export interface SqlQueryResult {
  /** The rows, one object per row keyed by column name. */
  rows: unknown[];
}

/**
 * Anything that runs one parameterised SQL statement (`$1`, `$2`, ...): a `pg` `Client`, a client
 * checked out of a `pg` `Pool`, or a PGlite transaction. Described by shape, so your declarations
 * never need `@types/pg`.
 */
export interface SqlQueryable {
  /** Runs `text` with `params` bound to `$1`, `$2`, ... */
  query(text: string, params?: unknown[]): Promise<SqlQueryResult>;
}

/** A client checked out of a {@link SqlPool}: it must be released after use. */
export interface SqlPoolClient extends SqlQueryable {
  /** Gives the client back to its pool; with an error (or `true`), the pool discards it. */
  release(error?: Error | boolean): void;
}

/** A `pg` `Pool` (or a compatible pool): the store checks out one client per transaction. */
export interface SqlPool extends SqlQueryable {
  /** Checks out a client. */
  connect(): Promise<SqlPoolClient>;
  /** How many clients the pool holds: this is how a pool is told from a single client. */
  readonly totalCount: number;
}

/**
 * A PGlite instance (`@electric-sql/pglite`, PostgreSQL in WebAssembly) or a `PGliteWorker`: one
 * connection with its own `transaction()`.
 */
export interface PGliteDatabase extends SqlQueryable {
  /** Runs `callback` in a transaction: committed when it resolves, rolled back when it rejects. */
  transaction<T>(callback: (tx: SqlQueryable) => Promise<T>): Promise<T>;
}

/**
 * The `db` option of `createConnectionStore`: a `pg` `Pool`, a connected `pg` `Client`, or a PGlite
 * instance. A `Client` and PGlite are single connections: the store runs its transactions on them one
 * at a time, so give the store a connection of its own (or a pool) rather than one your code uses
 * for its own transactions.
 */
export type ConnectionStoreDatabase = SqlPool | PGliteDatabase | SqlQueryable;

/** Which kind of database a `db` value is. @internal */
export type DatabaseKind = 'pool' | 'pglite' | 'client';

/** Runs statements and transactions on the database, whatever its kind. @internal */
export interface Runner {
  readonly kind: DatabaseKind;
  /** The PGlite data directory on this machine's file system, when the database is one. */
  readonly dataDir: string | undefined;
  /** One statement outside any transaction (autocommit). */
  query(text: string, params?: unknown[]): Promise<unknown[]>;
  /**
   * `work` in one transaction (READ COMMITTED), retried on deadlock or serialization failure; with
   * `bounded` false, without the store's statement and lock timeouts (migrations).
   */
  transaction<T>(
    work: (q: (text: string, params?: unknown[]) => Promise<unknown[]>) => Promise<T>,
    bounded?: boolean,
  ): Promise<T>;
}

function isFunction(value: unknown): value is (...args: never[]) => unknown {
  return typeof value === 'function';
}

/** What is wrong with `db` as a database, or `undefined` when it is one of the accepted kinds. @internal */
export function databaseProblem(db: unknown): string | undefined {
  if ((typeof db !== 'object' && typeof db !== 'function') || db === null || !isFunction((db as SqlQueryable).query))
    return `db must be a pg Pool, a connected pg Client or a PGlite instance (an object with a query(text, params) method); got ${describeKind(db)}${
      typeof db === 'object' && db !== null ? ' without a query method' : ''
    }.`;
  return undefined;
}

/** Tells which shape `db` has; throws {@link TerraConfigurationError} for none. @internal */
export function databaseKind(db: unknown): DatabaseKind {
  const problem = databaseProblem(db);
  if (problem !== undefined) throw new TerraConfigurationError('db', problem);
  if (isFunction((db as PGliteDatabase).transaction)) return 'pglite';
  if (isFunction((db as SqlPool).connect) && typeof (db as SqlPool).totalCount === 'number') return 'pool';
  return 'client';
}

/** Codes after which a whole transaction is run again. */
const RETRIED = new Set(['40P01', '40001']);
const ATTEMPTS = 5;

function rowsOf(result: unknown): unknown[] {
  const rows = (result as SqlQueryResult | undefined)?.rows;
  return Array.isArray(rows) ? rows : [];
}

/**
 * A queue of one: runs each task after the previous one settled, so that transactions on a single
 * connection never interleave.
 */
function serial(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** Runs `attempt` again after a deadlock or serialization failure, up to five times. @internal */
export async function withRetry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const code = errorCode(error);
      if (i >= ATTEMPTS || code === undefined || !RETRIED.has(code)) throw error;
      // A short, growing, jittered pause lets the other transaction finish first.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * i));
    }
  }
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
function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `terra_${hash(text)}`;
    if (names.size < MAX_NAMES) names.set(text, name);
  }
  return name;
}

/**
 * Runs `text` on `connection`. With node-postgres, statements with parameters run as named prepared
 * statements (`{ name, text, values }`), planned once per connection rather than on every call.
 */
async function run(connection: SqlQueryable, named: boolean, text: string, params?: unknown[]): Promise<unknown[]> {
  if (!named || params === undefined) return rowsOf(await connection.query(text, params));
  const name = nameOf(text);
  const config = { name, text, values: params };
  return rowsOf(
    await (connection.query as unknown as (config: object) => Promise<SqlQueryResult>).call(connection, config),
  );
}

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
  if (Array.isArray(value)) return value.length === 0 ? "'{}'" : `ARRAY[${value.map(literal).join(', ')}]`;
  // Bytes (a durable delivery's body) as a bytea hex literal: never through String(), which would
  // give the decimal list of the bytes.
  if (value instanceof Uint8Array) return `'\\x${bytesToHex(value)}'::bytea`;
  return `E'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Lowercase hex of `bytes`. */
function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** SQLSTATE of `EXECUTE` on a prepared statement the session no longer has. */
const NO_SUCH_STATEMENT = '26000';

/**
 * Runs `text` on PGlite as a prepared statement (`PREPARE` once per instance, then `EXECUTE`):
 * PGlite plans every unnamed statement again, and the store's upserts cost more to plan than to run.
 */
async function runLite(
  connection: SqlQueryable,
  prepared: Set<string>,
  text: string,
  params: unknown[] | undefined,
): Promise<unknown[]> {
  if (params === undefined || params.length === 0 || unpreparable.has(text))
    return rowsOf(await connection.query(text, params));
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
        return rowsOf(await connection.query(text, params));
      }
    }
    prepared.add(name);
  }
  const execute = `EXECUTE ${name}(${params.map(literal).join(', ')})`;
  try {
    return rowsOf(await connection.query(execute));
  } catch (error) {
    if (errorCode(error) !== NO_SUCH_STATEMENT) throw error;
    prepared.delete(name);
    return runLite(connection, prepared, text, params);
  }
}

/** Whether `db` is node-postgres (`pg`), whose `query` also takes `{ name, text, values }`. */
function isNodePostgres(db: unknown, kind: DatabaseKind): boolean {
  const candidate = db as { Client?: unknown; connectionParameters?: unknown };
  return kind === 'pool'
    ? typeof candidate.Client === 'function'
    : kind === 'client' &&
        typeof candidate.connectionParameters === 'object' &&
        candidate.connectionParameters !== null;
}

/** Connections (pools and clients) the store has given an `'error'` listener. */
const listened = new WeakSet<object>();

/**
 * Gives a `pg` pool or client an `'error'` listener, once. Without one, node-postgres re-emits an idle
 * connection's failure (a restart, a failover, a killed backend) as an unhandled `'error'` event,
 * which ends the process. The failure itself reaches the store as the next query's rejection.
 */
function listen(emitter: unknown): void {
  const candidate = emitter as { on?: unknown };
  if (typeof emitter !== 'object' || emitter === null || typeof candidate.on !== 'function' || listened.has(emitter))
    return;
  listened.add(emitter);
  (candidate.on as (event: string, listener: (error: unknown) => void) => void).call(emitter, 'error', () => {
    // Nothing to do here: the pool drops the broken client, and the next call reports the failure.
  });
}

/** BEGIN ... COMMIT on one connection; ROLLBACK (its own failure ignored) when `work` fails. */
async function onConnection<T>(
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

/**
 * One runner per database object, so that every store made on one single connection (a `Client`
 * or PGlite) shares its one queue and their transactions never interleave.
 */
const runners = new WeakMap<object, Runner>();

/**
 * The {@link Runner} for `db`: the same one for the same object, so the first store made on it sets
 * its `timeoutMs`. @internal
 */
export function createRunner(db: ConnectionStoreDatabase, timeoutMs?: number): Runner {
  let runner = runners.get(db);
  if (runner === undefined) {
    runner = newRunner(db, timeoutMs);
    runners.set(db, runner);
  }
  return runner;
}

/** The PGlite data directory when it is a path on this machine (not memory, IndexedDB or OPFS). */
function localDataDir(db: unknown): string | undefined {
  const dir = (db as { dataDir?: unknown }).dataDir;
  if (typeof dir !== 'string' || dir === '' || dir.startsWith('memory://')) return undefined;
  if (dir.startsWith('file://')) return dir.slice('file://'.length);
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(dir) ? undefined : dir;
}

/**
 * A new {@link Runner} for `db`. With node-postgres, each transaction starts with `timeoutMs` as its
 * `statement_timeout` and `lock_timeout` (`SET LOCAL`, in the same round trip as `BEGIN`), so the
 * server itself gives up a statement or a lock wait the store no longer waits for. @internal
 */
function newRunner(db: ConnectionStoreDatabase, timeoutMs?: number): Runner {
  const kind = databaseKind(db);
  const named = isNodePostgres(db, kind);
  const begin = named && timeoutMs !== undefined ? beginWithTimeouts(timeoutMs) : BEGIN;
  if (named) listen(db);
  if (kind === 'pool') {
    const pool = db as SqlPool;
    return {
      kind,
      dataDir: undefined,
      query: (text, params) => run(pool, named, text, params),
      transaction: (work, bounded = true) =>
        withRetry(async () => {
          const client = await pool.connect();
          // A checked-out client emits its own 'error' events, which the pool does not listen to.
          if (named) listen(client);
          let broken: Error | undefined;
          try {
            return await onConnection(client, named, bounded ? begin : BEGIN, work);
          } catch (error) {
            // A client whose connection failed must not go back to the pool.
            const code = errorCode(error);
            if (code === undefined || code.startsWith('08') || code.startsWith('57') || /^E[A-Z]+$/.test(code))
              broken = new Error('connection failed during a terra-sdk store transaction');
            throw error;
          } finally {
            client.release(broken);
          }
        }),
    };
  }
  const enqueue = serial();
  if (kind === 'pglite') {
    const lite = db as PGliteDatabase;
    // Only PGlite itself (it has `exec` and `waitReady`): a look-alike may not know PREPARE.
    const prepared =
      isFunction((lite as { exec?: unknown }).exec) && 'waitReady' in lite ? new Set<string>() : undefined;
    const on = (connection: SqlQueryable) => (text: string, params?: unknown[]) =>
      prepared === undefined
        ? connection.query(text, params).then(rowsOf)
        : runLite(connection, prepared, text, params);
    return {
      kind,
      dataDir: localDataDir(lite),
      query: (text, params) => enqueue(() => on(lite)(text, params)),
      transaction: (work) => withRetry(() => enqueue(() => lite.transaction((tx) => work(on(tx))))),
    };
  }
  const client = db as SqlQueryable;
  return {
    kind,
    dataDir: undefined,
    query: (text, params) => enqueue(() => run(client, named, text, params)),
    transaction: (work, bounded = true) =>
      withRetry(() => enqueue(() => onConnection(client, named, bounded ? begin : BEGIN, work))),
  };
}
