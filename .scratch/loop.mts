import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { applyInOneStatement } from '/work/wt-hstore/src/store/sql.ts';
import { planEvent } from '/work/wt-hstore/src/store/effects.ts';
import { createConnectionStore } from '/work/wt-hstore/src/store/connections.ts';
const N = 1000;
async function go(name: string, db: any, named: boolean) {
  const store = createConnectionStore({ db, autoPrune: false });
  await store.migrate();
  await db.query(`CREATE TABLE IF NOT EXISTS bench_floor (id SERIAL PRIMARY KEY, user_id INTEGER, terra_user_id VARCHAR(255) UNIQUE NOT NULL, provider VARCHAR(50), reference_id VARCHAR(255), connected_at TIMESTAMPTZ DEFAULT now(), last_sync TIMESTAMPTZ, status VARCHAR(20) DEFAULT 'active', scopes TEXT[])`);
  const FLOOR = `INSERT INTO bench_floor (terra_user_id, provider, reference_id, last_sync, status) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (terra_user_id) DO UPDATE SET provider = EXCLUDED.provider, reference_id = EXCLUDED.reference_id, last_sync = EXCLUDED.last_sync, status = EXCLUDED.status`;
  const tag = Date.now().toString(36);
  for (let rep = 0; rep < 2; rep++) {
  let t = performance.now();
  for (let i = 0; i < N; i++) await store.apply({ type: 'activity', user: { user_id: `u${i % 200}`, provider: 'OURA', reference_id: 'p' }, data: [] } as any, { traceId: `${tag}-${rep}-${i}`, orderingTimestamp: Date.now() });
  const a = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < N; i++) { const d = { traceId: `${tag}-b${rep}-${i}`, reference: null, orderingTimestamp: Date.now() }; const plan = planEvent({ type: 'activity', user: { user_id: `u${i % 200}`, provider: 'OURA', reference_id: 'p' }, data: [] }, d, Date.now()); const { text, values } = applyInOneStatement(plan, d); await (named ? db.query({ name: 'x', text, values }) : db.query(text, values)); }
  const b = performance.now() - t;
  t = performance.now();
  for (let i = 0; i < N; i++) await (named ? db.query({ name: 'f', text: FLOOR, values: [`u${i % 200}`, 'OURA', 'p', new Date().toISOString(), 'active'] }) : db.query(FLOOR, [`u${i % 200}`, 'OURA', 'p', new Date().toISOString(), 'active']));
  const c = performance.now() - t;
  console.log(name, 'apply', (a / N).toFixed(3), 'raw stmt', (b / N).toFixed(3), 'floor', (c / N).toFixed(3));
  }
}
if (!process.env.NOLITE) { const lite = await PGlite.create(); await go('pglite', lite, false); await lite.close(); }
const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:55491/postgres', max: 1 });
await go('pg', pool, true); await pool.end();
