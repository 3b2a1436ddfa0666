/**
 * The databases the store accepts, told apart by their shape (no driver is imported), and one way to
 * run statements and transactions on each.
 */
import { TerraConfigurationError } from '../errors.js';
import { describeKind } from '../internal/describe.js';
import { errorCode } from './errors.js';
import { BEGIN, beginWithTimeouts } from './sql.js';
import {
  type BatchTarget,
  batchPrepared,
  countOf,
  nameOf,
  onConnection,
  pgBatchTarget,
  type Read,
  rowsOf,
  run,
  runEach,
  runLite,
  type Statement,
} from './statements.js';

export type { Query, Statement } from './statements.js';

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
  /** One statement outside any transaction: how many rows it wrote (no rows are sent back). */
  write(text: string, params?: unknown[]): Promise<number>;
  /** Whether `write`'s count can be trusted: node-postgres and PGlite report it; a look-alike may not. */
  readonly counts: boolean;
  /**
   * `work` in one transaction (READ COMMITTED), retried on deadlock or serialization failure; with
   * `bounded` false, without the store's statement and lock timeouts (migrations).
   */
  transaction<T>(
    work: (q: (text: string, params?: unknown[]) => Promise<unknown[]>) => Promise<T>,
    bounded?: boolean,
  ): Promise<T>;
  /**
   * `statements` in one transaction, in order, with nothing read in between: the rows of each. On
   * node-postgres, one round trip (see {@link batchOnConnection}); elsewhere, a transaction.
   */
  batch(statements: readonly Statement[]): Promise<unknown[][]>;
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

/**
 * What every store on one database object shares: the queue that keeps transactions on a single
 * connection (a `Client` or PGlite) from interleaving, and the statements PGlite has prepared.
 */
interface Shared {
  enqueue: <T>(task: () => Promise<T>) => Promise<T>;
  prepared: Set<string>;
}

const shared = new WeakMap<object, Shared>();

function sharedBy(db: object): Shared {
  let state = shared.get(db);
  if (state === undefined) {
    state = { enqueue: serial(), prepared: new Set() };
    shared.set(db, state);
  }
  return state;
}

/** The PGlite data directory when it is a path on this machine (not memory, IndexedDB or OPFS). */
function localDataDir(db: unknown): string | undefined {
  const dir = (db as { dataDir?: unknown }).dataDir;
  if (typeof dir !== 'string' || dir === '' || dir.startsWith('memory://')) return undefined;
  if (dir.startsWith('file://')) return dir.slice('file://'.length);
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(dir) ? undefined : dir;
}

/**
 * A {@link Runner} for `db`; runners on one database object share its queue (see {@link Shared}).
 * With node-postgres, each transaction starts with `timeoutMs` as its `statement_timeout` and
 * `lock_timeout` (`SET LOCAL`, in the same round trip as `BEGIN`), so the server itself gives up a
 * statement or a lock wait the store no longer waits for. @internal
 */
export function createRunner(db: ConnectionStoreDatabase, timeoutMs?: number): Runner {
  const kind = databaseKind(db);
  const named = isNodePostgres(db, kind);
  const begin = named && timeoutMs !== undefined ? beginWithTimeouts(timeoutMs) : BEGIN;
  if (named) listen(db);
  if (kind === 'pool') {
    const pool = db as SqlPool;
    /** `work` on a client checked out for it, given back (or discarded when its connection failed). */
    const checkedOut = <T>(work: (client: SqlPoolClient) => Promise<T>): Promise<T> =>
      withRetry(async () => {
        const client = await pool.connect();
        // A checked-out client emits its own 'error' events, which the pool does not listen to.
        if (named) listen(client);
        let broken: Error | undefined;
        try {
          return await work(client);
        } catch (error) {
          // A client whose connection failed must not go back to the pool.
          const code = errorCode(error);
          if (code === undefined || code.startsWith('08') || code.startsWith('57') || /^E[A-Z]+$/.test(code))
            broken = new Error('connection failed during a terra-sdk store transaction');
          throw error;
        } finally {
          client.release(broken);
        }
      });
    const transaction: Runner['transaction'] = (work, bounded = true) =>
      checkedOut((client) => onConnection(client, named, bounded ? begin : BEGIN, work));
    return {
      kind,
      dataDir: undefined,
      query: (text, params) => run(pool, named, text, params),
      counts: named,
      write: (text, params) => run(pool, named, text, params, countOf),
      transaction,
      batch: named
        ? (statements) =>
            checkedOut((client) => batchPrepared(pgBatchTarget(client, begin, statements), begin, statements))
        : (statements) => transaction((q) => runEach(q, statements)),
    };
  }
  const { enqueue, prepared: preparedOnLite } = sharedBy(db);
  if (kind === 'pglite') {
    const lite = db as PGliteDatabase;
    // Only PGlite itself (it has `exec` and `waitReady`): a look-alike may not know PREPARE.
    const prepared = isFunction((lite as { exec?: unknown }).exec) && 'waitReady' in lite ? preparedOnLite : undefined;
    const on =
      <T = unknown[]>(connection: SqlQueryable, read: Read<T> = rowsOf as Read<T>) =>
      (text: string, params?: unknown[]): Promise<T> =>
        prepared === undefined
          ? connection.query(text, params).then(read)
          : runLite(connection, prepared, text, params, read);
    const transaction: Runner['transaction'] = (work) =>
      withRetry(() => enqueue(() => lite.transaction((tx) => work(on(tx)))));
    const exec = (lite as { exec?: (sql: string) => Promise<unknown> }).exec;
    // PGlite runs one statement per call; its `exec` runs a whole script in one.
    const target = (statements: readonly Statement[]): BatchTarget => ({
      query: (text, params) => lite.query(text, params),
      script: (sql) => (exec as (sql: string) => Promise<unknown>).call(lite, sql),
      prepared: preparedOnLite,
      nameOf,
      oneByOne: () => lite.transaction((tx) => runEach(on(tx), statements)),
    });
    return {
      kind,
      dataDir: localDataDir(lite),
      query: (text, params) => enqueue(() => on(lite)(text, params)),
      counts: prepared !== undefined,
      write: (text, params) => enqueue(() => on(lite, countOf)(text, params)),
      transaction,
      batch: (statements) =>
        prepared === undefined
          ? transaction((q) => runEach(q, statements))
          : withRetry(() => enqueue(() => batchPrepared(target(statements), BEGIN, statements))),
    };
  }
  const client = db as SqlQueryable;
  const transaction: Runner['transaction'] = (work, bounded = true) =>
    withRetry(() => enqueue(() => onConnection(client, named, bounded ? begin : BEGIN, work)));
  return {
    kind,
    dataDir: undefined,
    query: (text, params) => enqueue(() => run(client, named, text, params)),
    counts: named,
    write: (text, params) => enqueue(() => run(client, named, text, params, countOf)),
    transaction,
    batch: named
      ? (statements) =>
          withRetry(() => enqueue(() => batchPrepared(pgBatchTarget(client, begin, statements), begin, statements)))
      : (statements) => transaction((q) => runEach(q, statements)),
  };
}
