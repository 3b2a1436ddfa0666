/**
 * One webhook server for the throughput bench, run in its own process (bench/throughput.ts starts it
 * pinned to one core): `node --import tsx bench/server.ts <framework> <sdk|floor> <secret>`, with an
 * IPC channel. It listens on an ephemeral loopback port, sends `{ port }` once ready, and answers
 * `"cpu"` with its CPU time so far (`process.cpuUsage()`, in microseconds).
 *
 * `sdk` mounts the terra-sdk adapter of the framework (the built package, through its exports map)
 * with a listener for `activity` that does nothing. `floor` is the least a receiver can do in the
 * same framework: read the body, check HMAC-SHA256 with node:crypto (constant-time compare) and
 * `JSON.parse` it, then answer `{"received":true}`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { terraWebhook as expressWebhook } from 'terra-sdk/express';
import { terraWebhook as fastifyWebhook } from 'terra-sdk/fastify';
import { terraWebhook as honoWebhook } from 'terra-sdk/hono';
import { terraWebhook as nodeWebhook } from 'terra-sdk/node';
import { createWebhookHandler } from 'terra-sdk/webhooks';

const FRAMEWORKS = ['node', 'express', 'fastify', 'hono'] as const;
type Framework = (typeof FRAMEWORKS)[number];
const PATH = '/webhooks/terra';

const [framework, mode, secret] = process.argv.slice(2) as [Framework, 'sdk' | 'floor', string];
if (!FRAMEWORKS.includes(framework) || (mode !== 'sdk' && mode !== 'floor') || !secret) {
  process.stderr.write('usage: tsx bench/server.ts <node|express|fastify|hono> <sdk|floor> <secret>\n');
  process.exit(2);
}

/** The floor's whole check: the signature, then the JSON. False when the signature does not match. */
function floorCheck(header: string | undefined, body: Buffer): boolean {
  const t = /(?:^|,)\s*t=(\d+)/.exec(header ?? '')?.[1];
  const v1 = /(?:^|,)\s*v1=([0-9a-f]{64})/.exec(header ?? '')?.[1];
  if (t === undefined || v1 === undefined) return false;
  const digest = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  if (!timingSafeEqual(digest, Buffer.from(v1, 'hex'))) return false;
  JSON.parse(body.toString('utf8'));
  return true;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const header = (req: IncomingMessage) => req.headers['terra-signature'] as string | undefined;

const handler = createWebhookHandler({ secret }).on('activity', () => undefined);

async function start(): Promise<number> {
  switch (framework) {
    case 'node': {
      const server =
        mode === 'sdk'
          ? createServer(nodeWebhook(handler))
          : createServer((req: IncomingMessage, res: ServerResponse) => {
              readBody(req).then((body) => {
                const ok = floorCheck(header(req), body);
                res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
                res.end(ok ? '{"received":true}' : '{"error":"no_matching_signature"}');
              });
            });
      return listen(server);
    }
    case 'express': {
      const app = express();
      if (mode === 'sdk') app.post(PATH, expressWebhook(handler));
      else
        app.post(PATH, (req, res) => {
          readBody(req).then((body) => {
            if (floorCheck(header(req), body)) res.json({ received: true });
            else res.status(401).json({ error: 'no_matching_signature' });
          });
        });
      return listen(createServer(app));
    }
    case 'fastify': {
      const app = Fastify();
      if (mode === 'sdk') await app.register(fastifyWebhook(handler), { prefix: PATH });
      else
        await app.register(
          async (scope) => {
            scope.removeAllContentTypeParsers();
            scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 50 * 1024 * 1024 }, (_req, body, done) =>
              done(null, body),
            );
            scope.post('/', async (request, reply) => {
              if (floorCheck(header(request.raw), request.body as Buffer)) return { received: true };
              return reply.code(401).send({ error: 'no_matching_signature' });
            });
          },
          { prefix: PATH },
        );
      await app.listen({ port: 0, host: '127.0.0.1' });
      return (app.server.address() as AddressInfo).port;
    }
    case 'hono': {
      const app = new Hono();
      if (mode === 'sdk') app.post(PATH, honoWebhook(handler));
      else
        app.post(PATH, async (c) => {
          const body = Buffer.from(await c.req.arrayBuffer());
          if (floorCheck(c.req.header('terra-signature'), body)) return c.json({ received: true });
          return c.json({ error: 'no_matching_signature' }, 401);
        });
      return new Promise((resolve) => {
        serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
      });
    }
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

const port = await start();
process.on('message', (message) => {
  if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  if (message === 'exit') process.exit(0);
});
process.send?.({ port });
