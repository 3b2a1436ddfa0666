/**
 * Runs examples/workouts.ts, examples/lab-reports.ts and examples/users-and-writes.ts as a user
 * would (separate processes, credentials from the environment) against the local Terra sandbox, and
 * checks what they print.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

const root = resolve(import.meta.dirname, '../..');
const credentials = { apiKey: 'example-key', devId: 'example-dev' };
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ ...credentials, labReportStepMs: 200 });
});
afterAll(() => sandbox.close());

async function run(example: string, args: string[], target: Sandbox = sandbox): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', example, ...args], {
    cwd: root,
    env: {
      ...process.env,
      TERRA_API_KEY: credentials.apiKey,
      TERRA_DEV_ID: credentials.devId,
      TERRA_BASE_URL: target.baseUrl,
    },
  });
  return stdout;
}

describe('examples of the newer products', { timeout: 60_000 }, () => {
  it('examples/workouts.ts: create, plan (201, adapted for the provider), list, move, remove, delete', async () => {
    const garmin = sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'runner-1' });
    const stdout = await run('examples/workouts.ts', [garmin.user_id]);
    expect(stdout).toMatch(/^Template \d{18} stored; 1 in the account\n/);
    expect(stdout).toMatch(/Planned \(201\): \d{18}, on the provider as \d+\n/);
    expect(stdout).toContain(
      '  adapted at step_blocks[1].steps[1].intensity_targets[0]: rpe targets are not supported',
    );
    expect(stdout).toMatch(/ {2}2026-07-14 {2}\d{18} {2}external: false\n/);
    expect(stdout).toContain('Moved to 2026-07-15\nRemoved from the calendar: 204\nTemplate deleted\n');
  });

  it('examples/workouts.ts without the Planned Workouts add-on: the typed 403', async () => {
    const off = await startSandbox({ ...credentials, plannedWorkouts: false });
    try {
      const user = off.emulator.connect({ provider: 'GARMIN' });
      const stdout = await run('examples/workouts.ts', [user.user_id], off);
      expect(stdout).toContain('Not enabled: POST /workouts/');
      expect(stdout).toContain('The Planned Workouts add-on is not enabled for this account');
      expect(stdout).toContain('Template deleted');
    } finally {
      await off.close();
    }
  });

  it('examples/lab-reports.ts: upload (202), wait for the result at Terra’s 5 s pace, print the biomarkers', async () => {
    const stdout = await run('examples/lab-reports.ts', []);
    expect(stdout).toMatch(/^Uploaded \(202\): upload [0-9a-f-]{36}\n/);
    expect(stdout).toMatch(/Session \d{18}: processing\n/);
    expect(stdout).toContain('  sent after processing → processed → standardizing → standardized → sending → sent\n');
    expect(stdout).toMatch(/ {2}Sandbox Pathology, report of \d{4}-\d\d-\d\d: 5 results\n/);
    expect(stdout).toMatch(/ {4}Haemoglobin: [\d.]+ g\/dL \((low|normal|high)\)\n/);
    expect(stdout).toContain('    C-reactive protein: <0.6 mg/L (normal)\n');
    expect(stdout).toContain('  delivery to webhook: delivered\n');
    expect(stdout).toMatch(/ {2}1 file\(s\), links valid until \d{4}-\d\d-\d\dT/);
  });

  it('examples/users-and-writes.ts: bound users, modify, write and delete, terra.request', async () => {
    const google = sandbox.emulator.connect({ provider: 'GOOGLE', referenceId: 'person-1' });
    const stdout = await run('examples/users-and-writes.ts', [google.user_id]);
    expect(stdout).toMatch(/^\d+ users: [A-Z, ]*GOOGLE/);
    expect(stdout).toContain(`${google.user_id} is now person-42\n`);
    expect(sandbox.emulator.users().find((u) => u.user_id === google.user_id)?.reference_id).toBe('person-42');
    expect(stdout).toContain('Written: 1 record(s)\n');
    expect(stdout).toMatch(/ {2}deleted \d+: 200\n/);
    expect(stdout).toMatch(/terra.request: \d+ providers with details\n/);
    expect(stdout).toContain('Typed errors too: 404 no such endpoint: GET /users/no-such-user/anything');
  });
});
