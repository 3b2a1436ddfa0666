import { PGlite } from '@electric-sql/pglite';
import { applyInOneStatement } from '/work/wt-hstore/src/store/sql.ts';
import { planEvent } from '/work/wt-hstore/src/store/effects.ts';
import { createConnectionStore } from '/work/wt-hstore/src/store/connections.ts';
const db = await PGlite.create();
const store = createConnectionStore({ db, autoPrune: false }); await store.migrate();
const lit = (v: unknown) => v === null ? 'NULL' : typeof v === 'number' ? String(v) : `E'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
const N = 1000;
for (const mode of ['raw', 'exec', 'raw', 'exec']) {
  let prepared = false;
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    const d = { traceId: `${mode}-${Math.random()}`, reference: null, orderingTimestamp: Date.now() };
    const plan = planEvent({ type: 'activity', user: { user_id: `u${i % 200}`, provider: 'OURA', reference_id: 'p' }, data: [] }, d, Date.now());
    const { text, values } = applyInOneStatement(plan, d);
    if (mode === 'raw') await db.query(text, values);
    else {
      if (!prepared) { await db.query(`PREPARE s1 AS ${text}`); prepared = true; }
      await db.query(`EXECUTE s1(${values.map(lit).join(', ')})`);
    }
  }
  if (mode === 'exec') await db.query('DEALLOCATE s1');
  console.log(mode, ((performance.now() - t) / N).toFixed(3), 'ms');
}
