/**
 * `npm run demo` and `terra-sdk demo` as a newcomer runs them: the whole life of a connection against the sandbox,
 * then a week from the person's ring and watch, the store on an embedded PGlite (or the PostgreSQL
 * DATABASE_URL names), the connections table and the merged week (each night once, the watch's copy
 * in alsoFrom) printed at the end, exit 0; and a clear failure, exit 1, when the endpoint verifies
 * with the wrong secret.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { postgresRequired, postgresUrl, REQUIRED_MESSAGE } from '../connections/support/engines.js';

const root = resolve(import.meta.dirname, '../..');
/** The `terra-sdk` executable from sources, as test/cli/process.test.ts runs it. */
const BIN = ['--import', 'tsx', 'src/cli/bin.ts'];

async function run(command: string, args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout } = await promisify(execFile)(command, args, {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', ...env },
    });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: `${failed.stdout}${failed.stderr}` };
  }
}

describe('npm run demo', { timeout: 90_000 }, () => {
  /** What every run prints, whichever database holds the table. */
  function expectTheWholeLife(stdout: string, where: RegExp) {
    const steps = stdout.split('\n').filter((line) => /^\d+\. /.test(line));
    expect(steps).toEqual([
      '1. List the providers',
      '2. Open a widget session for demo-user-1',
      '3. The person connects Oura in the widget',
      '4. The auth webhook arrives',
      '5. Read a week of activities in the response',
      '6. Read the same week through the webhook',
      '7. Ask for 61 days of daily summaries: a large request',
      '8. Your endpoint is down once: Terra retries',
      '9. demo-user-1 connects Garmin too, scripted without the widget',
      '10. Backfill three months of Garmin data',
      '11. demo-user-1 connects the same Oura account again: reauth',
      '12. The ring and the watch record the same week, 2026-07-13 to 2026-07-19',
      '13. One week for the person: each night once, the other device in alsoFrom',
      '14. Ask for six years at once: rate limit r1',
      '15. Disconnect',
    ]);
    expect(stdout).toMatch(/^Terra sandbox {3}http:\/\/127\.0\.0\.1:\d+\/api\/v2$/m);
    expect(stdout).toMatch(where);
    expect(stdout).toContain('signature verified; parsed as AuthSuccessEvent');
    expect(stdout).toMatch(
      /large_request_processing, then large_request_sending announcing (\d+) payloads\n {3}\1 daily webhooks/,
    );
    expect(stdout).toMatch(/attempt 1: your endpoint answered 503; retried \d+ ms later/);
    expect(stdout).toContain('demo-user-1 has 2 active connections, OURA and GARMIN');
    expect(stdout).toMatch(/6 requests, one per month and type, newest first/);
    expect(stdout).toMatch(/backfill\.done: all (\d+) payloads arrived; 2026-06-01 daily: (\d+) of \2 chunks/);
    expect(stdout).toMatch(/auth for the new id and user_reauth [0-9a-f]{8}… → [0-9a-f]{8}… arrived/);
    expect(stdout).toMatch(/OURA \([0-9a-f]{8}…\): 7 nights, 7 days, \d+ activities in 3 signed webhooks/);
    expect(stdout).toMatch(/GARMIN \([0-9a-f]{8}…\): 7 nights, 7 days, \d+ activities in 3 signed webhooks/);
    expect(stdout).toContain('terra_records: 14 nights of the week, 7 from each device, each with its own summary_id');
    expect(stdout).toContain(
      "store.days('demo-user-1', { from: '2026-07-13', to: '2026-07-19' }): 7 days, 7 nights from 14 records",
    );
    expect(stdout).toContain("each night: the ring's (OURA, first in priority.sleep), the watch's copy in alsoFrom");
    expect(stdout).toContain('429, rule r1');
    expect(stdout).toContain('the table marks Oura disconnected');
    expect(stdout).not.toContain('✗');
    expect(stdout).toMatch(/^✓ All 15 steps did what Terra would do \(\d+\.\d s\)\.$/m);

    // Then the connections table: one person, two providers, a reauth, a deauth.
    const lines = stdout.trim().split('\n');
    const tableStart = lines.findIndex((line) => line.startsWith('  terra_user_id '));
    const table = lines.slice(tableStart, tableStart + 5);
    expect(table[0]).toMatch(/^ {2}terra_user_id +provider +reference_id +status +scopes +last_sync +note$/);
    const rows = table.slice(2).map((line) => line.trim().split(/ {2,}/));
    const [oldOura, garmin, newOura] = rows as string[][];
    expect(oldOura?.slice(1, 4)).toEqual(['OURA', 'demo-user-1', 'disconnected']);
    expect(oldOura?.at(-1)).toBe(`replaced by ${newOura?.[0]}`);
    expect(garmin?.slice(1, 5)).toEqual(['GARMIN', 'demo-user-1', 'active', 'ACTIVITY_EXPORT,HEALTH_EXPORT']);
    expect(newOura?.slice(1, 4)).toEqual(['OURA', 'demo-user-1', 'disconnected']);
    expect(newOura?.at(-1)).toMatch(/^ended \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);

    // It ends with the merged week: one line per date, each night once (the ring's), merged with the
    // watch's copy of the same night, the day's steps and calories from the watch.
    expect(lines.at(-11)).toBe('The week of demo-user-1, ring and watch merged (store.days on terra_records):');
    const week = lines.slice(-9);
    expect(week[0]).toMatch(/^ {2}date +night kept +merged with +steps +kcal +day from +activities$/);
    const days = week.slice(2).map((line) => line.trim().split(/ {2,}/));
    expect(days.map((day) => day[0])).toEqual([
      'Mon 2026-07-13',
      'Tue 2026-07-14',
      'Wed 2026-07-15',
      'Thu 2026-07-16',
      'Fri 2026-07-17',
      'Sat 2026-07-18',
      'Sun 2026-07-19',
    ]);
    for (const [, night, mergedWith, steps, kcal, dayFrom, activities] of days) {
      expect(night).toMatch(/^OURA \d{2}:\d{2}-\d{2}:\d{2} \dh\d{2}$/); // one night, not two
      expect(mergedWith).toMatch(/^GARMIN \d{2}:\d{2}-\d{2}:\d{2}$/); // the watch's copy, in alsoFrom
      expect(steps).toMatch(/^\d{1,2},\d{3}$/);
      expect(kcal).toMatch(/^\d,\d{3}$/);
      expect(dayFrom).toBe('GARMIN (+OURA)');
      expect(activities).toMatch(/^\d+( \(\d+ by both\))?$/);
    }
  }

  it('walks every step of a connection, ends with the table on an embedded PGlite, and exits 0', async () => {
    const { code, stdout } = await run('npm', ['run', '--silent', 'demo']);
    expect(code, stdout).toBe(0);
    expectTheWholeLife(stdout, /^Store {11}terra_connections and terra_records on PGlite, embedded in this process$/m);
  });

  it.skipIf(!postgresUrl && !postgresRequired)('with DATABASE_URL, keeps the same table on PostgreSQL', async () => {
    if (!postgresUrl) throw new Error(REQUIRED_MESSAGE);
    const name = `demo_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const url = new URL(postgresUrl);
      url.pathname = `/${name}`;
      const { code, stdout } = await run('npm', ['run', '--silent', 'demo'], { DATABASE_URL: url.href });
      expect(code, stdout).toBe(0);
      expectTheWholeLife(stdout, /^Store {11}terra_connections and terra_records on PostgreSQL at 127\.0\.0\.1:\d+$/m);
      // The table is in that database, for any SQL client to read.
      const db = new pg.Client({ connectionString: url.href });
      await db.connect();
      try {
        const { rows } = await db.query(
          "SELECT provider, status FROM terra_connections WHERE reference_id = 'demo-user-1' ORDER BY id",
        );
        expect(rows).toEqual([
          { provider: 'OURA', status: 'disconnected' },
          { provider: 'GARMIN', status: 'active' },
          { provider: 'OURA', status: 'disconnected' },
        ]);
        // And the week's nights as sent, both devices' copies: the merge is made when read.
        const nights = await db.query(
          "SELECT provider, count(*)::int AS nights FROM terra_records WHERE type = 'sleep' AND reference_id = 'demo-user-1' AND calendar_date BETWEEN '2026-07-13' AND '2026-07-19' GROUP BY provider ORDER BY provider",
        );
        expect(nights.rows).toEqual([
          { provider: 'GARMIN', nights: 7 },
          { provider: 'OURA', nights: 7 },
        ]);
      } finally {
        await db.end();
      }
    } finally {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('with an endpoint on the wrong secret, stops at the auth webhook and says why, exit 1', async () => {
    const { code, stdout } = await run(process.execPath, [
      ...BIN,
      'demo',
      '--receiver-secret',
      'not-the-sandbox-secret',
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      '   ✗ The auth webhook did not arrive and Terra stopped retrying. Your endpoint refused 9 deliveries (401 no_matching_signature): it verifies with another secret than the one Terra signs with.',
    );
    expect(stdout.trim().split('\n').at(-1)).toBe(
      '✗ Step 4 (The auth webhook arrives) did not do what Terra would do; 3 of 15 steps passed.',
    );
    expect(stdout).not.toContain('not-the-sandbox-secret');
  });

  it('refuses arguments it does not know, exit 2', async () => {
    const { code, stdout } = await run(process.execPath, [...BIN, 'demo', '--fast']);
    expect(code).toBe(2);
    expect(stdout).toContain('terra-sdk demo: unknown option --fast');
    expect(stdout).toContain('Run "terra-sdk demo --help" for the options.');
  });

  // From an install there are no sources and no tsx: the command runs from the built package.
  it.skipIf(!existsSync(resolve(root, 'dist/cli.js')))(
    'runs from the built package (dist/cli.js, no tsx) after npm run build',
    async () => {
      const { code, stdout } = await run(process.execPath, ['dist/cli.js', 'demo']);
      expect(code, stdout).toBe(0);
      expectTheWholeLife(
        stdout,
        /^Store {11}terra_connections and terra_records on PGlite, embedded in this process$/m,
      );
    },
  );
});
