import { createServer } from 'node:http';
import express from 'express';
import { describe, expect, it, vi } from 'vitest';
import { terraWebhook } from '../../src/adapters/express.js';
import { TerraWebhookVerificationError } from '../../src/errors.js';
import { createWebhookHandler, type WebhookErrorContext, type WebhookHandler } from '../../src/webhooks/handler.js';
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

  it('answers 500 body_not_raw, and tells onError, when another middleware read the stream', async () => {
    const errors: { error: unknown; context: WebhookErrorContext }[] = [];
    const drain: express.RequestHandler = async (req, _res, next) => {
      for await (const _ of req) {
        // read and dropped, leaving no body behind
      }
      next();
    };
    const handler = createWebhookHandler({
      secret: SECRET,
      onError: (error, context) => errors.push({ error, context }),
    });
    const mounted = await serve(appWith(handler, drain));
    try {
      const response = await send(mounted.base);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: 'body_not_raw' });
    } finally {
      await mounted.close?.();
    }
    expect(errors[0]?.error).toMatchObject({ code: 'body_not_raw' });
    expect((errors[0]?.error as Error | undefined)?.message).toMatch(/Another middleware read this request body/);
    expect(errors[0]?.context).toMatchObject({ phase: 'verify', status: 500 });
  });

  it('answers the documented 500 JSON, not Express’s HTML error page, when express.json() ran first', async () => {
    const errors: { error: unknown; context: WebhookErrorContext }[] = [];
    const handler = createWebhookHandler({
      secret: SECRET,
      onError: (error, context) => errors.push({ error, context }),
    });
    const app = express();
    app.use(express.json());
    app.post('/webhooks/terra', terraWebhook(handler));
    const mounted = await serve(app);
    try {
      const response = await send(mounted.base);
      expect(response.status).toBe(500);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.text()).toBe('{"error":"body_not_raw"}');
    } finally {
      await mounted.close?.();
    }
    expect(errors[0]?.error).toBeInstanceOf(TerraWebhookVerificationError);
    expect((errors[0]?.error as TerraWebhookVerificationError | undefined)?.code).toBe('body_not_raw');
    expect((errors[0]?.error as Error | undefined)?.message).toMatch(
      /express\.json\(\).*before app\.use\(express\.json\(\)\)/,
    );
    expect(errors[0]?.context).toMatchObject({ phase: 'verify', status: 500 });
  });

  it('without onError, logs one line that carries the fix when express.json() ran first', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const app = express();
      app.use(express.json());
      app.post('/webhooks/terra', terraWebhook(createWebhookHandler({ secret: SECRET })));
      const mounted = await serve(app);
      try {
        expect((await send(mounted.base)).status).toBe(500);
      } finally {
        await mounted.close?.();
      }
      expect(log).toHaveBeenCalledTimes(1);
      const line = String(log.mock.calls[0]?.[0]);
      expect(line).toMatch(
        /^terra-sdk: webhook delivery failed: phase=verify status=500 code=body_not_raw trace=\S+; fix: /,
      );
      expect(line).toContain('before app.use(express.json())');
      expect(line).toContain('express.raw({ type: "application/json" })');
      expect(line).not.toContain('\n');
      // No payload value in the line: the body's user id stays out.
      expect(line).not.toContain(JSON.parse(body).user.user_id);
    } finally {
      log.mockRestore();
    }
  });

  it('refuses a Buffer from express.raw() over maxBodyBytes with 413', async () => {
    const handler = createWebhookHandler({ secret: SECRET, maxBodyBytes: 100, onError: () => undefined });
    const mounted = await serve(appWith(handler, express.raw({ type: 'application/json' })));
    try {
      const response = await send(mounted.base);
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ error: 'body_too_large' });
    } finally {
      await mounted.close?.();
    }
  });
});
