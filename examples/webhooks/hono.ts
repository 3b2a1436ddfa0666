/**
 * Terra webhooks in Hono, served by Node: `npx tsx examples/webhooks/hono.ts`. The same `app` runs
 * unchanged on Bun, Deno and Cloudflare Workers.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { terraWebhook } from 'terra-sdk/hono';
import { handler } from './terra.js';

const app = new Hono();
app.all('/webhooks/terra', terraWebhook(handler));
app.get('/health', (c) => c.json({ ok: true }));

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: process.env.HOST ?? '127.0.0.1' }, (info) =>
  console.log(`listening on http://${info.address}:${info.port}`),
);
