/**
 * Issue 20, item 5: two processes on one PGlite data directory. Before, both reported success and
 * silently lost each other's rows (75 of 300); now the second gets a TerraConfigurationError, and a
 * lock left by a process that died is taken over.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { TerraConfigurationError } from '../../src/errors.js';
import { createConnectionStore } from '../../src/store/connections.js';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'terra-pglite-lock-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Outcome {
  ok: boolean;
  applied?: number;
  name?: string;
  message?: string;
}

async function writer(dir: string, prefix: string, count: number): Promise<Outcome> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'test/connections/support/pglite-writer.ts', dir, prefix, String(count)],
    { timeout: 120_000 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() as string) as Outcome;
}

describe('one PGlite data directory, two processes', () => {
  it('the second process gets a TerraConfigurationError; nothing a process reported applied is lost', async () => {
    const dir = join(work, 'shared');
    // Made first, so both processes open an existing database at once.
    const first = await PGlite.create(dir);
    await first.close();
    const outcomes = await Promise.all([writer(dir, 'a', 150), writer(dir, 'b', 150)]);
    const succeeded = outcomes.filter((o) => o.ok);
    const refused = outcomes.filter((o) => !o.ok);
    // Either they took turns (one finished before the other started) or one was refused; never both
    // succeeding with rows lost.
    for (const o of refused)
      expect(o).toMatchObject({
        name: 'TerraConfigurationError',
        message: expect.stringMatching(/in use by process \d+/),
      });
    const db = await PGlite.create(dir);
    try {
      const rows = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM terra_connections')).rows[0]?.n;
      expect(rows).toBe(succeeded.reduce((sum, o) => sum + (o.applied ?? 0), 0));
    } finally {
      await db.close();
    }
    expect(refused.length).toBe(1);
  }, 180_000);

  it('refuses a directory a live process holds, and takes over the lock of one that ended', async () => {
    const dir = join(work, 'stale');
    const held = await PGlite.create(dir);
    await held.close();
    // A live process that is not this one: the test runner's parent.
    writeFileSync(join(dir, 'terra-sdk.lock'), `${process.ppid}\n`);
    const db = await PGlite.create(dir);
    try {
      expect(() => createConnectionStore({ db })).toThrow(TerraConfigurationError);
      // A pid no process has: the lock is stale and taken over.
      writeFileSync(join(dir, 'terra-sdk.lock'), '2147483646\n');
      const store = createConnectionStore({ db });
      await store.migrate();
      expect(readFileSync(join(dir, 'terra-sdk.lock'), 'utf8').trim()).toBe(String(process.pid));
    } finally {
      await db.close();
    }
  }, 60_000);
});
