import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { createConnectionStore } from '/work/wt-hstore/src/store/connections.ts';
const EVENTS = 2000, CONNECTIONS = 200;
function workload(round: number) {
  const start = Date.UTC(2026, 6, 1);
  return Array.from({ length: EVENTS }, (_, i) => {
    const n = i % CONNECTIONS;
    const user = { user_id: `bench-${round}-${n}`, provider: ['GARMIN','FITBIT','OURA'][n%3], reference_id: `person-${Math.floor(n/2)}`, scopes: 'activity,sleep,daily' };
    const type = i < CONNECTIONS ? 'auth' : i % 50 === 0 ? 'deauth' : i % 10 === 0 ? 'permission_change' : 'activity';
    const event = type === 'auth' ? { type, status: 'success', user } : type === 'permission_change' ? { type, status: 'warning', user, scopes_added: 'body', scopes_removed: 'sleep' } : { type, user, data: [] };
    return { event, delivery: { traceId: `bench-${round}-${i}`, orderingTimestamp: start + i * 1000 } };
  });
}
async function run(name: string, db: any) {
  let count = 0; const counts: Record<string, number> = {};
  const wrap = (o: any) => { const q = o.query.bind(o); o.query = (...a: any[]) => { count++; return q(...a); }; };
  const store = createConnectionStore({ db, autoPrune: false });
  await store.migrate();
  if (name === 'pglite') { const q = db.query.bind(db); db.query = (...a: any[]) => { count++; return q(...a); }; const t = db.transaction.bind(db); db.transaction = (cb: any) => t((tx: any) => { const tq = tx.query.bind(tx); return cb({ query: (...a: any[]) => { count++; return tq(...a); } }); }); }
  else { const c = db.connect.bind(db); db.connect = (...a: any[]) => { if (a.length) return c(...a); return c().then((cl: any) => { if (!cl.__w) { wrap(cl); cl.__w = 1; } return cl; }); }; const q = db.query.bind(db); db.query = (...a: any[]) => { count++; return q(...a); }; }
  for (let r = 0; r < 3; r++) {
    const times: Record<string, number> = {};
    for (const { event, delivery } of workload(r)) {
      const c0 = count; const t = performance.now();
      await store.apply(event as never, delivery);
      const k = (event as any).type; times[k] = (times[k] ?? 0) + performance.now() - t; counts[k] = count - c0;
    }
    const total = Object.values(times).reduce((a, b) => a + b, 0);
    console.log(name, 'round', r, 'total', total.toFixed(0), JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, +v.toFixed(0)]))), 'queries/apply', JSON.stringify(counts));
  }
}
if (!process.env.NOLITE) { const lite = await PGlite.create(); await run("pglite", lite); await lite.close(); }
const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:55491/postgres', max: 1 });
await pool.query('DROP TABLE IF EXISTS terra_scope_changes, terra_deliveries, terra_large_requests, terra_connections, terra_migrations CASCADE');
await run('pg', pool); await pool.end();
