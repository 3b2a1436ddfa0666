/**
 * Runs examples/connect-and-fetch.ts as a user would (a separate process, credentials from the
 * environment), against a loopback stand-in for Terra, and checks what it prints.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTerra, startFakeTerra } from '../support/fake-terra.js';

const root = resolve(import.meta.dirname, '../..');
const credentials = { apiKey: 'example-key', devId: 'example-dev' };
let terra: FakeTerra;
beforeAll(async () => {
  terra = await startFakeTerra(credentials);
});
afterAll(() => terra.close());

describe('examples/connect-and-fetch.ts', { timeout: 30_000 }, () => {
  it('runs every step and prints what a user would see', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'examples/connect-and-fetch.ts'],
      {
        cwd: root,
        env: {
          ...process.env,
          TERRA_API_KEY: credentials.apiKey,
          TERRA_DEV_ID: credentials.devId,
          TERRA_BASE_URL: terra.baseUrl,
        },
      },
    );
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('Providers: 4 (e.g. GARMIN, FITBIT, OURA)');
    expect(stdout).toContain('Widget session: http://127.0.0.1:');
    expect(stdout).toContain('Direct link for FITBIT: https://www.fitbit.com/oauth2/authorize');
    expect(stdout).toContain('Mobile SDK token valid for 180 s');
    expect(stdout).toContain(
      'User 40f7b0e1-89e2-43ac-a5b8-1e29c8d47cad: GARMIN, scopes ACTIVITY_EXPORT + HEALTH_EXPORT',
    );
    expect(stdout).toMatch(/2026-07-01T07:04:11\.000000\+01:00 {2}Running {2}avg 151 bpm, 1800 HR samples/);
    expect(stdout).toContain('Sleep will arrive at your webhook with terra-reference ref-sleep-1');
    expect(stdout).toContain('user-123 has 2 connections: GARMIN, OURA');
    expect(stdout).toContain('Unknown user: GET /userInfo failed with 404 Not Found: user not found');
  });
});
