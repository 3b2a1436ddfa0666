import { applyInOneStatement } from '/work/wt-hstore/src/store/sql.ts';
import { planEvent } from '/work/wt-hstore/src/store/effects.ts';
import { checkDelivery } from '/work/wt-hstore/src/store/arguments.ts';
const N = 20000; let t = performance.now(); let x = 0;
for (let i = 0; i < N; i++) { const d = checkDelivery({ traceId: `t-${i}`, orderingTimestamp: Date.now() }); const plan = planEvent({ type: 'activity', user: { user_id: `u${i % 200}`, provider: 'OURA', reference_id: 'p' }, data: [] }, d, Date.now()); x += applyInOneStatement(plan, d).text.length; }
console.log('js per apply', ((performance.now() - t) / N * 1000).toFixed(1), 'us');
