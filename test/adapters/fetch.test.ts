/**
 * The fetch-style core, called with Web Requests as Bun, Deno and Workers do, and the deadline
 * behaviour, which every adapter inherits from it.
 */
import { describe, expect, it } from 'vitest';
import { createFetchHandler, fromRequest } from '../../src/adapters/fetch.js';
import { TerraWebhookRequestError } from '../../src/errors.js';
import { createWebhookHandler, type WebhookErrorContext } from '../../src/webhooks/handler.js';
import { describeAdapter, viaRequest } from '../support/adapter-contract.js';
import { activityEvent, SECRET, signedRequest } from '../support/webhooks.js';

/** A signature header that passes the checks made before the body (fresh, 64 hex), and matches nothing. */
const FRESH_HEADER = () => `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`;

describeAdapter('fetch (Bun, Deno, Workers)', async (handler) => {
  const webhook = createFetchHandler(handler);
  return {
    send: viaRequest((request) => webhook(request)),
  };
});

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('listener deadline', () => {
  const body = JSON.stringify(activityEvent(1));

  it('answers 200 at the deadline, lets the listener finish, and reports its late failure', async () => {
    const gate = deferred();
    const reported = deferred();
    let finished = false;
    const errors: { error: unknown; context: WebhookErrorContext }[] = [];
    const kept: Promise<unknown>[] = [];
    const handler = createWebhookHandler({
      secret: SECRET,
      deadlineMs: 30,
      onError: (error, context) => {
        errors.push({ error, context });
        reported.resolve();
      },
    }).on('activity', async () => {
      await gate.promise;
      finished = true;
    });
    const response = await createFetchHandler(handler)(signedRequest(body), {
      waitUntil: (promise) => {
        kept.push(promise);
      },
    });
    expect(response.status).toBe(200);
    expect(finished).toBe(false);
    expect(kept).toHaveLength(1);
    gate.reject(new Error('slow write failed'));
    await reported.promise;
    expect(errors).toHaveLength(1);
    expect(errors[0]?.context).toMatchObject({ phase: 'handler', status: 200, afterResponse: true });
    expect(errors[0]?.context.json).toEqual(JSON.parse(body));
    await expect(kept[0]).resolves.toBeUndefined();
  });

  it('answers once the listener is done when it beats the deadline', async () => {
    let finished = false;
    const handler = createWebhookHandler({ secret: SECRET, deadlineMs: 2000 }).on('activity', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished = true;
    });
    const response = await createFetchHandler(handler)(signedRequest(body));
    expect(response.status).toBe(200);
    expect(finished).toBe(true);
  });

  it('uses the waitUntil given at creation unless the call brings its own', async () => {
    const gate = deferred();
    const atCreation: Promise<unknown>[] = [];
    const handler = createWebhookHandler({ secret: SECRET, deadlineMs: 10 }).on('activity', () => gate.promise);
    const webhook = createFetchHandler(handler, { waitUntil: (p) => atCreation.push(p) });
    expect((await webhook(signedRequest(body))).status).toBe(200);
    expect(atCreation).toHaveLength(1);
    const perCall: Promise<unknown>[] = [];
    await webhook(signedRequest(body), { waitUntil: (p) => perCall.push(p) });
    expect([atCreation.length, perCall.length]).toEqual([1, 1]);
    gate.resolve();
  });
});

describe('setup errors', () => {
  it('answers 400 when the body breaks off while it is read, and reports it', async () => {
    const errors: { error: unknown; context: WebhookErrorContext }[] = [];
    const handler = createWebhookHandler({
      secret: SECRET,
      onError: (error, context) => errors.push({ error, context }),
    });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.error(new Error('connection reset'));
      },
    });
    const request = new Request('http://localhost/', {
      method: 'POST',
      body,
      headers: { 'terra-signature': FRESH_HEADER() },
      duplex: 'half',
    } as RequestInit);
    const response = await createFetchHandler(handler)(request);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'body_incomplete' });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toBeInstanceOf(TerraWebhookRequestError);
    expect(errors[0]?.context).toMatchObject({ phase: 'receive', status: 400 });
  });

  it('rejects with body_incomplete, never throws, when a framework request throws as its body is read', async () => {
    // With a Content-Length, the body is read in one arrayBuffer() call.
    const request = signedRequest('{}', { 'content-length': '2' });
    Object.defineProperty(request, 'arrayBuffer', {
      value: () => {
        throw new Error('socket gone');
      },
    });
    const reading = fromRequest(request).readBody(1_000, 1_000);
    await expect(reading).rejects.toMatchObject({ code: 'body_incomplete', status: 400 });
  });

  it('answers 500, not 401, when a middleware already read the body, and says why', async () => {
    const errors: unknown[] = [];
    const handler = createWebhookHandler({ secret: SECRET, onError: (error) => errors.push(error) });
    const request = signedRequest(JSON.stringify(activityEvent(1)));
    await request.text();
    const response = await createFetchHandler(handler)(request);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'body_not_raw' });
    expect(errors[0]).toMatchObject({ code: 'body_not_raw' });
  });
});
