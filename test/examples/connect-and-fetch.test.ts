/**
 * Runs examples/connect-and-fetch.ts as a user would (a separate process, credentials from the
 * environment), against the local Terra sandbox, and checks what it prints.
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
  sandbox = await startSandbox(credentials);
});
afterAll(() => sandbox.close());

describe('examples/connect-and-fetch.ts', { timeout: 30_000 }, () => {
  it('runs every step and prints what a user would see', async () => {
    const garmin = sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'user-123' });
    sandbox.emulator.connect({ provider: 'OURA', referenceId: 'user-123' });
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/connect-and-fetch.ts', garmin.user_id],
      {
        cwd: root,
        env: {
          ...process.env,
          TERRA_API_KEY: credentials.apiKey,
          TERRA_DEV_ID: credentials.devId,
          TERRA_BASE_URL: sandbox.baseUrl,
        },
      },
    );
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('Providers: 10 (e.g. GARMIN, FITBIT, OURA)');
    expect(stdout).toContain(`Widget session: ${sandbox.url}/widget/`);
    expect(stdout).toContain(`Direct link for FITBIT: ${sandbox.url}/connect/`);
    expect(stdout).toContain('Mobile SDK token valid for 180 s');
    expect(stdout).toContain(`User ${garmin.user_id}: GARMIN, scopes ACTIVITY_EXPORT + HEALTH_EXPORT`);
    // One line per activity of the week, each as Terra writes its local start time.
    const activities = lines.filter((line) => /^ {2}2026-07-0\d/.test(line));
    expect(activities.length).toBeGreaterThan(0);
    for (const line of activities) {
      expect(line).toMatch(
        /^ {2}2026-07-0[1-7]T\d\d:\d\d:\d\d\.\d{6}\+01:00 {2}\w[\w ()-]* {2}avg \d+ bpm, \d+ HR samples$/,
      );
    }
    expect(stdout).toMatch(/Sleep will arrive at your webhook with terra-reference [0-9a-f-]{36}\n/);
    expect(stdout).toContain('user-123 has 2 connections: GARMIN, OURA');
    expect(stdout).toContain('Unknown user: GET /userInfo failed with 404 Not Found: user not found');
  });
});
