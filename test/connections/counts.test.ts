/**
 * `store.apply` tells a new delivery from one seen before by how many rows its statement wrote, on
 * node-postgres and PGlite, which report it; on a database that reports no count (a wrapper that
 * passes rows only) it reads a row back instead. Either way a delivery applies once.
 */
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { createConnectionStore } from '../../src/store/connections.js';

const user = { user_id: 'counted-user', provider: 'OURA', reference_id: 'person-1' };
const activity = { type: 'activity', user, data: [] } as never;
const auth = { type: 'auth', status: 'success', user: { ...user, scopes: 'sleep' } } as never;

describe('new or seen before, by count or by row', () => {
  it('applies each delivery once on PGlite and on a wrapper that passes rows only', async () => {
    const lite = await PGlite.create();
    try {
      const wrapper = {
        query: async (text: string, params?: unknown[]) => ({ rows: (await lite.query(text, params)).rows }),
      };
      for (const [name, db] of [
        ['PGlite', lite],
        ['wrapper', wrapper],
      ] as const) {
        await lite.exec('DROP SCHEMA IF EXISTS counted CASCADE; CREATE SCHEMA counted; SET search_path TO counted');
        const store = createConnectionStore({ db: db as never });
        await store.migrate();
        for (const [event, traceId] of [
          [auth, `${name}-a`],
          [activity, `${name}-b`],
        ] as const) {
          const first = await store.apply(event, { traceId, orderingTimestamp: 1000 });
          await store.markHandled(traceId);
          const again = await store.apply(event, { traceId, orderingTimestamp: 1000 });
          expect([name, first.status, again.status]).toEqual([name, 'applied', 'handled_before']);
        }
        expect((await store.getConnection(user.user_id))?.scopes).toEqual(['sleep']);
      }
    } finally {
      await lite.close();
    }
  });
});
