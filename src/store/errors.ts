import { TerraError } from '../errors.js';

/** The store operation that failed, as named on the store (`apply`, `migrate`, ...). */
export type ConnectionStoreOperation =
  | 'migrate'
  | 'apply'
  | 'markHandled'
  | 'markFailed'
  | 'getConnection'
  | 'connectionsFor'
  | 'activeConnections'
  | 'needingReconnect'
  | 'largeRequest'
  | 'expectRequest'
  | 'prune'
  // The data store (terra-sdk/store).
  | 'applyResponse'
  | 'records'
  | 'days'
  | 'erase'
  | 'eraseDisconnected'
  // Durable deliveries.
  | 'deliveries'
  | 'delivery'
  | 'replay'
  | 'recover'
  | 'deliveryHealth'
  | 'reconcile'
  // Stream cursors.
  | 'streamCursor';

/** Names of the SQLSTATE codes and classes the store explains, from PostgreSQL's appendix A. */
const CODES: Record<string, string> = {
  '42P01': 'undefined_table',
  '42703': 'undefined_column',
  '42P07': 'duplicate_table',
  '40P01': 'deadlock_detected',
  '40001': 'serialization_failure',
  '23505': 'unique_violation',
  '23502': 'not_null_violation',
  '22001': 'string_data_right_truncation',
  '25P02': 'in_failed_sql_transaction',
  '57P01': 'admin_shutdown',
  '57014': 'query_canceled',
  '55P03': 'lock_not_available',
  '53300': 'too_many_connections',
  '28P01': 'invalid_password',
  '28000': 'invalid_authorization_specification',
  '3D000': 'invalid_catalog_name',
  '42501': 'insufficient_privilege',
};

const CLASSES: Record<string, string> = {
  '08': 'connection_exception',
  '22': 'data_exception',
  '23': 'integrity_constraint_violation',
  '25': 'invalid_transaction_state',
  '28': 'invalid_authorization_specification',
  '40': 'transaction_rollback',
  '42': 'syntax_error_or_access_rule_violation',
  '53': 'insufficient_resources',
  '57': 'operator_intervention',
  '58': 'system_error',
  XX: 'internal_error',
};

/**
 * Whether a failure with this code may pass by itself (a lost or refused connection, a timeout, a
 * lock wait, a conflict, no free connections, a driver error with no code): the operation can be tried again later.
 */
function isTransient(code: string | undefined): boolean {
  // node-postgres reports a dropped connection ("Connection terminated unexpectedly") without a code.
  if (code === undefined) return true;
  return (
    code.startsWith('08') ||
    code.startsWith('57') ||
    code.startsWith('40') ||
    code === '53300' ||
    code === '55P03' ||
    /^E[A-Z]+$/.test(code)
  );
}

/** What to do about a failure, by SQLSTATE (or Node's network error code). */
function hintFor(code: string | undefined): string {
  if (code === undefined)
    return 'Check that the database is reachable and that the `db` given to createConnectionStore is usable.';
  if (code === '42P01' || code === '42703')
    return 'The store tables are missing or out of date: run `await store.migrate()` once at start-up.';
  if (code === '42501') return 'The database user lacks a privilege on the terra_ tables.';
  if (code === '55P03' || code === '57014')
    return "A lock wait or a statement took longer than the store's timeoutMs; the operation can be retried.";
  if (code.startsWith('08') || code.startsWith('57') || /^E[A-Z]+$/.test(code))
    return 'The connection to the database failed or was closed; the operation can be retried.';
  if (code === '53300') return 'The database has no free connections: lower the pool size or raise max_connections.';
  if (code.startsWith('28') || code === '3D000') return 'Check the database URL, user and password.';
  if (code.startsWith('40'))
    return 'A concurrent transaction conflicted and retries ran out; the operation can be retried.';
  if (code.startsWith('22') || code.startsWith('23'))
    return 'A value did not fit the table: check that the tables were created by store.migrate().';
  return 'See the SQLSTATE in the PostgreSQL documentation (appendix A).';
}

/**
 * The database refused or failed an operation of the connection store. The message names the
 * operation, the SQLSTATE (`code`) and what to do; it never repeats the database's own message or
 * any parameter value (those can hold health data or ids), and the driver's error is not attached.
 */
export class TerraStoreError extends TerraError {
  /** Always `'TerraStoreError'`, the class name, as in stack traces. */
  override name = 'TerraStoreError';
  /** The store method that failed (`apply`, `migrate`, ...). */
  readonly operation: ConnectionStoreOperation;
  /**
   * The PostgreSQL SQLSTATE (`42P01`, `40P01`, ...) or Node's network error code (`ECONNREFUSED`),
   * when the driver gave one.
   */
  readonly code: string | undefined;
  /** The table the database named, when it named one (never a value). */
  readonly table: string | undefined;
  /** The constraint the database named, when it named one. */
  readonly constraint: string | undefined;
  /**
   * Whether the failure may pass by itself (the database unreachable, restarting or locked, a
   * timeout, a conflict): the webhook handler answers such a failure 503 with `Retry-After`.
   */
  readonly retryable: boolean;

  constructor(
    operation: ConnectionStoreOperation,
    details: {
      code?: string | undefined;
      table?: string | undefined;
      constraint?: string | undefined;
      /** Set when the store gave up waiting after this many milliseconds (its `timeoutMs`). */
      timeoutMs?: number | undefined;
    } = {},
  ) {
    const { table, constraint, timeoutMs } = details;
    const code = timeoutMs === undefined ? details.code : 'ETIMEDOUT';
    const name = code ? (CODES[code] ?? CLASSES[code.slice(0, 2)]) : undefined;
    const what =
      timeoutMs !== undefined
        ? `the database did not answer within ${timeoutMs} ms (the store's timeoutMs)`
        : code
          ? `the database answered ${code}${name ? ` (${name})` : ''}`
          : 'the database call failed';
    const where = [table ? `table ${table}` : '', constraint ? `constraint ${constraint}` : '']
      .filter(Boolean)
      .join(', ');
    super(`store.${operation}() failed: ${what}${where ? ` on ${where}` : ''}. ${hintFor(code)}`);
    this.operation = operation;
    this.code = code;
    this.table = table;
    this.constraint = constraint;
    this.retryable = isTransient(code);
  }
}

const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/** The SQLSTATE (or network code) of a driver error, if it has one. @internal */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z0-9]{2,32}$/.test(code) ? code : undefined;
}

/**
 * Turns whatever a driver threw into a {@link TerraStoreError}, keeping only the code and the names
 * of the table and constraint (identifiers, never values). @internal
 */
export function toStoreError(operation: ConnectionStoreOperation, error: unknown): TerraError {
  if (error instanceof TerraError) return error;
  const source = (typeof error === 'object' && error !== null ? error : {}) as {
    table?: unknown;
    constraint?: unknown;
  };
  const table = typeof source.table === 'string' && SAFE_NAME.test(source.table) ? source.table : undefined;
  const constraint =
    typeof source.constraint === 'string' && SAFE_NAME.test(source.constraint) ? source.constraint : undefined;
  return new TerraStoreError(operation, { code: errorCode(error), table, constraint });
}
