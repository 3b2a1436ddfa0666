/**
 * Replays cannot rewrite state (issue 20, item 4). `X-Terra-Trace-Id`, `X-Terra-Ordering-Timestamp`
 * and `terra-reference` are not covered by the signature, so a captured delivery replayed within the
 * tolerance may carry any of them. Here real signed bodies go through the webhook handler into a
 * store (PGlite, and PostgreSQL when TERRA_TEST_DATABASE_URL is set):
 *
 * - a deauth replayed with a new trace id and a year-9999 ordering timestamp does not freeze the
 *   connection: a later auth still makes it active, and the replay's timestamp is noted as drift;
 * - a 16-digit ordering header is neither refused nor dropped silently: the signed time stands in,
 *   the listener runs, and the drift says so;
 * - a chunk of a large request replayed with a new trace id does not count again, so the request is
 *   not complete before its last chunk arrives.
 */
import { expect, it } from 'vitest';
import { createFetchHandler } from '../../src/adapters/fetch.js';
import type { SchemaDrift } from '../../src/models/drift.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { createWebhookHandler } from '../../src/webhooks/handler.js';
import {
  describeEngines,
  type EngineName,
  openForEachTest,
  type TestDatabase,
} from '../connections/support/engines.js';
import { SECRET, signatureHeader } from '../support/webhooks.js';

/** A body signed `secondsAgo` before now, and its delivery headers: what an attacker could capture. */
function captured(event: object, traceId: string, secondsAgo: number, reference?: string) {
  const body = JSON.stringify(event);
  const t = Math.floor(Date.now() / 1000) - secondsAgo;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'terra-signature': signatureHeader(body, SECRET, t),
    'x-terra-trace-id': traceId,
    'x-terra-ordering-timestamp': String(t * 1000),
    ...(reference === undefined ? {} : { 'terra-reference': reference }),
  };
  return {
    t,
    /** The request as sent, or replayed with some headers changed. */
    request: (changed: Record<string, string> = {}) =>
      new Request('http://localhost/webhooks/terra', { method: 'POST', headers: { ...headers, ...changed }, body }),
  };
}

describeEngines('replayed deliveries', (engine: EngineName) => {
  let db: TestDatabase;
  openForEachTest(engine, (opened) => {
    db = opened;
  });

  function receiver() {
    const drift: { type: string; codes: string[] }[] = [];
    const seen: string[] = [];
    const handler = createWebhookHandler({
      secret: SECRET,
      store: db.store,
      onDrift: (entries: readonly SchemaDrift[], context) => {
        drift.push({ type: context.eventType, codes: entries.map((d) => d.code) });
      },
    }).onUnhandled((event) => {
      seen.push(event.type);
    });
    return { webhook: createFetchHandler(handler), drift, seen };
  }

  it('a deauth replayed with a year-9999 ordering timestamp does not freeze the connection', async () => {
    const { webhook, drift } = receiver();
    const user = fixtures.user({ seed: 7, provider: 'GARMIN' });
    const auth = captured(fixtures.event('auth', { user }), 'auth-1', 20);
    const deauth = captured(fixtures.event('deauth', { user }), 'deauth-1', 10);
    expect((await webhook(auth.request())).status).toBe(200);
    expect((await webhook(deauth.request())).status).toBe(200);
    // The replay: the same signed body, a new trace id, the end of time as its ordering timestamp.
    const replay = await webhook(
      deauth.request({ 'x-terra-trace-id': 'replayed-deauth', 'x-terra-ordering-timestamp': '253402300799999' }),
    );
    expect(replay.status).toBe(200);
    // The person connects again: a newer auth than anything Terra sent before.
    const again = captured(fixtures.event('auth', { user }), 'auth-2', 0);
    expect((await webhook(again.request())).status).toBe(200);
    const row = await db.store.getConnection(user.user_id);
    expect(row?.status).toBe('active');
    // Nothing in the row is dated after the signed times.
    expect(row?.last_event_at?.getTime()).toBeLessThanOrEqual(again.t * 1000);
    expect(drift).toContainEqual({ type: 'deauth', codes: ['untrusted_header'] });
  });

  it('a 16-digit ordering header falls back to the signed time, runs the listener and is reported', async () => {
    const { webhook, drift, seen } = receiver();
    const user = fixtures.user({ seed: 8, provider: 'FITBIT' });
    const auth = captured(fixtures.event('auth', { user }), 'auth-16', 5);
    const answer = await webhook(auth.request({ 'x-terra-ordering-timestamp': '9999999999999999' }));
    expect(answer.status).toBe(200);
    const row = await db.store.getConnection(user.user_id);
    expect(row?.status).toBe('active');
    expect(row?.last_event_at?.getTime()).toBe(auth.t * 1000);
    expect(seen).toEqual(['auth']);
    expect(drift).toEqual([{ type: 'auth', codes: ['untrusted_header'] }]);
  });

  it('a chunk replayed with a new trace id does not complete a large request early', async () => {
    const { webhook } = receiver();
    const user = fixtures.user({ seed: 9, provider: 'OURA' });
    const announce = captured(
      { type: 'large_request_sending', user, reference: 'LR-replay', expected_payloads: 2 },
      'announce-1',
      30,
      'LR-replay',
    );
    const chunk1 = captured(fixtures.event('sleep', { user }), 'chunk-1', 20, 'LR-replay:chunk:1');
    const chunk2 = captured(fixtures.event('sleep', { user }), 'chunk-2', 10, 'LR-replay:chunk:2');
    expect((await webhook(announce.request())).status).toBe(200);
    expect((await webhook(chunk1.request())).status).toBe(200);
    for (const traceId of ['replayed-1', 'replayed-2', 'replayed-3']) {
      expect((await webhook(chunk1.request({ 'x-terra-trace-id': traceId }))).status).toBe(200);
    }
    expect(await db.store.largeRequest('LR-replay')).toMatchObject({ expected: 2, received: 1, complete: false });
    expect((await webhook(chunk2.request())).status).toBe(200);
    expect(await db.store.largeRequest('LR-replay')).toMatchObject({ expected: 2, received: 2, complete: true });
  });
});
