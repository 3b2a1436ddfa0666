/**
 * A child process for the PGlite lock test: opens the PGlite directory argv[2], applies argv[4]
 * deliveries of its own (user ids prefixed argv[3]) through a store, prints what happened as one
 * JSON line, and holds the directory until the file argv[5] exists (the test makes it once both
 * processes reported), so that the two always overlap, however slowly each starts.
 */
import { existsSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createConnectionStore } from '../../../src/store/connections.js';

const [dir, prefix, countText, stopFile] = process.argv.slice(2);

async function heldUntilStopped(): Promise<void> {
  const end = Date.now() + 120_000;
  while (!existsSync(stopFile as string) && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
}
const count = Number(countText);
let stage = 'open';
try {
  const db = await PGlite.create(dir as string);
  stage = 'store';
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
  process.stdout.write(`${JSON.stringify({ ok: true, applied: count })}\n`);
  await heldUntilStopped();
  await db.close();
} catch (error) {
  const e = error as Error;
  process.stdout.write(`${JSON.stringify({ ok: false, stage, name: e.name, message: e.message })}\n`);
}
// The refused process still has its PGlite open: end it rather than wait for it.
process.exit(0);
