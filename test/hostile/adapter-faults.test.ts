/**
 * Every adapter, through its real framework over loopback, answers the same fault with the same
 * status, and bounds what it reads and how long it waits: 405 to any method but POST, 401 to an
 * unsigned request before its body arrives, 413 from Content-Length or once `maxBodyBytes` arrived,
 * 408 to a body slower than `bodyDeadlineMs`, and 503 with Retry-After while `maxLateListeners`
 * listeners are still running.
 */
import { createServer } from 'node:http';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { terraWebhook as expressWebhook } from '../../src/adapters/express.js';
import { TerraWebhookRequestError, TerraWebhookVerificationError } from '../../src/errors.js';
import { serveOnLoopback } from '../support/loopback.js';
import { recorded } from '../support/recorded-handler.js';
import { gate } from '../support/wait.js';
import { activityEvent, deliveryHeaders, signatureHeader } from '../support/webhooks.js';
import { ADAPTERS, PATH, repeated, send, sendStalled, serveWith } from './support.js';

describe.each(ADAPTERS)('%s adapter under hostile requests', (adapter) => {
  it('answers 405 with Allow: POST to every other method, TRACE included', async () => {
    const { handler } = recorded();
    const served = await serveWith(adapter, handler);
    try {
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE']) {
        const answer = await send(served.url, { method });
        expect({ method, status: answer.status, allow: answer.headers.allow }).toEqual({
          method,
          status: 405,
          allow: 'POST',
        });
        expect(JSON.parse(answer.text)).toEqual({ error: 'method_not_allowed' });
      }
    } finally {
      await served.close();
    }
  });

  it('answers 401 to a request without a signature header before its body arrives', async () => {
    const { handler, errors } = recorded();
    const answer = await sendStalled(
      adapter,
      handler,
      { 'content-type': 'application/json', 'content-length': String(1e9) },
      1,
    );
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toEqual({ error: 'missing_header' });
    expect(answer.sent).toBe(1);
    expect(errors[0]?.error).toBeInstanceOf(TerraWebhookVerificationError);
    expect(errors[0]?.context).toMatchObject({ phase: 'verify', status: 401 });
  });

  it('answers 413 from a Content-Length over maxBodyBytes, before reading the body', async () => {
    const { handler, errors } = recorded();
    const answer = await sendStalled(
      adapter,
      handler,
      {
        'content-type': 'application/json',
        'terra-signature': signatureHeader('x'),
        'content-length': String(60 * 1024 * 1024),
      },
      1,
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toEqual({ error: 'body_too_large' });
    expect(errors[0]?.error).toBeInstanceOf(TerraWebhookRequestError);
    expect(errors[0]?.context).toMatchObject({ phase: 'receive', status: 413 });
  });

  it('answers 413 once a body without Content-Length passes maxBodyBytes', async () => {
    const { handler, errors } = recorded({ maxBodyBytes: 64 * 1024 });
    const served = await serveWith(adapter, handler);
    try {
      const answer = await send(served.url, {
        headers: { 'content-type': 'application/json', 'terra-signature': signatureHeader('x') },
        body: repeated(16 * 1024, 1024), // 16 MiB, chunked
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.text)).toEqual({ error: 'body_too_large' });
      expect(errors[0]?.context).toMatchObject({ phase: 'receive', status: 413 });
    } finally {
      await served.close();
    }
  });

  it('answers 408 to a body slower than bodyDeadlineMs, and closes the connection', async () => {
    const { handler, errors } = recorded({ bodyDeadlineMs: 200 });
    const answer = await sendStalled(
      adapter,
      handler,
      {
        'content-type': 'application/json',
        'terra-signature': signatureHeader('x'),
        'content-length': '1000',
      },
      10,
    );
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.text)).toEqual({ error: 'body_timeout' });
    expect(answer.ms).toBeGreaterThanOrEqual(150);
    expect(errors[0]?.context).toMatchObject({ phase: 'receive', status: 408 });
  });

  it('answers 503 with Retry-After while maxLateListeners listeners run past their deadline', async () => {
    const { promise: blocked, release } = gate();
    const { handler, errors } = recorded({ deadlineMs: 20, maxLateListeners: 2 });
    handler.on('activity', () => blocked);
    const served = await serveWith(adapter, handler);
    const body = JSON.stringify(activityEvent(1));
    const deliver = () => send(served.url, { headers: deliveryHeaders(body), body: [new TextEncoder().encode(body)] });
    try {
      expect((await deliver()).status).toBe(200);
      expect((await deliver()).status).toBe(200);
      const refused = await deliver();
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('30');
      expect(JSON.parse(refused.text)).toEqual({ error: 'overloaded' });
      expect(errors.at(-1)?.error).toMatchObject({ code: 'overloaded' });
      expect(errors.at(-1)?.context).toMatchObject({ phase: 'receive', status: 503 });
      release();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await deliver()).status).toBe(200);
    } finally {
      release();
      await served.close();
    }
  });
});

describe('express with express.json() registered first', () => {
  it('answers the documented 500 {"error":"body_not_raw"} in JSON, not Express’s HTML page, and tells onError', async () => {
    const { handler, errors } = recorded();
    const app = express();
    app.use(express.json());
    app.all(PATH, expressWebhook(handler));
    const served = await serveOnLoopback(createServer(app), PATH);
    try {
      const body = JSON.stringify(activityEvent(1));
      const answer = await send(served.url, {
        headers: deliveryHeaders(body),
        body: [new TextEncoder().encode(body)],
      });
      expect(answer.status).toBe(500);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.text).toBe('{"error":"body_not_raw"}');
      expect(errors[0]?.error).toBeInstanceOf(TerraWebhookVerificationError);
      expect(errors[0]?.context).toMatchObject({ phase: 'verify', status: 500 });
    } finally {
      await served.close();
    }
  });
});
