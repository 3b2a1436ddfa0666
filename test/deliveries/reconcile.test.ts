/**
 * `store.reconcile(terra, { fix })` against the sandbox (Terra's /subscriptions, paged) with seeded
 * inconsistencies: a missed auth, a missed deauth, a connection Terra never had, a reference id that
 * differs. `fix` repairs them; a second run finds nothing and changes nothing. And `terra-sdk doctor`
 * through the binary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Terra } from '../../src/client.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import {
  connectionsSnapshot,
  describeEngines,
  type EngineName,
  openDatabase,
  openForEachTest,
  postgresUrl,
  type TestDatabase,
} from '../connections/support/engines.js';
import { runBin } from '../support/bin.js';

const credentials = { apiKey: 'reconcile-key', devId: 'reconcile-dev' };
let sandbox: Sandbox;
let terra: Terra;
beforeAll(async () => {
  sandbox = await startSandbox({ ...credentials, seed: 11 });
  terra = new Terra({ ...credentials, baseUrl: sandbox.baseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await sandbox.close();
});

/** Seeds Terra and the table so that they disagree in each way; returns who is which. */
async function seed(db: TestDatabase) {
  const users = Array.from({ length: 5 }, (_, i) =>
    sandbox.emulator.connect({ provider: i % 2 ? 'OURA' : 'GARMIN', referenceId: `reconcile-${db.schema}-${i}` }),
  );
  const [kept, missed, gone, renamed] = users as [(typeof users)[number], ...typeof users];
  const recorded = users.filter((u) => u !== missed);
  for (const [i, user] of recorded.entries())
    await db.store.apply(fixtures.event('auth', { user: user as never }) as never, {
      traceId: `${db.schema}-auth-${i}`,
    });
  // A deauth Terra sent and the app never received.
  sandbox.emulator.disconnect({ userId: gone?.user_id as string });
  // A connection Terra never had (a test row, a wrong environment).
  await db.sql(
    `INSERT INTO terra_connections (terra_user_id, provider, status) VALUES ('stranger-${db.schema}', 'FITBIT', 'active')`,
  );
  await db.sql('UPDATE terra_connections SET reference_id = $1 WHERE terra_user_id = $2', [
    'old-reference',
    renamed?.user_id,
  ]);
  return { kept, missed, gone, renamed, stranger: `stranger-${db.schema}` };
}

describeEngines('reconcile with Terra', (engine: EngineName) => {
  let db: TestDatabase;
  openForEachTest(engine, (opened) => {
    db = opened;
  });

  it('reports missing, zombies and mismatched; fixes them; a second run finds nothing', async () => {
    const who = await seed(db);
    const report = await db.store.reconcile(terra);
    const mine = (id: string) =>
      id.includes(db.schema) || [who.kept, who.missed, who.gone, who.renamed].some((u) => u?.user_id === id);
    expect(report.fixed).toBe(false);
    // The sandbox is shared by the engines' runs: only this run's people count.
    const ours = report.missing.filter((m) => m.referenceId?.includes(db.schema));
    expect(ours.map((m) => m.terraUserId)).toEqual([who.missed?.user_id]);
    expect(ours[0]).toMatchObject({ provider: who.missed?.provider, referenceId: who.missed?.reference_id });
    expect(
      report.zombies
        .filter((z) => mine(z.terraUserId))
        .map((z) => [z.terraUserId, z.reason])
        .sort(),
    ).toEqual(
      [
        [who.gone?.user_id, 'unknown_to_terra'],
        [who.stranger, 'unknown_to_terra'],
      ].sort(),
    );
    expect(report.mismatched.map((m) => [m.terraUserId, m.tableReferenceId, m.referenceId])).toEqual([
      [who.renamed?.user_id, 'old-reference', who.renamed?.reference_id],
    ]);
    // Walking /subscriptions two users a page (several pages) finds the same.
    expect(report.counted.terra).toBeGreaterThanOrEqual(4);
    expect(await db.store.reconcile(terra, { perPage: 2 })).toEqual(report);
    await expect(db.store.reconcile(terra, { perPage: 0 })).rejects.toMatchObject({
      name: 'TerraInvalidArgumentError',
    });

    const fixed = await db.store.reconcile(terra, { fix: true });
    expect(fixed.fixed).toBe(true);
    expect((await db.store.getConnection(who.missed?.user_id as string))?.status).toBe('active');
    expect((await db.store.getConnection(who.gone?.user_id as string))?.status).toBe('disconnected');
    expect((await db.store.getConnection(who.stranger))?.status).toBe('disconnected');
    expect((await db.store.getConnection(who.renamed?.user_id as string))?.reference_id).toBe(
      who.renamed?.reference_id,
    );

    const after = await connectionsSnapshot(db);
    const again = await db.store.reconcile(terra, { fix: true });
    expect([again.missing, again.zombies, again.mismatched]).toEqual([[], [], []]);
    expect(await connectionsSnapshot(db)).toEqual(after);
    // A late, older deauth does not undo the repair of a missed auth... nor a late auth a zombie's.
    await db.store.apply(fixtures.event('auth', { user: who.gone as never }) as never, {
      traceId: `${db.schema}-late`,
      orderingTimestamp: 1_000,
    });
    expect((await db.store.getConnection(who.gone?.user_id as string))?.status).toBe('disconnected');
  });

  it('refuses what is not a client', async () => {
    await expect(db.store.reconcile({} as never)).rejects.toThrow(/iterateUsers/);
  });
});

describe.skipIf(!postgresUrl)('terra-sdk doctor', () => {
  it('prints the report, exits 1 on differences, repairs with --fix, then exits 0', async () => {
    const db = await openDatabase('postgres');
    try {
      const who = await seed(db);
      const target = new URL(postgresUrl as string);
      target.searchParams.set('options', `-c search_path=${db.schema}`);
      const env = {
        TERRA_API_KEY: credentials.apiKey,
        TERRA_DEV_ID: credentials.devId,
        TERRA_BASE_URL: sandbox.baseUrl,
      };
      const run = (args: string[]) => runBin(['doctor', '--database-url', target.href, ...args], env);
      const first = await run([]);
      expect(first.code).toBe(1);
      expect(first.stdout).toContain(`missing     ${who.missed?.user_id}`);
      expect(first.stdout).toContain(`zombie      ${who.stranger}  FITBIT  unknown_to_terra`);
      expect(first.stdout).toMatch(/run again with --fix/);
      expect(first.stdout).not.toContain('reconcile-key');
      expect((await run(['--fix'])).code).toBe(0);
      const clean = await run(['--json']);
      expect(clean.code).toBe(0);
      expect(JSON.parse(clean.stdout)).toMatchObject({ missing: [], mismatched: [], dead: 0, failed: 0 });
    } finally {
      await db.close();
    }
  }, 60_000);
});
