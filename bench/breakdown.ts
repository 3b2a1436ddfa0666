/**
 * Where the time of one webhook delivery goes, stage by stage, in this process: CPU microseconds per
 * call (every thread, so Web Crypto's work on the thread pool counts), the best of several runs.
 * The stages the SDK used before issue 11 are written out here as they were, to compare with what
 * replaced them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createFetchHandler } from '../src/adapters/fetch.js';
import { nodeCryptoEngine } from '../src/adapters/node-io.js';
import { fixtures } from '../src/testing/fixtures/index.js';
import { parseEvent } from '../src/webhooks/events.js';
import { createWebhookHandler } from '../src/webhooks/handler.js';
import { answerWebhook } from '../src/webhooks/receive.js';

export interface Stage {
  name: string;
  us: number;
}

const SECRET = 'bench-signing-secret';

/** CPU microseconds per call of `fn` (awaited), the best of five runs of `n` calls. */
async function cpu(fn: () => unknown, n: number): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) await fn();
    const spent = process.cpuUsage(start);
    best = Math.min(best, (spent.user + spent.system) / n);
  }
  return best;
}

export async function measureBreakdown(samples = 90, n = 2_000): Promise<{ bytes: number; stages: Stage[] }> {
  const text = JSON.stringify(fixtures.event('activity', { samples }));
  const body = Buffer.from(text);
  const t = String(Math.floor(Date.now() / 1000));
  const digest = createHmac('sha256', SECRET).update(`${t}.`).update(body).digest();
  const header = `t=${t},v1=${digest.toString('hex')}`;
  const headers = { 'content-type': 'application/json', 'terra-signature': header, 'x-terra-trace-id': 'trace' };
  const handler = createWebhookHandler({ secret: SECRET }).on('activity', () => undefined);
  const subtle = globalThis.crypto.subtle;
  const secretBytes = new TextEncoder().encode(SECRET);
  const message = new Uint8Array(Buffer.concat([Buffer.from(`${t}.`), body]));
  const key = await subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const compareKey = (await subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ])) as CryptoKey;
  const input = { method: 'POST', headers, readBody: async () => body };
  const fetchHandler = createFetchHandler(handler);
  const stages: [string, () => unknown][] = [
    [
      'floor: node:crypto HMAC-SHA256, timingSafeEqual, JSON.parse',
      () => {
        const d = createHmac('sha256', SECRET).update(`${t}.`).update(body).digest();
        if (!timingSafeEqual(d, digest)) throw new Error('mismatch');
        return JSON.parse(body.toString('utf8'));
      },
    ],
    ['JSON.parse alone', () => JSON.parse(body.toString('utf8'))],
    ['parseEvent(JSON.parse): the event validated in place', () => parseEvent(JSON.parse(body.toString('utf8')))],
    [
      'before: Web Crypto HMAC with the key imported on every call',
      async () =>
        subtle.sign(
          'HMAC',
          await subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
          message,
        ),
    ],
    ['after: Web Crypto HMAC with the key kept (hono, Next, Workers)', () => subtle.sign('HMAC', key, message)],
    [
      'after: node:crypto HMAC (node, express, fastify)',
      () => createHmac('sha256', SECRET).update(`${t}.`).update(body).digest(),
    ],
    [
      'before: digest compared by two more Web Crypto HMACs',
      async () => subtle.verify('HMAC', compareKey, await subtle.sign('HMAC', compareKey, digest), digest),
    ],
    [
      'before: Node adapters built a Web Request and read it back',
      () => new Request('http://localhost/', { method: 'POST', body, headers }).arrayBuffer(),
    ],
    [
      'after: whole core from a Node request, node:crypto',
      () => answerWebhook(handler, input, { engine: nodeCryptoEngine }),
    ],
    [
      'after: whole core from a Web Request (fetch handler)',
      async () => (await fetchHandler(new Request('http://localhost/', { method: 'POST', body, headers }))).text(),
    ],
  ];
  const out: Stage[] = [];
  for (const [name, fn] of stages) out.push({ name, us: await cpu(fn, n) });
  return { bytes: body.length, stages: out };
}
