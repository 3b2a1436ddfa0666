import { createServer } from 'node:http';
import express, { type ErrorRequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { terraWebhook } from '../../src/adapters/express.js';
import { TerraWebhookVerificationError } from '../../src/errors.js';
import { createWebhookHandler, type WebhookHandler } from '../../src/webhooks/handler.js';
import { describeAdapter, type Mounted, viaLoopback } from '../support/adapter-contract.js';
import { close, listen } from '../support/loopback.js';
import { activityEvent, deliveryHeaders, SECRET } from '../support/webhooks.js';

async function serve(app: express.Express): Promise<Mounted & { base: string }> {
  const server = createServer(app);
  const base = await listen(server);
  return {
    base,
    send: viaLoopback(base),
    close: () => close(server),
  };
}

const appWith = (handler: WebhookHandler, ...before: express.RequestHandler[]) => {
  const app = express();
  app.all('/webhooks/terra', ...before, terraWebhook(handler));
  app.use(express.json());
  return app;
};

describeAdapter('express (reading the body itself)', (handler) => serve(appWith(handler)));

describeAdapter('express with express.raw()', (handler) =>
  serve(appWith(handler, express.raw({ type: 'application/json', limit: '50mb' }))),
);

describe('express body parsers', () => {
  const body = JSON.stringify(activityEvent(2));
  const send = (base: string) =>
    fetch(`${base}/webhooks/terra`, { method: 'POST', body, headers: deliveryHeaders(body) });

  it('accepts the text left by express.text()', async () => {
    const handler = createWebhookHandler({ secret: SECRET });
    const mounted = await serve(appWith(handler, express.text({ type: 'application/json' })));
    try {
      expect((await send(mounted.base)).status).toBe(200);
    } finally {
      await mounted.close?.();
    }
  });

  it('passes a body_not_raw error to next when another middleware read the stream', async () => {
    const errors: unknown[] = [];
    const drain: express.RequestHandler = async (req, _res, next) => {
      for await (const _ of req) {
        // read and dropped, leaving no body behind
      }
      next();
    };
    const app = appWith(createWebhookHandler({ secret: SECRET }), drain);
    const capture: ErrorRequestHandler = (error, _req, res, _next) => {
      errors.push(error);
      res.status(500).end();
    };
    app.use(capture);
    const mounted = await serve(app);
    try {
      expect((await send(mounted.base)).status).toBe(500);
    } finally {
      await mounted.close?.();
    }
    expect(errors[0]).toMatchObject({ code: 'body_not_raw' });
    expect((errors[0] as Error).message).toMatch(/Another middleware read this request body/);
  });

  it('passes a clear body_not_raw error to next when express.json() ran first', async () => {
    const handler = createWebhookHandler({ secret: SECRET });
    const errors: unknown[] = [];
    const app = express();
    app.use(express.json());
    app.post('/webhooks/terra', terraWebhook(handler));
    const capture: ErrorRequestHandler = (error, _req, res, _next) => {
      errors.push(error);
      res.status(500).json({ error: 'setup' });
    };
    app.use(capture);
    const mounted = await serve(app);
    try {
      expect((await send(mounted.base)).status).toBe(500);
    } finally {
      await mounted.close?.();
    }
    expect(errors[0]).toBeInstanceOf(TerraWebhookVerificationError);
    expect((errors[0] as TerraWebhookVerificationError).code).toBe('body_not_raw');
    expect((errors[0] as Error).message).toMatch(/express\.json\(\).*before app\.use\(express\.json\(\)\)/);
  });
});
