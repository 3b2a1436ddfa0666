/**
 * Starts every server in examples/webhooks as a user would (its own process, through tsx, with the
 * secret in TERRA_WEBHOOK_SECRET) on an ephemeral loopback port, and sends it signed deliveries.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { activityEvent, deliveryHeaders, SECRET } from '../support/webhooks.js';

const ROOT = resolve(import.meta.dirname, '../..');
const RUNNER = 'test/support/serve-example.ts';

const EXAMPLES: { name: string; args: string[]; path: string }[] = [
  { name: 'express', args: ['examples/webhooks/express.ts'], path: '/webhooks/terra' },
  { name: 'fastify', args: ['examples/webhooks/fastify.ts'], path: '/webhooks/terra' },
  { name: 'hono', args: ['examples/webhooks/hono.ts'], path: '/webhooks/terra' },
  { name: 'node:http', args: ['examples/webhooks/node.ts'], path: '/webhooks/terra' },
  {
    name: 'fetch (Bun, Deno, Workers)',
    args: [RUNNER, 'fetch', 'examples/webhooks/fetch.ts'],
    path: '/webhooks/terra',
  },
  {
    name: 'next route handler',
    args: [RUNNER, 'next', 'examples/webhooks/next/app/api/webhooks/terra/route.ts', '/api/webhooks/terra'],
    path: '/api/webhooks/terra',
  },
];

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

const running: ChildProcess[] = [];

afterEach(() => {
  for (const child of running.splice(0)) child.kill();
});

function start(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TERRA_WEBHOOK_SECRET: SECRET, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    out += chunk;
  });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" within 20 s:\n${out}`)), 20_000);
    child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
    child.stdout?.on('data', () => {
      const match = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ child, url: (match[1] as string).replace(/\/$/, ''), output: () => out });
      }
    });
  });
}

async function eventually(check: () => boolean, what: () => string): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  expect(check(), what()).toBe(true);
}

describe('examples/webhooks', () => {
  for (const example of EXAMPLES) {
    it(`${example.name} starts, processes a signed delivery once, and refuses a forged one`, {
      timeout: 40_000,
    }, async () => {
      const server = await start(example.args);
      const body = JSON.stringify(activityEvent(3));
      const send = (headers: Record<string, string>) =>
        fetch(`${server.url}${example.path}`, { method: 'POST', body, headers });

      const first = await send(deliveryHeaders(body));
      expect(first.status, server.output()).toBe(200);
      await eventually(
        () => server.output().includes('received activity'),
        () => server.output(),
      );

      const retry = await send(deliveryHeaders(body));
      expect(retry.status).toBe(200);
      await eventually(
        () => server.output().includes('duplicate trace-7d1c'),
        () => server.output(),
      );

      const forged = await send(deliveryHeaders(body, {}, 'not-the-secret'));
      expect(forged.status).toBe(401);
      expect(server.output()).not.toContain(SECRET);
    });
  }
});
