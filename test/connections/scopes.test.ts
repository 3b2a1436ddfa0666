/**
 * A connection's `scopes`, replayed in SQL from its scope facts (`FOLD_SCOPES`), are what applying
 * the same events in time order with the public `applyScopeChanges` gives: an auth's full list
 * replaces, a permission change removes then appends, each scope once in first-seen order. Whatever
 * order the events arrive in; and on both engines, where node-postgres sends the fact and the replay
 * as one round trip.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { applyScopeChanges, parseScopes } from '../../src/models/scopes.js';
import { describeEngines, type EngineName, openForEachTest, type TestDatabase } from './support/engines.js';

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
