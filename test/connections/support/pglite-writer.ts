/**
 * A child process for the PGlite lock test: opens the PGlite directory argv[2], applies argv[4]
 * deliveries of its own (user ids prefixed argv[3]) through a store, holding the directory until
 * told to stop, and prints what happened as one JSON line.
 */
import { PGlite } from '@electric-sql/pglite';
import { createConnectionStore } from '../../../src/store/connections.js';

const [dir, prefix, countText] = process.argv.slice(2);
const count = Number(countText);
try {
  const db = await PGlite.create(dir as string);
  // The lock is what is tested, not the time: two PGlite processes starting on a loaded machine are slow.
  const store = createConnectionStore({ db, timeoutMs: 60_000 });
  await store.migrate();
  for (let i = 0; i < count; i++) {
    await store.apply(
      { type: 'activity', user: { user_id: `${prefix}-${i}`, provider: 'GARMIN' }, data: [] } as never,
      {
        traceId: `${prefix}-trace-${i}`,
      },
    );
    // Give the other process its turn, as two receivers taking deliveries would.
    if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await db.close();
  process.stdout.write(`${JSON.stringify({ ok: true, applied: count })}\n`);
} catch (error) {
  const e = error as Error;
  process.stdout.write(`${JSON.stringify({ ok: false, name: e.name, message: e.message })}\n`);
}
// The refused process still has its PGlite open: end it rather than wait for it.
process.exit(0);
