/**
 * Helpers for the hostile suite: each adapter served through its real framework on a loopback port,
 * mounted as the README says, and a raw HTTP client that streams bodies chunk by chunk (never built
 * in memory), stops sending once the answer arrives, and reports what it sent.
 */
import { Agent, createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { terraWebhook as expressWebhook } from '../../src/adapters/express.js';
import { terraWebhook as fastifyWebhook } from '../../src/adapters/fastify.js';
import { terraWebhook as honoWebhook } from '../../src/adapters/hono.js';
import type { WebhookHandler } from '../../src/webhooks/handler.js';
import { type Served, serveOnLoopback, serveWebhook } from '../support/loopback.js';
import { gate } from '../support/wait.js';

export const ADAPTERS = ['node', 'express', 'fastify', 'hono'] as const;
export type Adapter = (typeof ADAPTERS)[number];
export const PATH = '/webhooks/terra';

/** Serves `handler` with one adapter, mounted as the README shows, on 127.0.0.1. */
export async function serveWith(adapter: Adapter, handler: WebhookHandler): Promise<Served> {
  switch (adapter) {
    case 'node':
      return serveWebhook(handler);
    case 'express': {
      const app = express();
      app.all(PATH, expressWebhook(handler));
      app.use(express.json());
      return serveOnLoopback(createServer(app), PATH);
    }
    case 'fastify': {
      const app = Fastify();
      await app.register(fastifyWebhook(handler), { prefix: PATH });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      return {
        url: `http://127.0.0.1:${port}${PATH}`,
        close: async () => {
          app.server.closeAllConnections();
          await app.close();
        },
      };
    }
    case 'hono': {
      const app = new Hono();
      app.all(PATH, honoWebhook(handler));
      const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      });
      const { port } = server.address() as AddressInfo;
      return {
        url: `http://127.0.0.1:${port}${PATH}`,
        close: async () => {
          (server as unknown as { closeAllConnections(): void }).closeAllConnections();
          await new Promise((resolve) => server.close(resolve));
        },
      };
    }
  }
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Body bytes written before the answer came (or all of them). */
  sent: number;
  /** Milliseconds from the request to the answer's headers. */
  ms: number;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Chunks of the body, sent one by one as the socket takes them; sending stops once answered. */
  body?: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Gives up (rejects) after this many milliseconds without an answer. */
  timeoutMs?: number;
}

/** Sends a request with node:http on a fresh connection and reads the answer. */
export function send(url: string, options: RawRequest = {}): Promise<RawAnswer> {
  const { method = 'POST', headers = {}, body, timeoutMs = 5_000 } = options;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    // A connection of its own, kept alive as a sender like Terra keeps it (`agent: false` would ask
    // the server to close right after its answer, racing the rest of the body).
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const req = request(url, { method, headers, agent });
    req.on('close', () => agent.destroy());
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms (${sent} bytes sent)`));
    }, timeoutMs);
    req.on('response', (res) => {
      answered = true;
      const ms = performance.now() - started;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      const done = () => {
        clearTimeout(timer);
        req.destroy();
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
          sent,
          ms,
        });
      };
      res.on('end', done);
      res.on('error', done);
      res.on('aborted', done);
    });
    req.on('error', (error) => {
      // Writing on after the server answered and closed: expected, the answer is what counts.
      if (!answered) {
        clearTimeout(timer);
        reject(error);
      }
    });
    (async () => {
      if (body !== undefined) {
        for await (const chunk of body) {
          if (answered || req.destroyed) return;
          sent += chunk.byteLength;
          // Let the answer be read as soon as it comes: a server that answers early closes soon after.
          await new Promise((resolveTurn) => setImmediate(resolveTurn));
          if (answered || req.destroyed) return;
          if (!req.write(chunk)) {
            await new Promise<void>((resolveDrain) => {
              const resume = () => {
                req.off('drain', resume);
                req.off('close', resume);
                resolveDrain();
              };
              req.on('drain', resume);
              req.on('close', resume);
            });
          }
        }
      }
      if (!answered && !req.destroyed) req.end();
    })().catch((error: unknown) => {
      // The body's source gave up: so does the request.
      clearTimeout(timer);
      req.destroy();
      if (!answered) reject(error);
    });
  });
}

/** `count` chunks of `size` bytes, all the same buffer: a body of any length without the memory. */
export function* repeated(size: number, count: number, byte = 0x20): Generator<Uint8Array> {
  const chunk = new Uint8Array(size).fill(byte);
  for (let i = 0; i < count; i++) yield chunk;
}

/** A body that sends `first` and then nothing, until `stop` resolves. */
export async function* stalled(first: Uint8Array, stop: Promise<unknown>): AsyncGenerator<Uint8Array> {
  yield first;
  await stop;
}

/**
 * Serves `handler` with `adapter`, sends `headers` and the body's first `firstBytes` bytes, then
 * holds the rest back (the answer must come without it), and returns the answer; the server is closed
 * and the body let go afterwards, whatever happened.
 */
export async function sendStalled(
  adapter: Adapter,
  handler: WebhookHandler,
  headers: Record<string, string>,
  firstBytes: number,
  timeoutMs?: number,
): Promise<RawAnswer> {
  const served = await serveWith(adapter, handler);
  const { promise: stop, release } = gate();
  try {
    return await send(served.url, {
      headers,
      body: stalled(new Uint8Array(firstBytes), stop),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
  } finally {
    release();
    await served.close();
  }
}
