/**
 * A connection's `scopes`, kept from its scope facts: a full list (an `auth`) or a delta (a
 * `permission_change`), each at its event's ordering time, one row each in `terra_scope_changes`.
 * The list is what replaying the facts in time order gives (the newest full list, then each later
 * delta; a full list first on a tie), so any arrival order gives the same list.
 *
 * The connection upsert computes the list itself, in the statement that writes the delivery, under
 * the connection's row lock. `scopes_at` on the row is the time of the newest fact folded in: a fact
 * newer than it (the usual case) is one step from the stored list; an older one replays every fact.
 * The replay runs in a VOLATILE function, whose queries take their own snapshot once the row is
 * locked, so it sees every fact a concurrent delivery committed; one that has not committed yet
 * waits for the lock and folds this one in turn.
 * @internal
 */
import type { ConnectionWrite } from './effects.js';
import type { Migration } from './migration.js';
import { iso, type Params } from './params.js';

/** Migration 8: the row's `scopes_at` and the two functions. */
export const SCOPES_MIGRATION: Migration = {
  version: 8,
  description: 'terra_connections.scopes_at; terra_scope_step and terra_scopes_after in PL/pgSQL',
  statements: [
    'ALTER TABLE terra_connections ADD COLUMN IF NOT EXISTS scopes_at TIMESTAMPTZ',
    // Rows folded before this migration folded every fact they had.
    `UPDATE terra_connections AS c SET scopes_at = f.at
     FROM (SELECT terra_user_id, max(changed_at) AS at FROM terra_scope_changes GROUP BY terra_user_id) AS f
     WHERE f.terra_user_id = c.terra_user_id`,
    // One fact applied to a list: a full list replaces it; a delta drops its removed scopes and
    // appends its added ones not already there (each scope once, in first-seen order, empty names
    // skipped), as `applyScopeChanges` does.
    `CREATE OR REPLACE FUNCTION terra_scope_step(current TEXT[], full_list TEXT[], added TEXT[], removed TEXT[])
     RETURNS TEXT[] LANGUAGE plpgsql IMMUTABLE AS $fn$
     DECLARE
       result TEXT[] := '{}';
       scope TEXT;
     BEGIN
       IF full_list IS NOT NULL THEN
         RETURN full_list;
       END IF;
       FOREACH scope IN ARRAY COALESCE(current, '{}') LOOP
         IF scope <> '' AND NOT scope = ANY (COALESCE(removed, '{}')) AND NOT scope = ANY (result) THEN
           result := result || scope;
         END IF;
       END LOOP;
       FOREACH scope IN ARRAY COALESCE(added, '{}') LOOP
         IF scope <> '' AND NOT scope = ANY (result) THEN
           result := result || scope;
         END IF;
       END LOOP;
       RETURN result;
     END
     $fn$`,
    // The list after one more fact, given the stored list and the time of its newest fact.
    `CREATE OR REPLACE FUNCTION terra_scopes_after(
       user_id VARCHAR, at TIMESTAMPTZ, full_list TEXT[], added TEXT[], removed TEXT[],
       stored TEXT[], stored_at TIMESTAMPTZ, OUT scopes TEXT[], OUT scopes_at TIMESTAMPTZ)
     LANGUAGE plpgsql VOLATILE AS $fn$
     DECLARE
       fact RECORD;
     BEGIN
       IF stored_at IS NOT NULL AND at > stored_at THEN
         scopes := terra_scope_step(stored, full_list, added, removed);
         scopes_at := at;
         RETURN;
       END IF;
       scopes := '{}';
       scopes_at := at;
       FOR fact IN
         SELECT * FROM (
           SELECT f.changed_at, f.scopes AS full_list, f.scopes_added AS added, f.scopes_removed AS removed, f.id
           FROM terra_scope_changes AS f
           WHERE f.terra_user_id = terra_scopes_after.user_id AND f.changed_at >= COALESCE(
             (SELECT max(n.changed_at) FROM terra_scope_changes AS n
              WHERE n.terra_user_id = terra_scopes_after.user_id AND n.scopes IS NOT NULL),
             '-infinity'::timestamptz)
           UNION ALL
           SELECT terra_scopes_after.at, terra_scopes_after.full_list, terra_scopes_after.added,
             terra_scopes_after.removed, NULL::bigint
         ) AS facts
         ORDER BY facts.changed_at, (facts.full_list IS NULL), facts.id NULLS LAST
       LOOP
         scopes := terra_scope_step(scopes, fact.full_list, fact.added, fact.removed);
         scopes_at := GREATEST(scopes_at, fact.changed_at);
       END LOOP;
     END
     $fn$`,
  ],
};

