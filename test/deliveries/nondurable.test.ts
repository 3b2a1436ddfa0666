/**
 * The non-durable handler with a store: a duplicate of a delivery whose listener is still running
 * (in this process or another) is answered 503 with Retry-After instead of running it again; after
 * the listener failed, Terra's retry runs it at once.
 */
import { expect, it } from 'vitest';
import { createFetchHandler } from '../../src/adapters/fetch.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { createWebhookHandler } from '../../src/webhooks/handler.js';
import {
  describeEngines,
  type EngineName,
  openForEachTest,
  type TestDatabase,
} from '../connections/support/engines.js';
import { gate } from '../support/wait.js';
import { SECRET, signedRequest } from '../support/webhooks.js';

describeEngines('non-durable duplicates while listeners run', (engine: EngineName) => {
  let db: TestDatabase;
  openForEachTest(engine, (opened) => {
    db = opened;
  });

  it('answers a racing duplicate 503 with Retry-After, and runs the listener once', async () => {
    let calls = 0;
    const { promise: running, release: finish } = gate();
    const handler = createWebhookHandler({ secret: SECRET, store: db.store }).on('activity', async () => {
      calls++;
      await running;
    });
    const webhook = createFetchHandler(handler);
    const body = JSON.stringify(fixtures.event('activity', { user: fixtures.user({ seed: 5, provider: 'GARMIN' }) }));
    const request = () => signedRequest(body, { 'x-terra-trace-id': `nd-${engine}-1` });
    const first = webhook(request());
    while (calls === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const duplicate = await webhook(request());
    expect(duplicate.status).toBe(503);
    expect(duplicate.headers.get('retry-after')).toBe('30');
    finish();
    expect((await first).status).toBe(200);
    expect((await webhook(request())).status).toBe(200);
    expect(calls).toBe(1);
  });

  it('after a listener failure, the retry runs the listener at once', async () => {
    let calls = 0;
    const handler = createWebhookHandler({ secret: SECRET, store: db.store, onError: () => undefined }).on(
      'sleep',
      () => {
        calls++;
        if (calls === 1) throw new Error('downstream is down');
      },
    );
    const webhook = createFetchHandler(handler);
    const body = JSON.stringify(fixtures.event('sleep', { user: fixtures.user({ seed: 6, provider: 'OURA' }) }));
    const request = () => signedRequest(body, { 'x-terra-trace-id': `nd-${engine}-2` });
    expect((await webhook(request())).status).toBe(500);
    expect((await webhook(request())).status).toBe(200);
    expect(calls).toBe(2);
  });
});
