/**
 * The `terra-sdk` executable as a separate process (from sources, through tsx): exit codes, output,
 * and a sandbox stopped by SIGINT.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terraWebhook } from '../../src/adapters/node.js';
import { createWebhookHandler, Terra, type TerraWebhookEvent } from '../../src/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { close, listen } from '../support/loopback.js';

const root = resolve(import.meta.dirname, '../..');
const BIN = ['--import', 'tsx', 'src/cli/bin.ts'];
const SECRET = 'process-test-secret';
const received: TerraWebhookEvent[] = [];
let endpoint: Server;
let url: string;

beforeAll(async () => {
  const handler = createWebhookHandler({ secret: SECRET }).onUnhandled((event) => {
    received.push(event);
  });
  endpoint = createServer(terraWebhook(handler));
  url = `${await listen(endpoint)}/webhooks/terra`;
});
afterAll(async () => {
  endpoint.closeAllConnections();
  await close(endpoint);
});

async function run(args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...BIN, ...args], { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Collects a child's stdout and resolves once a line matches. */
function waitForLine(child: ChildProcess, pattern: RegExp, output: { text: string }): Promise<RegExpExecArray> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern}:\n${output.text}`)), 15_000);
    const check = () => {
      const match = pattern.exec(output.text);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', check);
        resolvePromise(match);
      }
    };
    child.stdout?.on('data', check);
    check();
  });
}

describe('the terra-sdk process', { timeout: 30_000 }, () => {
  it('trigger: exits 0 and prints the status; a usage mistake exits 2', async () => {
    const sent = await run(['trigger', 'user_reauth', '--url', url, '--secret', SECRET]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^Sent the user_reauth event .*: 200 OK\n$/);
    expect(received.at(-1)?.type).toBe('user_reauth');
    const wrong = await run(['trigger', 'nope']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('terra-sdk trigger: "nope" is not a Terra webhook event type');
  });

  it('sandbox: serves the client, delivers signed webhooks, logs both, and stops on SIGINT', async () => {
    const child = spawn(
      process.execPath,
      [...BIN, 'sandbox', '--port', '0', '--webhook-url', url, '--secret', SECRET],
      {
        cwd: root,
      },
    );
    const output = { text: '' };
    child.stdout.on('data', (chunk: Buffer) => {
      output.text += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output.text += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolveExit) => child.on('exit', resolveExit));
    try {
      const [, baseUrl] = await waitForLine(child, /API base URL +(\S+)/, output);
      const terra = new Terra({ apiKey: 'k', devId: 'd', baseUrl: baseUrl as string, maxRetries: 0 });
      const session = (await terra.generateWidgetSession({ referenceId: 'cli-person' })).getParsedResponse();
      await fetch(session.url as string, {
        method: 'POST',
        body: new URLSearchParams({ provider: 'OURA', action: 'authorize' }),
      });
      await waitForLine(child, /webhook auth \(trace [0-9a-f-]{36}\) delivered/, output);
      expect(received.at(-1)).toMatchObject({ type: 'auth', user: { provider: 'OURA', reference_id: 'cli-person' } });
      expect(output.text).toContain('POST /api/v2/auth/generateWidgetSession 200');
      expect(output.text).not.toContain(SECRET);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(output.text.trim().split('\n').at(-1)).toBe('Sandbox stopped.');
  });

  it('sandbox error | permissions | connections --json and trigger --user-id, through the binary', async () => {
    const sandbox = await startSandbox({ webhookUrl: url, secret: SECRET, retry: { scale: 1 / 100_000 } });
    try {
      const user = sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'process-person' });
      const failed = await run(['sandbox', 'error', user.user_id, '--url', sandbox.url]);
      expect(failed.code, failed.stderr).toBe(0);
      const changed = await run(['sandbox', 'permissions', user.user_id, '--add', 'sleep', '--url', sandbox.url]);
      expect(changed.code, changed.stderr).toBe(0);
      await sandbox.idle();
      expect(received.slice(-2)).toMatchObject([
        { type: 'connection_error', user: { user_id: user.user_id } },
        { type: 'permission_change', scopes_added: 'sleep', user: { user_id: user.user_id } },
      ]);
      const list = await run(['sandbox', 'connections', '--json', '--url', sandbox.url]);
      expect(list.code, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toMatchObject([{ user_id: user.user_id, provider: 'GARMIN' }]);

      const mine = ['--user-id', user.user_id, '--reference-id', 'process-person', '--provider', 'GARMIN'];
      const sent = await run(['trigger', 'connection_error', ...mine, '--url', url, '--secret', SECRET]);
      expect(sent.code, sent.stderr).toBe(0);
      expect(received.at(-1)).toMatchObject({
        type: 'connection_error',
        user: { user_id: user.user_id, reference_id: 'process-person', provider: 'GARMIN' },
      });
    } finally {
      await sandbox.close();
    }
  });
});
