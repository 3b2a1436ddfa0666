/**
 * `store.reconcile(terra, { fix })`: the connections table against Terra's own list of users
 * (`/subscriptions`, paged by `terra.iterateUsers()`), to find what lost webhooks left wrong: a
 * missed `auth` (missing), a missed `deauth` (zombies), a provider or reference id that differ
 * (mismatched). With `fix`, each is repaired, idempotently: a second run finds nothing. Repairs are
 * stamped with the time of the fix, so an older event arriving late does not undo them.
 * @internal
 */
import * as z from 'zod/mini';
import { TerraInvalidArgumentError } from '../../errors.js';
import { describeKind } from '../../internal/describe.js';
import { flag, optionsOf, parseArguments, wholeNumber } from '../../internal/options.js';
import type { Runner } from '../database.js';

/** A Terra user as `/subscriptions` lists it (a `User` of the client has these fields). */
export interface ReconcileUser {
  /** The Terra user id. */
  user_id: string;
  /** The provider, as Terra names it. */
  provider?: string | null | undefined;
  /** Your id for the person. */
  reference_id?: string | null | undefined;
  /** Whether Terra still receives this connection's data. */
  active?: boolean | null | undefined;
}

/** What `reconcile` needs of a client: `Terra` has it. */
export interface ReconcileSource {
  /** Every user of the developer account, page after page (`perPage` users a page). */
  iterateUsers(options?: { perPage?: number | undefined }): AsyncIterable<ReconcileUser>;
}

/** One connection named in a {@link ReconcileReport}. */
export interface ReconcileEntry {
  /** The connection's Terra user id. */
  terraUserId: string;
  /** The provider Terra has (missing, mismatched) or the table has (zombies). */
  provider: string | null;
  /** The reference id Terra has (missing, mismatched) or the table has (zombies). */
  referenceId: string | null;
}

/** What `reconcile` found (and, with `fix`, repaired). */
export interface ReconcileReport {
  /** Active at Terra, absent from the table: a missed `auth`. */
  missing: ReconcileEntry[];
  /** Active in the table, unknown to Terra or inactive there: a missed `deauth`. */
  zombies: (ReconcileEntry & {
    /** Why it is a zombie: Terra does not know it, or knows it as inactive. */
    reason: 'unknown_to_terra' | 'inactive_at_terra';
  })[];
  /** In both, with a different provider or reference id: Terra's values, and the table's. */
  mismatched: (ReconcileEntry & {
    /** The provider the table had. */
    tableProvider: string | null;
    /** The reference id the table had. */
    tableReferenceId: string | null;
  })[];
  /** How many users Terra listed and how many rows the table has. */
  counted: {
    /** Users Terra listed. */
    terra: number;
    /** Rows in the table. */
    table: number;
  };
  /** Whether the differences were repaired (`fix: true`). */
  fixed: boolean;
}

const reconcileOptions = optionsOf<{ fix?: boolean | undefined; perPage?: number | undefined }>()(() => ({
  fix: z.optional(flag('fix')),
  perPage: z.optional(wholeNumber('perPage', 1)),
}));

const SELECT_ALL = 'SELECT terra_user_id, provider, reference_id, status FROM terra_connections';

/** $1 id, $2 provider, $3 reference id: a connection Terra has and the table lacked. */
const INSERT_MISSING = `INSERT INTO terra_connections (terra_user_id, provider, provider_at, reference_id, reference_id_at,
  status, last_event_at, updated_at)
VALUES ($1::varchar, $2::varchar, now(), $3::varchar, now(), 'active', now(), now())
ON CONFLICT (terra_user_id) DO NOTHING`;

/** $1 id, $2 reason: a connection Terra no longer has. */
const DISCONNECT_ZOMBIE = `UPDATE terra_connections SET status = 'disconnected', disconnected_at = now(),
  last_error = $2::text, last_event_at = now(), updated_at = now()
WHERE terra_user_id = $1::varchar AND status = 'active'`;

/** $1 id, $2 provider, $3 reference id: Terra's values. */
const FIX_MISMATCH = `UPDATE terra_connections SET provider = $2::varchar, provider_at = now(),
  reference_id = $3::varchar, reference_id_at = now(), updated_at = now()
WHERE terra_user_id = $1::varchar`;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const sameProvider = (a: string | null, b: string | null) => (a ?? '').toUpperCase() === (b ?? '').toUpperCase();

/** `store.reconcile()`. */
export async function reconcile(runner: Runner, terra: unknown, options: unknown): Promise<ReconcileReport> {
  if (typeof (terra as Partial<ReconcileSource> | null)?.iterateUsers !== 'function')
    throw new TerraInvalidArgumentError(
      'terra',
      `reconcile needs a Terra client (an object with iterateUsers()); got ${describeKind(terra)}.`,
    );
  const { fix: fixing, perPage } = parseArguments(reconcileOptions, options, 'reconcile options');
  const fix = fixing === true;
  const atTerra = new Map<string, ReconcileUser>();
  for await (const user of (terra as ReconcileSource).iterateUsers(perPage === undefined ? undefined : { perPage }))
    if (typeof user?.user_id === 'string') atTerra.set(user.user_id, user);
  const rows = (await runner.query(SELECT_ALL)) as Record<string, unknown>[];
  const inTable = new Map(rows.map((row) => [String(row.terra_user_id), row]));
  const report: ReconcileReport = {
    missing: [],
    zombies: [],
    mismatched: [],
    counted: { terra: atTerra.size, table: rows.length },
    fixed: fix,
  };
  for (const user of atTerra.values()) {
    const row = inTable.get(user.user_id);
    const entry = { terraUserId: user.user_id, provider: text(user.provider), referenceId: text(user.reference_id) };
    if (row === undefined) {
      if (user.active !== false) report.missing.push(entry);
      continue;
    }
    const tableProvider = text(row.provider);
    const tableReferenceId = text(row.reference_id);
    if (!sameProvider(entry.provider, tableProvider) || entry.referenceId !== tableReferenceId)
      report.mismatched.push({ ...entry, tableProvider, tableReferenceId });
  }
  for (const [terraUserId, row] of inTable) {
    if (row.status !== 'active') continue;
    const user = atTerra.get(terraUserId);
    if (user !== undefined && user.active !== false) continue;
    report.zombies.push({
      terraUserId,
      provider: text(row.provider),
      referenceId: text(row.reference_id),
      reason: user === undefined ? 'unknown_to_terra' : 'inactive_at_terra',
    });
  }
  if (fix) {
    for (const m of report.missing) await runner.query(INSERT_MISSING, [m.terraUserId, m.provider, m.referenceId]);
    for (const z of report.zombies)
      await runner.query(DISCONNECT_ZOMBIE, [
        z.terraUserId,
        z.reason === 'unknown_to_terra' ? 'reconcile: unknown to Terra' : 'reconcile: inactive at Terra',
      ]);
    for (const m of report.mismatched) await runner.query(FIX_MISMATCH, [m.terraUserId, m.provider, m.referenceId]);
  }
  return report;
}
