/**
 * `npm run demo` as a newcomer runs it: the whole life of a connection against the sandbox, exit 0,
 * and a clear failure, exit 1, when the endpoint verifies with the wrong secret.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

async function run(command: string, args: string[]) {
  try {
    const { stdout } = await promisify(execFile)(command, args, { cwd: root });
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: `${failed.stdout}${failed.stderr}` };
  }
}

describe('npm run demo', { timeout: 60_000 }, () => {
  it('walks every step of a connection and exits 0', async () => {
    const { code, stdout } = await run('npm', ['run', '--silent', 'demo']);
    expect(code, stdout).toBe(0);
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
      '9. demo-user-1 connects the same Oura account again: reauth',
      '10. Ask for six years at once: rate limit r1',
      '11. Disconnect',
    ]);
    expect(stdout).toMatch(/^Terra sandbox {3}http:\/\/127\.0\.0\.1:\d+\/api\/v2$/m);
    expect(stdout).toContain('signature verified; parsed as AuthSuccessEvent');
    expect(stdout).toMatch(
      /large_request_processing, then large_request_sending announcing (\d+) payloads\n {3}\1 daily webhooks/,
    );
    expect(stdout).toMatch(/attempt 1: your endpoint answered 503; retried \d+ ms later/);
    expect(stdout).toMatch(/auth for the new id and user_reauth [0-9a-f]{8}… → [0-9a-f]{8}… arrived/);
    expect(stdout).toContain('429, rule r1');
    expect(stdout).toContain('has no connections left');
    expect(stdout).not.toContain('✗');
    expect(stdout.trim().split('\n').at(-1)).toMatch(/^✓ All 11 steps did what Terra would do \(\d+\.\d s\)\.$/);
  });

  it('with an endpoint on the wrong secret, stops at the auth webhook and says why, exit 1', async () => {
    const { code, stdout } = await run(process.execPath, [
      '--import',
      'tsx',
      'examples/demo.ts',
      '--receiver-secret',
      'not-the-sandbox-secret',
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      '   ✗ The auth webhook did not arrive and Terra stopped retrying. Your endpoint refused 9 deliveries (401 no_matching_signature): it verifies with another secret than the one Terra signs with.',
    );
    expect(stdout.trim().split('\n').at(-1)).toBe(
      '✗ Step 4 (The auth webhook arrives) did not do what Terra would do; 3 of 11 steps passed.',
    );
    expect(stdout).not.toContain('not-the-sandbox-secret');
  });

  it('refuses arguments it does not know, exit 2', async () => {
    const { code, stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/demo.ts', '--fast']);
    expect(code).toBe(2);
    expect(stdout).toContain('Unknown arguments. Usage: npm run demo [-- --receiver-secret <secret>]');
  });
});
