/**
 * What a delivery must show before its body is read, and how many are admitted (issue 20, item 2):
 *
 * - a signature header that cannot verify whatever the body (not a signature, no `v1`, a `v1` not in
 *   hex, a timestamp outside the tolerance) is answered 401 at once, its body unread, on every
 *   adapter (Node, Express, Fastify and Hono over loopback; fetch and Next.js with a Web Request);
 * - deliveries in flight are capped (`maxDeliveriesInFlight`): of a burst of 2,000 verified
 *   deliveries whose listeners are still running, those past the cap are answered 503 with
 *   Retry-After, not admitted;
 * - body bytes in flight are capped (`maxBytesInFlight`): a body that would pass it is refused with
 *   503 before it is read.
 */
import { describe, expect, it } from 'vitest';
import { createFetchHandler } from '../../src/adapters/fetch.js';
import { terraWebhook as nextWebhook } from '../../src/adapters/next.js';
import { TerraConfigurationError } from '../../src/errors.js';
import {
  createWebhookHandler,
  DEFAULT_MAX_BYTES_IN_FLIGHT,
  DEFAULT_MAX_DELIVERIES_IN_FLIGHT,
} from '../../src/webhooks/handler.js';
import { recorded } from '../support/recorded-handler.js';
import { gate } from '../support/wait.js';
import { activityEvent, deliveryHeaders, hmacHex, SECRET } from '../support/webhooks.js';
import { ADAPTERS, repeated, send, sendStalled, serveWith } from './support.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const BODY = new Uint8Array(1000).fill(0x20);

/** Headers that cannot verify whatever the body, and the code each is refused with. */
const UNVERIFIABLE: [string, () => string, string][] = [
  ['not a signature', () => 'x', 'malformed_header'],
  ['no v1', () => `t=${nowSeconds()},v0=${'ab'.repeat(32)}`, 'malformed_header'],
  ['a v1 not in hex', () => `t=${nowSeconds()},v1=zz`, 'no_matching_signature'],
  [
    'a real signature an hour old',
    () => `t=${nowSeconds() - 3600},v1=${hmacHex(SECRET, nowSeconds() - 3600, BODY)}`,
    'timestamp_outside_tolerance',
  ],
  [
    'a signature ten minutes ahead',
    () => `t=${nowSeconds() + 600},v1=${'ab'.repeat(32)}`,
    'timestamp_outside_tolerance',
  ],
];

describe.each(ADAPTERS)('%s adapter: a header that cannot verify', (adapter) => {
  it.each(UNVERIFIABLE)('%s: 401 at once, the body unread', async (_name, header, code) => {
    const { handler, errors } = recorded();
    // The first bytes, then nothing: a server that waits for the body answers only at its deadline.
    const answer = await sendStalled(
      adapter,
      handler,
      { 'content-type': 'application/json', 'terra-signature': header(), 'content-length': '1000000' },
      10,
      3_000,
    );
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toEqual({ error: code });
    expect(answer.ms).toBeLessThan(1_000);
    expect(errors[0]?.context).toMatchObject({ phase: 'verify', status: 401 });
  });
});

describe.each([
  ['fetch', (handler: ReturnType<typeof recorded>['handler']) => createFetchHandler(handler)],
  ['next', (handler: ReturnType<typeof recorded>['handler']) => nextWebhook(handler)],
] as const)('%s adapter: a header that cannot verify', (_adapter, mount) => {
  it.each(UNVERIFIABLE)('%s: 401, the body unread', async (_name, header, code) => {
    const { handler, errors } = recorded();
    let pulled = 0;
    const request = new Request('http://localhost/webhooks/terra', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'terra-signature': header() },
      body: new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled++;
          controller.enqueue(BODY);
        },
      }),
      duplex: 'half',
    } as RequestInit);
    const response = await mount(handler)(request);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: code });
    expect(request.bodyUsed).toBe(false);
    // At most the one chunk a stream asks for when it is made: nothing read since.
    expect(pulled).toBeLessThanOrEqual(1);
    expect(errors[0]?.context).toMatchObject({ phase: 'verify', status: 401 });
  });
});