/** The placeholders of a write's scope fact, added to a statement's parameters once for all its parts. */
export interface ScopeFact {
  user: string;
  at: string;
  full: string;
  added: string;
  removed: string;
}

/** Adds the scope fact of `write` (which has one) to `params`. */
export function scopeFact(params: Params, write: ConnectionWrite): ScopeFact {
  const scopes = write.scopes as NonNullable<ConnectionWrite['scopes']>;
  const full = 'full' in scopes;
  return {
    user: params.add(write.terraUserId, 'varchar'),
    at: params.add(iso(write.at), 'timestamptz'),
    full: params.add(full ? scopes.full : null, 'text[]'),
    added: params.add(full ? null : scopes.added, 'text[]'),
    removed: params.add(full ? null : scopes.removed, 'text[]'),
  };
}

const after = (fact: ScopeFact, stored: string, storedAt: string) =>
  `terra_scopes_after(${fact.user}, ${fact.at}, ${fact.full}, ${fact.added}, ${fact.removed}, ${stored}, ${storedAt})`;

/** The columns a connection upsert with a scope fact adds to its insert. */
export const SCOPE_COLUMNS = 'scopes, scopes_at';

/**
 * The list a new connection starts with: its facts so far (an app may have removed its row) and
 * this one. Only worked out when the row is missing: when it exists, the insert becomes the update
 * below, and the replay would be wasted (PostgreSQL builds the row to insert before it looks).
 */
export const insertedScopes = (fact: ScopeFact, gate?: string): string =>
  `FROM ${gate ?? '(SELECT 1) AS one'} LEFT JOIN LATERAL (SELECT * FROM ${after(fact, 'NULL', 'NULL')}
  WHERE NOT EXISTS (SELECT 1 FROM terra_connections WHERE terra_user_id = ${fact.user})) AS r ON true`;

/** What the insert's `SELECT` list adds, from {@link insertedScopes}. */
export const INSERTED_SCOPE_VALUES = 'r.scopes, r.scopes_at';

/** The `SET` item of an upsert with a scope fact: the list after this fact, under the row lock. */
export const updatedScopes = (fact: ScopeFact): string =>
  `(scopes, scopes_at) = (SELECT u.scopes, u.scopes_at FROM ${after(fact, 'c.scopes', 'c.scopes_at')} AS u)`;

/**
 * The fact's row, unless a newer full list already makes it irrelevant. With `gate`, only when the
 * delivery is new (the one-row part `gate` has its row, see `GATE` in `sql.ts`).
 */
export function insertScopeFact(fact: ScopeFact, gate?: string): string {
  return `INSERT INTO terra_scope_changes (terra_user_id, changed_at, scopes, scopes_added, scopes_removed)
SELECT ${fact.user}, ${fact.at}, ${fact.full}, ${fact.added}, ${fact.removed}${gate === undefined ? '' : ` FROM ${gate}`}
WHERE NOT EXISTS (SELECT 1 FROM terra_scope_changes
  WHERE terra_user_id = ${fact.user} AND scopes IS NOT NULL AND changed_at > ${fact.at})`;
}

/**
 * The facts older than the newest full list (this fact's, when it is one), which no replay reads
 * again, so that the table stays small. With `gate`, only when the delivery is new.
 */
export function pruneScopeFacts(fact: ScopeFact, gate?: string): string {
  return `DELETE FROM terra_scope_changes${gate === undefined ? '' : ` USING ${gate}`} WHERE terra_user_id = ${fact.user}
  AND changed_at < GREATEST(
    (SELECT max(changed_at) FROM terra_scope_changes WHERE terra_user_id = ${fact.user} AND scopes IS NOT NULL),
    CASE WHEN ${fact.full} IS NOT NULL THEN ${fact.at} END)`;
}
