/**
 * A connection's `scopes`, kept in SQL from its scope facts (`src/store/scopes.ts`), are what
 * applying the same events in time order with the public `applyScopeChanges` gives: an auth's full
 * list replaces, a permission change removes then appends, each scope once in first-seen order.
 * Whatever order the events arrive in, on both engines; and on PostgreSQL, when a late fact's replay
 * waits for a concurrent delivery's row lock, it sees the fact that delivery committed.
 */
import fc from 'fast-check';
import type pg from 'pg';
import { expect, it } from 'vitest';
import { applyScopeChanges, parseScopes } from '../../src/models/scopes.js';
import { createConnectionStore } from '../../src/store/connections.js';
import { until } from '../support/wait.js';
import {
  describeEngines,
  describePostgres,
  type EngineName,
  openDatabase,
  openForEachTest,
  type TestDatabase,
} from './support/engines.js';

/** A few scope names, some with the spacing and repeats Terra's comma-separated strings have. */
const scopeList = fc.array(fc.constantFrom('activity', 'sleep', ' daily', 'body ', 'nutrition', 'sleep'), {
  maxLength: 4,
});

interface ScopeEvent {
  kind: 'auth' | 'permission_change';
  at: number;
  full: string[];
  added: string[];
  removed: string[];
}

const scopeEvent: fc.Arbitrary<ScopeEvent> = fc.record({
  kind: fc.constantFrom('auth' as const, 'permission_change' as const),
  at: fc.integer({ min: 1, max: 50 }),
  full: scopeList,
  added: scopeList,
  removed: scopeList,
});

/**
 * What the scopes are after `events` in time order (a full list first on a tie), by the public
 * helpers. They start unknown (null); a permission change that names no scope changes nothing, so it
 * leaves them unknown; one that names some starts from none.
 */
function expected(events: readonly ScopeEvent[]): string[] | null {
  const ordered = events
    .map((event, index) => ({ event, index }))
    .sort((x, y) => x.event.at - y.event.at || rank(x.event) - rank(y.event));
  let scopes: string[] | null = null;
  for (const { event } of ordered) {
    if (event.kind === 'auth') scopes = parseScopes(event.full);
    else if (event.added.length + event.removed.length > 0)
      scopes = applyScopeChanges(scopes ?? [], {
        scopes_added: event.added.join(','),
        scopes_removed: event.removed.join(','),
      });
  }
  return scopes;
}

const rank = (event: ScopeEvent) => (event.kind === 'auth' ? 0 : 1);

const user = { user_id: 'scopes-user', provider: 'GARMIN', reference_id: 'person-1' };

function webhookOf(event: ScopeEvent): object {
  return event.kind === 'auth'
    ? { type: 'auth', status: 'success', user: { ...user, scopes: event.full.join(',') } }
    : {
        type: 'permission_change',
        status: 'warning',
        user,
        scopes_added: event.added.join(','),
        scopes_removed: event.removed.join(','),
      };
}

/**
 * Two events of one kind at one instant are applied in arrival order (the order guard has nothing
 * else to go by), so the property keeps their times apart; a full list and a delta may share one.
 */
function distinctTimes(events: ScopeEvent[]): ScopeEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    const key = `${event.kind}@${event.at}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

describeEngines('scopes replayed from their facts', (engine: EngineName) => {
  let db: TestDatabase;
  openForEachTest(engine, (opened) => {
    db = opened;
  });

  it('equal applyScopeChanges over the events in time order, whatever order they arrive in', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(scopeEvent, { minLength: 1, maxLength: 12 }).map(distinctTimes),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (events, keys) => {
          run++;
          await db.sql('TRUNCATE terra_connections, terra_deliveries, terra_scope_changes RESTART IDENTITY');
          const arrival = events
            .map((event, index) => ({ event, index, key: keys[index] ?? index }))
            .sort((x, y) => x.key - y.key || x.index - y.index);
          for (const { event, index } of arrival)
            await db.store.apply(webhookOf(event) as never, {
              traceId: `run-${run}-${index}`,
              orderingTimestamp: event.at * 1000,
            });
          expect((await db.store.getConnection(user.user_id))?.scopes).toEqual(expected(events));
        },
      ),
      {
        numRuns: engine === 'pglite' ? 60 : 40,
        // Found by CI: a permission change naming no scope, on a connection not seen before.
        examples: [[[{ kind: 'permission_change', at: 1, full: [], added: [], removed: [] }], []]],
      },
    );
  }, 120_000);

  it('keeps one scope fact per connection once a full list supersedes the older ones', async () => {
    for (let i = 1; i <= 5; i++)
      await db.store.apply(
        {
          type: 'permission_change',
          status: 'warning',
          user,
          scopes_added: `scope-${i}`,
          scopes_removed: '',
        } as never,
        { traceId: `delta-${i}`, orderingTimestamp: i * 1000 },
      );
    await db.store.apply({ type: 'auth', status: 'success', user: { ...user, scopes: 'sleep' } } as never, {
      traceId: 'full',
      orderingTimestamp: 10_000,
    });
    // The next fact's replay deletes the facts the full list made irrelevant.
    await db.store.apply(
      { type: 'permission_change', status: 'warning', user, scopes_added: 'daily', scopes_removed: '' } as never,
      { traceId: 'after', orderingTimestamp: 11_000 },
    );
    expect((await db.store.getConnection(user.user_id))?.scopes).toEqual(['sleep', 'daily']);
    const [facts] = await db.sql<{ n: number }>('SELECT count(*)::int AS n FROM terra_scope_changes');
    expect(facts?.n).toBe(2);
  });
});

describePostgres('a late scope fact racing a newer one [PostgreSQL]', () => {
  it('replays with the fact the delivery holding the row lock committed meanwhile', async () => {
    const db = await openDatabase('postgres');
    const pool = db.pool(2);
    const holder = await pool.connect();
    try {
      const store = createConnectionStore({ db: pool });
      const change = (added: string) =>
        ({ type: 'permission_change', status: 'warning', user, scopes_added: added, scopes_removed: '' }) as never;
      await store.apply({ type: 'auth', status: 'success', user: { ...user, scopes: 'a' } } as never, {
        traceId: 'full',
        orderingTimestamp: 1000,
      });
      // A delivery of the newest fact, its transaction left open: it holds the row's lock.
      const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const holderPid = rows[0]?.pid;
      await holder.query('BEGIN');
      await createConnectionStore({ db: holder as unknown as pg.Client }).apply(change('b'), {
        traceId: 'newest',
        orderingTimestamp: 3000,
      });
      // An older fact arrives meanwhile: its statement starts, then waits for the lock.
      const late = store.apply(change('c'), { traceId: 'late', orderingTimestamp: 2000 });
      await until(
        async () =>
          (
            await db.sql<{ n: number }>(
              'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1::int = ANY (pg_blocking_pids(pid))',
              [holderPid],
            )
          )[0]?.n === 1,
        10_000,
        'the late delivery waiting for the row lock',
      );
      await holder.query('COMMIT');
      expect((await late).status).toBe('applied');
      // In time order: a, then +c (2000), then +b (3000). A replay from the statement's own snapshot
      // would miss b.
      expect((await store.getConnection(user.user_id))?.scopes).toEqual(['a', 'c', 'b']);
    } finally {
      holder.release();
      await db.close();
    }
  }, 60_000);
});