describe('deliveries in flight', () => {
  it(`admit ${DEFAULT_MAX_DELIVERIES_IN_FLIGHT} of a burst of 2,000 by default, and answer the rest 503 with Retry-After`, async () => {
    const { promise: blocked, release } = gate();
    let started = 0;
    const { handler, errors } = recorded({ deadlineMs: 30_000 });
    handler.on('activity', () => {
      started++;
      return blocked;
    });
    const webhook = createFetchHandler(handler);
    const body = JSON.stringify(activityEvent(1));
    const headers = deliveryHeaders(body);
    const answers = Array.from({ length: 2000 }, () =>
      webhook(new Request('http://localhost/webhooks/terra', { method: 'POST', headers, body })),
    );
    // Every refusal is answered at once; the admitted wait for their listeners.
    const refused: Response[] = [];
    const settled = answers.map((answer) =>
      answer.then((response) => response.status === 503 && refused.push(response)),
    );
    for (let i = 0; i < 100 && started + refused.length < 2000; i++) await new Promise((r) => setTimeout(r, 20));
    try {
      expect(started).toBe(DEFAULT_MAX_DELIVERIES_IN_FLIGHT);
      expect(refused).toHaveLength(2000 - DEFAULT_MAX_DELIVERIES_IN_FLIGHT);
      expect(refused[0]?.headers.get('retry-after')).toBe('30');
      expect(await refused[0]?.json()).toEqual({ error: 'overloaded' });
      expect(errors[0]?.error).toMatchObject({
        code: 'overloaded',
        message: expect.stringMatching(/maxDeliveriesInFlight/),
      });
    } finally {
      release();
      await Promise.all(settled);
    }
    // Once they are answered, deliveries are admitted again.
    const again = await webhook(new Request('http://localhost/webhooks/terra', { method: 'POST', headers, body }));
    expect(again.status).toBe(200);
  });

  it('count a listener still running after the deadline until it finishes', async () => {
    const { promise: blocked, release } = gate();
    const { handler } = recorded({ deadlineMs: 10, maxDeliveriesInFlight: 2 });
    handler.on('activity', () => blocked);
    const webhook = createFetchHandler(handler);
    const body = JSON.stringify(activityEvent(1));
    const deliver = () =>
      webhook(new Request('http://localhost/webhooks/terra', { method: 'POST', headers: deliveryHeaders(body), body }));
    expect((await deliver()).status).toBe(200);
    expect((await deliver()).status).toBe(200);
    expect((await deliver()).status).toBe(503);
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect((await deliver()).status).toBe(200);
  });

  it.each(ADAPTERS)('are capped on the %s adapter too, before the bodies are read', async (adapter) => {
    const { promise: blocked, release } = gate();
    const { handler } = recorded({ deadlineMs: 30_000, maxDeliveriesInFlight: 4 });
    handler.on('activity', () => blocked);
    const served = await serveWith(adapter, handler);
    const body = new TextEncoder().encode(JSON.stringify(activityEvent(1)));
    try {
      const admitted = Array.from({ length: 4 }, () =>
        send(served.url, { headers: deliveryHeaders(body), body: [body], timeoutMs: 10_000 }),
      );
      // Wait until the four are in their listeners.
      await new Promise((r) => setTimeout(r, 300));
      const refused = await Promise.all(
        Array.from({ length: 8 }, () =>
          send(served.url, {
            headers: { ...deliveryHeaders(body), 'content-length': String(49 * 1024 * 1024) },
            body: repeated(64 * 1024, 49 * 16),
          }),
        ),
      );
      for (const answer of refused) {
        expect(answer.status).toBe(503);
        expect(answer.headers['retry-after']).toBe('30');
        expect(answer.sent).toBeLessThan(16 * 1024 * 1024);
      }
      release();
      for (const answer of await Promise.all(admitted)) expect(answer.status).toBe(200);
    } finally {
      release();
      await served.close();
    }
  });
});

describe('body bytes in flight', () => {
  it(`default to ${DEFAULT_MAX_BYTES_IN_FLIGHT / 1024 / 1024} MiB, and refuse a body that would pass them before reading it`, async () => {
    const { promise: blocked, release } = gate();
    const { handler, errors } = recorded({ deadlineMs: 30_000, maxBytesInFlight: 3000 });
    handler.on('activity', () => blocked);
    const webhook = createFetchHandler(handler);
    const body = JSON.stringify(activityEvent(1));
    const size = new TextEncoder().encode(body).byteLength;
    const deliver = () =>
      webhook(
        new Request('http://localhost/webhooks/terra', {
          method: 'POST',
          headers: { ...deliveryHeaders(body), 'content-length': String(size) },
          body,
        }),
      );
    // The first is always admitted, whatever its size; the next only while the total fits.
    const fits = Math.max(1, Math.floor(3000 / size));
    const admitted = Array.from({ length: fits }, deliver);
    await new Promise((r) => setTimeout(r, 50));
    const refused = await deliver();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(errors.at(-1)?.error).toMatchObject({
      code: 'overloaded',
      message: expect.stringMatching(/maxBytesInFlight/),
    });
    release();
    for (const answer of await Promise.all(admitted)) expect(answer.status).toBe(200);
    expect((await deliver()).status).toBe(200);
  });

  it('refuse options that are not whole numbers of at least one', () => {
    for (const bad of [0, -1, 1.5, '64']) {
      expect(() => createWebhookHandler({ secret: SECRET, maxBytesInFlight: bad as number })).toThrow(
        TerraConfigurationError,
      );
      expect(() => createWebhookHandler({ secret: SECRET, maxDeliveriesInFlight: bad as number })).toThrow(
        TerraConfigurationError,
      );
    }
  });
});
