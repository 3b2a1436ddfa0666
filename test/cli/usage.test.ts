/**
 * The `terra-sdk` command line: help, version, and a clear message with exit code 2 for every usage
 * mistake.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWN_WEBHOOK_EVENT_TYPES } from '../../src/index.js';
import { cli } from './support.js';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};

describe('terra-sdk', () => {
  it('--help lists the commands; without a command it prints the same to stderr and exits 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('terra-sdk sandbox [options]');
    expect(help.stdout).toContain('terra-sdk trigger <event> --url <url>');
    expect((await cli(['-h'])).stdout).toBe(help.stdout);
    const bare = await cli([]);
    expect(bare).toEqual({ code: 2, stdout: '', stderr: help.stdout });
  });

  it('--version prints the package version', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: pkg.version, stderr: '' });
    expect((await cli(['-v'])).stdout).toBe(pkg.version);
  });

  it('an unknown command or option exits 2 with a clear message', async () => {
    expect(await cli(['deploy'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'terra-sdk: unknown command "deploy". Commands: sandbox, trigger, demo, stream, deliveries, doctor. Run "terra-sdk --help" for usage.',
    });
    expect(await cli(['--verbose'])).toMatchObject({
      code: 2,
      stderr: 'terra-sdk: unknown option --verbose. Run "terra-sdk --help" for usage.',
    });
    expect((await cli(['constructor'])).code).toBe(2);
  });

  it('is the package bin, built from a source file with a node shebang', () => {
    expect(pkg.bin).toEqual({ 'terra-sdk': './dist/cli.js' });
    expect(readFileSync(resolve(root, 'tsup.config.ts'), 'utf8')).toContain("cli: 'src/cli/bin.ts'");
    expect(readFileSync(resolve(root, 'src/cli/bin.ts'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });
});

describe('terra-sdk sandbox', () => {
  it('--help documents every option', async () => {
    const { code, stdout } = await cli(['sandbox', '--help']);
    expect(code).toBe(0);
    for (const option of ['--port <n>', '--webhook-url <url>', '--secret <secret>', '--seed <n>', '--retries <n>']) {
      expect(stdout).toContain(option);
    }
    expect(stdout).toContain('--retry-scale <x>');
    expect(stdout).toContain('TERRA_WEBHOOK_SECRET');
  });

  it.each([
    [['--port', 'abc'], '--port must be a whole number from 0 to 65535 (got "abc")'],
    [['--port', '70000'], '--port must be a whole number from 0 to 65535 (got "70000")'],
    [['--port'], '--port needs a value'],
    [['--port', '--seed', '1'], '--port needs a value'],
    [['--port=1', '--port=2'], '--port was given more than once'],
    [['--webhook-url', 'localhost:3000'], '--webhook-url must be an http(s) URL'],
    [['--webhook-url', 'http://localhost:3000/hook'], '--webhook-url needs the signing secret'],
    [['--seed', '1.5'], '--seed must be a whole number'],
    [['--retries=-1'], '--retries must be a whole number from 0 to 100'],
    [['--retries', '-1'], '--retries needs a value (for a value that starts with "-", write --retries=<value>)'],
    [['--retry-scale', '0'], '--retry-scale must be a positive number (got "0")'],
    [['--help=yes'], '--help takes no value'],
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['extra'], 'unexpected argument "extra"'],
  ])('%o: exit 2, %s', async (argv, message) => {
    const run = await cli(['sandbox', ...argv]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`terra-sdk sandbox: ${message}`);
    expect(run.stderr).toContain('Run "terra-sdk sandbox --help" for the options.');
  });

  it('runs until stopped, printing where it listens and each request, then closes', async () => {
    let listening = '';
    const { code, stdout } = await cli(['sandbox', '--port', '0', '--seed', '3'], {
      untilStopped: async (printed) => {
        listening = /running on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed())?.[1] ?? '';
        const response = await fetch(`${listening}/api/v2/integrations`, { headers: { 'dev-id': 'd' } });
        expect(response.status).toBe(200);
      },
    });
    expect(code).toBe(0);
    expect(listening).not.toBe('');
    expect(stdout).toContain(`API base URL   ${listening}/api/v2`);
    expect(stdout).toContain('Webhooks       not sent (no --webhook-url)');
    expect(stdout).toContain('Seed           3');
    expect(stdout).toContain('GET /api/v2/integrations 200');
    expect(stdout.trim().split('\n').at(-1)).toBe('Sandbox stopped.');
    await expect(fetch(`${listening}/`)).rejects.toThrow();
  });

  it('--realistic sends webhooks shaped as real deliveries, and says so', async () => {
    const { createServer } = await import('node:http');
    const { close, listen } = await import('../support/loopback.js');
    const bodies: Record<string, unknown>[] = [];
    const endpoint = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
      });
      request.on('end', () => {
        bodies.push(JSON.parse(text) as Record<string, unknown>);
        response.end('{}');
      });
    });
    const url = await listen(endpoint);
    try {
      const args = ['sandbox', '--port', '0', '--webhook-url', url, '--secret', 's3cr3t-value', '--realistic'];
      const { code, stdout } = await cli(args, {
        untilStopped: async (printed) => {
          const base = /API base URL +(\S+)/.exec(printed())?.[1] ?? '';
          const started = await fetch(`${base}/auth/authenticateUser?resource=OURA`, {
            method: 'POST',
            headers: { 'dev-id': 'd', 'x-api-key': 'k', 'content-type': 'application/json' },
            body: '{}',
          });
          const { auth_url: authUrl } = (await started.json()) as { auth_url: string };
          await fetch(authUrl, { method: 'POST', body: new URLSearchParams({ action: 'authorize' }) });
          for (let i = 0; i < 100 && bodies.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
        },
      });
      expect(code).toBe(0);
      expect(stdout).toContain('Payloads       realistic: shaped as real deliveries, not as the spec');
      expect(bodies).toEqual([expect.objectContaining({ type: 'auth', status: 'authenticated' })]);
      expect(bodies[0]).not.toHaveProperty('version');
    } finally {
      endpoint.closeAllConnections();
      await close(endpoint);
    }
  });

  it('a port in use is a failure with the reason, exit 1', async () => {
    const { createServer } = await import('node:http');
    const { close, listen } = await import('../support/loopback.js');
    const busy = createServer();
    const port = new URL(await listen(busy)).port;
    try {
      const run = await cli(['sandbox', '--port', port]);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `The sandbox could not start: port ${port} on 127.0.0.1 is already in use: pick another port, or 0 for a free one.`,
      );
    } finally {
      await close(busy);
    }
  });

  it('never prints the secret', async () => {
    const run = await cli(['sandbox', '--secret', 'SECRET-789', '--port', 'x']);
    expect(`${run.stdout}${run.stderr}`).not.toContain('SECRET-789');
  });
});

describe('terra-sdk trigger (usage)', () => {
  it('--help documents the options and lists every event type', async () => {
    const { code, stdout } = await cli(['trigger', '--help']);
    expect(code).toBe(0);
    for (const option of ['--url <url>', '--secret <secret>', '--seed <n>', '--timeout <ms>']) {
      expect(stdout).toContain(option);
    }
    for (const type of KNOWN_WEBHOOK_EVENT_TYPES) expect(stdout).toContain(type);
  });

  const url = 'http://127.0.0.1:9/webhooks/terra';
  it.each([
    [[], 'which event? Give its type'],
    [['route', '--url', url, '--secret', 's'], '"route" is not a Terra webhook event type. Known types:'],
    [['auth', 'deauth', '--url', url], 'one event at a time; unexpected "deauth"'],
    [['auth', '--secret', 's'], '--url is required'],
    [['auth', '--url', 'not-a-url', '--secret', 's'], '--url must be an http(s) URL'],
    [['auth', '--url', url], 'no signing secret: pass --secret <secret> or set TERRA_WEBHOOK_SECRET'],
    [['auth', '--url', url, '--secret', 's', '--seed', 'x'], '--seed must be a whole number'],
    [['auth', '--url', url, '--secret', 's', '--timeout=-5'], '--timeout must be a positive number'],
    [['auth', '--url', url, '--data', '{}'], 'unknown option --data'],
  ])('%o: exit 2, %s', async (argv, message) => {
    const run = await cli(['trigger', ...argv]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`terra-sdk trigger: ${message}`);
    expect(run.stderr).toContain('Run "terra-sdk trigger --help" for the options.');
  });
});
