import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { terraWebhook } from '../../src/adapters/fastify.js';
import { createWebhookHandler } from '../../src/webhooks/handler.js';
import { describeAdapter, parseAnswer } from '../support/adapter-contract.js';
import { activityEvent, deliveryHeaders, SECRET } from '../support/webhooks.js';

describeAdapter('fastify', async (handler) => {
  const app = Fastify();
  await app.register(terraWebhook(handler), { prefix: '/webhooks/terra' });
  await app.ready();
  return {
    async send({ method = 'POST', body, headers = {} }) {
      const response = await app.inject({
        method: method as 'POST',
        url: '/webhooks/terra',
        headers,
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : Buffer.from(body) }),
      });
      return parseAnswer(response.statusCode, response.body);
    },
    close: () => app.close(),
  };
});

describe('fastify plugin', () => {
  const body = JSON.stringify(activityEvent(2));

  it('keeps raw bodies inside its scope only: the rest of the app still parses JSON', async () => {
    const app = Fastify();
    await app.register(terraWebhook(createWebhookHandler({ secret: SECRET }), { path: '/terra' }), {
      prefix: '/hooks',
    });
    app.post('/echo', async (request) => ({ parsed: request.body }));
    const hook = await app.inject({
      method: 'POST',
      url: '/hooks/terra',
      payload: body,
      headers: deliveryHeaders(body),
    });
    expect(hook.statusCode).toBe(200);
    const echo = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(echo.json()).toEqual({ parsed: { a: 1 } });
    await app.close();
  });

  it('sends each answer once when the app has async onSend and onResponse hooks', async () => {
    const app = Fastify();
    const sends: string[] = [];
    let responses = 0;
    app.addHook('onSend', async (_request, _reply, payload) => {
      sends.push(String(payload));
      await new Promise((resolve) => setTimeout(resolve, 5));
      return payload;
    });
    app.addHook('onResponse', async () => {
      responses++;
    });
    const handler = createWebhookHandler({ secret: SECRET, onError: () => undefined }).on('activity', () => undefined);
    await app.register(terraWebhook(handler), { prefix: '/hooks' });
    const ok = await app.inject({ method: 'POST', url: '/hooks', payload: body, headers: deliveryHeaders(body) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ received: true });
    const refused = await app.inject({ method: 'POST', url: '/hooks', payload: body });
    expect(refused.statusCode).toBe(401);
    expect(sends).toEqual(['{"received":true}', '{"error":"missing_header"}']);
    expect(responses).toBe(2);
    await app.close();
  });

  it('hands a failure to send its answer to the app’s error handler, not to an unhandled rejection', async () => {
    const app = Fastify();
    app.addHook('onRequest', async (_request, reply) => {
      reply.headers = () => {
        throw new Error('headers refused');
      };
    });
    let seen: unknown;
    app.setErrorHandler((error, _request, reply) => {
      seen = error;
      return reply.code(500).send({ error: 'sent_by_app' });
    });
    const handler = createWebhookHandler({ secret: SECRET, onError: () => undefined }).on('activity', () => undefined);
    await app.register(terraWebhook(handler));
    const response = await app.inject({ method: 'POST', url: '/', payload: body, headers: deliveryHeaders(body) });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: 'sent_by_app' });
    expect((seen as Error).message).toBe('headers refused');
    await app.close();
  });

  it('answers 413 above the handler’s maxBodyBytes, and above the deprecated bodyLimit', async () => {
    for (const [handlerOptions, pluginOptions] of [
      [{ maxBodyBytes: 100 }, {}],
      [{}, { bodyLimit: 100 }],
    ] as const) {
      const app = Fastify();
      const handler = createWebhookHandler({ secret: SECRET, onError: () => undefined, ...handlerOptions });
      await app.register(terraWebhook(handler, pluginOptions));
      const response = await app.inject({ method: 'POST', url: '/', payload: body, headers: deliveryHeaders(body) });
      expect(response.statusCode).toBe(413);
      expect(response.json()).toEqual({ error: 'body_too_large' });
      await app.close();
    }
  });
});
