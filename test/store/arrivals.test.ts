/**
 * Every way data reaches the store: signed webhook deliveries through the handler, `s3_payload`
 * events downloaded from a loopback server (a failed download fails the delivery, and its retry
 * stores the data), synchronous reads through `applyResponse`, and a year of backfill chunks; and
 * the same through a durable handler, whose worker writes the records from the recorded delivery.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFetchHandler } from '../../src/adapters/fetch.js';
import { terraWebhook } from '../../src/adapters/node.js';
import { Terra } from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { createTerraStore } from '../../src/store/data/store.js';
import { createWebhookHandler, type WebhookHandler } from '../../src/webhooks/handler.js';
import { close, listen } from '../support/loopback.js';
import { until } from '../support/wait.js';
import { SECRET, signedRequest } from '../support/webhooks.js';
import { type DataTestDatabase, dataEvent, describeEngines, openDataStore, sleepRecord, user } from './support.js';

const ring = user('u-ring', 'OURA');
const night = dataEvent('sleep', ring, [
  sleepRecord('s3-night', '2026-04-01T23:00:00+02:00', '2026-04-02T07:00:00+02:00', {
    data_enrichment: { sleep_score: 77 },
  }),
]);

let s3: Server;
let s3Base: string;
let s3Fails = true;
beforeAll(async () => {
  s3 = createServer((req, res) => {
    if (req.url?.startsWith('/expired') || (req.url?.startsWith('/flaky') && s3Fails)) {
      res.statusCode = 403;
      res.end('<Error><Code>AccessDenied</Code></Error>');
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(night));
  });
  s3Base = await listen(s3);
});
afterAll(() => close(s3));

function signed(event: object, traceId: string, at = Date.now()) {
  return signedRequest(JSON.stringify(event), {
    'x-terra-trace-id': traceId,
    'x-terra-ordering-timestamp': String(at),
    'terra-reference': `ref-${traceId}`,
  });
}

describeEngines('data arrivals', (engine) => {
  let db: DataTestDatabase;
  beforeEach(async () => {
    db = await openDataStore(engine);
  }, 60_000);
  afterEach(async () => {
    await db.close();
  });

  it('a signed delivery through the handler is stored once, however often it is retried', async () => {
    const webhook = createFetchHandler(createWebhookHandler({ secret: SECRET, store: db.terra }));
    for (let i = 0; i < 3; i++) expect((await webhook(signed(night, 'hook-1', 5_000))).status).toBe(200);
    const [stored] = await db.terra.records('sleep', { referenceId: 'person-1' });
    expect(stored?.data_enrichment?.sleep_score).toBe(77);
    const [row] = await db.sql<{ trace_id: string; ordering_ts: Date }>(
      'SELECT trace_id, ordering_ts FROM terra_records',
    );
    expect(row?.trace_id).toBe('hook-1');
    expect(row?.ordering_ts.getTime()).toBe(5_000);
  });

  it('an s3_payload is downloaded and stored as the type it carries; a failed download is retried', async () => {
    const webhook = createFetchHandler(createWebhookHandler({ secret: SECRET, store: db.terra, onError: () => {} }));
    const ping = (path: string) => ({
      type: 's3_payload',
      status: 'success',
      url: `${s3Base}${path}?X-Amz-Signature=x`,
      expires_in: 300,
    });
    s3Fails = true;
    expect((await webhook(signed(ping('/flaky'), 'ping-1', 6_000))).status).toBe(500);
    expect(await db.terra.records('sleep', { referenceId: 'person-1' })).toEqual([]);
    // The delivery was not recorded: Terra's retry downloads again and stores the data.
    s3Fails = false;
    expect((await webhook(signed(ping('/flaky'), 'ping-1', 6_000))).status).toBe(200);
    expect((await db.terra.records('sleep', { referenceId: 'person-1' })).map((r) => r.metadata.summary_id)).toEqual([
      's3-night',
    ]);
    // The connection was touched by the data it carried.
    expect((await db.terra.getConnection('u-ring'))?.last_sync).not.toBeNull();
  });

  describe('through a durable handler', () => {
    const FAST = { leaseMs: 500, backoffMs: 10, maxBackoffMs: 40, pollIntervalMs: 20 } as const;
    const handlers: WebhookHandler[] = [];
    afterEach(async () => {
      await Promise.all(handlers.splice(0).map((h) => h.close({ timeoutMs: 100 })));
    });
    const durable = (store = db.terra) => {
      const handler = createWebhookHandler({ secret: SECRET, store, durable: true, onError: () => {}, ...FAST });
      handlers.push(handler);
      return createFetchHandler(handler);
    };
    const handled = (traceId: string) => until(async () => (await db.terra.delivery(traceId))?.status === 'handled');

    it('the worker stores the records of a data delivery, once', async () => {
      const webhook = durable();
      for (let i = 0; i < 2; i++) expect((await webhook(signed(night, 'durable-1', 5_000))).status).toBe(200);
      await handled('durable-1');
      const stored = await db.terra.records('sleep', { referenceId: 'person-1' });
      expect(stored.map((r) => [r.metadata.summary_id, r.data_enrichment?.sleep_score])).toEqual([['s3-night', 77]]);
      expect(await db.sql('SELECT trace_id FROM terra_records')).toEqual([{ trace_id: 'durable-1' }]);
    });

    it('the worker downloads an s3_payload, and retries a failed download until it stores the data', async () => {
      const webhook = durable();
      s3Fails = true;
      const ping = { type: 's3_payload', status: 'success', url: `${s3Base}/flaky?X-Amz-Signature=x`, expires_in: 300 };
      // Recorded and answered at once: the download is the worker's.
      expect((await webhook(signed(ping, 'durable-s3', 6_000))).status).toBe(200);
      await until(async () => ((await db.terra.delivery('durable-s3'))?.attempts ?? 0) >= 2);
      expect(await db.terra.records('sleep', { referenceId: 'person-1' })).toEqual([]);
      s3Fails = false;
      await handled('durable-s3');
      expect((await db.terra.records('sleep', { referenceId: 'person-1' })).map((r) => r.metadata.summary_id)).toEqual([
        's3-night',
      ]);
    });

    it('counts the chunks of a large request once each, and erases on deauth when asked to', async () => {
      const terra = createTerraStore({ db: db.db, data: true, onDisconnect: 'delete' });
      const webhook = durable(terra);
      const chunk = (n: number, traceId: string) =>
        signedRequest(JSON.stringify(night), {
          'x-terra-trace-id': traceId,
          'x-terra-ordering-timestamp': '7000',
          'terra-reference': `big-request:chunk:${n}`,
        });
      // Chunk 1 twice, under two trace ids (a replay), and chunk 2.
      for (const [n, traceId] of [
        [1, 'chunk-a'],
        [1, 'chunk-b'],
        [2, 'chunk-c'],
      ] as const) {
        expect((await webhook(chunk(n, traceId))).status).toBe(200);
        await handled(traceId);
      }
      expect((await terra.largeRequest('big-request'))?.received).toBe(2);
      expect(await terra.records('sleep', { referenceId: 'person-1' })).toHaveLength(1);
      const deauth = { type: 'deauth', status: 'success', user: ring, message: 'User has deauthenticated' };
      expect((await webhook(signed(deauth, 'durable-deauth', 8_000))).status).toBe(200);
      await handled('durable-deauth');
      expect(await terra.records('sleep', { referenceId: 'person-1' })).toEqual([]);
      const [audit] = await db.sql<{ reason: string }>('SELECT reason FROM terra_erasures');
      expect(audit?.reason).toBeDefined();
    });
  });

  it('applyResponse stores a synchronous read (toWebhook: false) and refuses anything else', async () => {
    const sandbox = await startSandbox({ webhookUrl: 'http://127.0.0.1:9/unused', secret: SECRET });
    try {
      const person = sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'sync-person' });
      const terra = new Terra({ apiKey: 'key', devId: 'dev', baseUrl: sandbox.baseUrl });
      const response = await terra.getDailyForUser(person.user_id, {
        startDate: '2026-03-01',
        endDate: '2026-03-08',
        toWebhook: false,
        withSamples: false,
      });
      const result = await db.terra.applyResponse(response);
      expect(result.type).toBe('daily');
      expect(result.written).toBeGreaterThan(0);
      const stored = await db.terra.records('daily', { terraUserId: person.user_id });
      expect(stored).toHaveLength(result.written);
      expect(stored).toEqual(
        (response.getParsedResponse() as { data: unknown[] }).data
          .slice()
          .sort((a, b) =>
            String((a as { metadata: { start_time: string } }).metadata.start_time) <
            String((b as { metadata: { start_time: string } }).metadata.start_time)
              ? -1
              : 1,
          ),
      );
      // Read again, the same copy is newer (a synchronous read counts as of its call) and changes no record.
      await db.terra.applyResponse(response);
      expect(await db.terra.records('daily', { terraUserId: person.user_id })).toEqual(stored);
      await expect(db.terra.applyResponse({ kind: 'SentToWebhook', reference: 'r' })).rejects.toThrow(/DataReturned/);
    } finally {
      await sandbox.close();
    }
  }, 60_000);
});

describeEngines('a year of backfill', (engine) => {
  let db: DataTestDatabase;
  let receiver: Server;
  let sandbox: Sandbox;
  beforeEach(async () => {
    db = await openDataStore(engine);
    receiver = createServer(terraWebhook(createWebhookHandler({ secret: 'year-secret', store: db.terra })));
    const url = await listen(receiver);
    sandbox = await startSandbox({ webhookUrl: url, secret: 'year-secret', retry: { scale: 1 / 100_000 } });
  }, 60_000);
  afterEach(async () => {
    await sandbox.close();
    receiver.closeAllConnections();
    await close(receiver);
    await db.close();
  });

  it('stores every day of a year delivered in chunks, once', async () => {
    const person = sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'year-person' });
    const terra = new Terra({ apiKey: 'key', devId: 'dev', baseUrl: sandbox.baseUrl });
    const backfill = await terra.backfill(person.user_id, {
      from: '2025-04-01',
      to: '2026-04-01',
      types: ['daily', 'sleep'],
      store: db.terra,
      withSamples: false,
      pollIntervalMs: 50,
      maxWaitMs: 120_000,
    });
    await backfill.done;
    const daily = await db.terra.records('daily', { referenceId: 'year-person' });
    const dates = daily.map((d) => d.metadata.start_time.slice(0, 10));
    expect(new Set(dates).size).toBe(dates.length);
    expect(dates.length).toBe(365);
    const sent = sandbox.emulator.deliveries.filter((d) => d.payload.type === 'sleep');
    const ids = new Set(
      sent.flatMap((d) => (d.payload.data as { metadata: { summary_id: string } }[]).map((s) => s.metadata.summary_id)),
    );
    expect(await db.terra.records('sleep', { referenceId: 'year-person' })).toHaveLength(ids.size);
  }, 240_000);
});
