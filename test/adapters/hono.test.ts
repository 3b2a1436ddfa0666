import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { terraWebhook } from '../../src/adapters/hono.js';
import { createWebhookHandler } from '../../src/webhooks/handler.js';
import { describeAdapter, viaRequest } from '../support/adapter-contract.js';
import { activityEvent, deliveryHeaders, SECRET } from '../support/webhooks.js';

describeAdapter('hono', async (handler) => {
  const app = new Hono();
  app.all('/webhooks/terra', terraWebhook(handler));
  return {
    send: viaRequest(async (request) => app.request(request)),
  };
});

describe('hono handler', () => {
  const body = JSON.stringify(activityEvent(2));
  const init = () => ({ method: 'POST', body, headers: deliveryHeaders(body) });

  it("keeps a slow listener alive with the execution context's waitUntil, as on Workers", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const kept: Promise<unknown>[] = [];
    const handler = createWebhookHandler({ secret: SECRET, deadlineMs: 10 }).on('activity', () => gate);
    const app = new Hono();
    app.post('/hook', terraWebhook(handler));
    const executionCtx = { waitUntil: (p: Promise<unknown>) => kept.push(p), passThroughOnException() {}, props: {} };
    const response = await app.request('/hook', init(), {}, executionCtx);
    expect(response.status).toBe(200);
    expect(kept).toHaveLength(1);
    release();
    await kept[0];
  });

  it('answers 500 with body_not_raw when a middleware read the JSON first', async () => {
    const errors: unknown[] = [];
    const app = new Hono();
    app.use('/hook', async (c, next) => {
      await c.req.json();
      await next();
    });
    app.post('/hook', terraWebhook(createWebhookHandler({ secret: SECRET, onError: (e) => errors.push(e) })));
    const response = await app.request('/hook', init());
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'body_not_raw' });
    expect(errors[0]).toMatchObject({ code: 'body_not_raw' });
  });
});
