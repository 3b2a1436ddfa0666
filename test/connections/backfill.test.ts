/**
 * A backfill end to end: the sandbox delivers each month as Terra does (large months in announced
 * chunks), a receiver behind terra-sdk/node applies them to the store, and `backfill.done`, reading
 * the store through its own connection, resolves once every chunk arrived.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Terra, TerraAbortError, TerraBackfillTimeoutError } from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { type ConnectionStore, createConnectionStore } from '../../src/store/connections.js';
import { createWebhookHandler } from '../../src/webhooks/handler.js';
import { type Served, serveWebhook } from '../support/loopback.js';
import {
  describeEngines,
  type EngineName,
  openDatabase,
  openForEachTest,
  type TestDatabase,
} from './support/engines.js';

const SECRET = 'backfill-secret';

describeEngines('backfill', (engine: EngineName) => {
  let db: TestDatabase;
  let receiver: Served;
  let sandbox: Sandbox;
  let terra: Terra;
  /** The store the backfill reads: on PostgreSQL, another pool than the receiver's, as another process would. */
  let store: ConnectionStore;

  beforeEach(async () => {
    db = await openDatabase(engine);
    receiver = await serveWebhook(createWebhookHandler({ secret: SECRET, store: db.store }));
    sandbox = await startSandbox({ webhookUrl: receiver.url, secret: SECRET, retry: { scale: 1 / 100_000 } });
    terra = new Terra({ apiKey: 'key', devId: 'dev', baseUrl: sandbox.baseUrl });
    store = engine === 'postgres' ? createConnectionStore({ db: db.pool(2) }) : db.store;
  }, 60_000);
  afterEach(async () => {
    await sandbox.close();
    await receiver.close();
    await db.close();
  });

  it('requests each month, and done resolves once every chunk of every month arrived', async () => {
    const user = sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'backfill-person' });
    const backfill = await terra.backfill(user.user_id, {
      from: '2026-03-10',
      to: '2026-07-01',
      types: ['daily', 'sleep'],
      store,
      withSamples: false,
      pollIntervalMs: 20,
      maxWaitMs: 20_000,
    });
    // 30- and 31-day months are large requests to the sandbox (over 28 days): chunked and announced.
    expect(backfill.requests.map((r) => `${r.type} ${r.startDate}..${r.endDate} ${r.outcome}`)).toEqual([
      'daily 2026-06-01..2026-07-01 large',
      'sleep 2026-06-01..2026-07-01 large',
      'daily 2026-05-01..2026-06-01 large',
      'sleep 2026-05-01..2026-06-01 large',
      'daily 2026-04-01..2026-05-01 large',
      'sleep 2026-04-01..2026-05-01 large',
      'daily 2026-03-10..2026-04-01 sent',
      'sleep 2026-03-10..2026-04-01 sent',
    ]);
    const result = await backfill.done;
    // Every data delivery the sandbox sent for these requests was counted, once.
    const references = new Set(backfill.requests.map((r) => r.reference));
    const sent = sandbox.emulator.deliveries.filter(
      (d) => references.has(d.reference) && (d.payload.type === 'daily' || d.payload.type === 'sleep'),
    );
    expect(result.payloads).toBe(sent.length);
    expect(result.payloads).toBeGreaterThan(8);
    for (const request of backfill.requests) {
      const progress = await store.largeRequest(request.reference as string);
      expect(progress).toMatchObject({ complete: true, terra_user_id: user.user_id });
      expect(progress?.received).toBe(progress?.expected);
      expect(progress?.expected).toBe(request.outcome === 'large' ? 5 : 1);
    }
    // Whole days, each once: 113 days of daily summaries arrived in the chunks.
    const days = new Set(
      sent
        .filter((d) => d.payload.type === 'daily')
        .flatMap((d) =>
          (d.payload.data as { metadata: { start_time: string } }[]).map((r) => r.metadata.start_time.slice(0, 10)),
        ),
    );
    expect(days.size).toBe(113);
    expect((await store.getConnection(user.user_id))?.last_sync).not.toBeNull();
  });

  it('done waits while chunks are missing, and times out naming the requests', async () => {
    const user = sandbox.emulator.connect({ provider: 'OURA', referenceId: 'backfill-person-2' });
    const backfill = await terra.backfill(user.user_id, {
      from: '2026-06-01',
      to: '2026-07-01',
      types: ['sleep'],
      store,
      pollIntervalMs: 20,
      maxWaitMs: 20_000,
    });
    await backfill.done;
    // A request recorded whose data never comes (as when Terra cannot reach the receiver).
    await store.expectRequest('reference-that-never-arrives', { expected: 1 });
    const stuck = await terra.backfill(user.user_id, {
      from: '2026-06-01',
      to: '2026-06-02',
      types: ['sleep'],
      store: {
        expectRequest: (_, options) => store.expectRequest('reference-that-never-arrives', options),
        largeRequest: () => store.largeRequest('reference-that-never-arrives'),
      },
      pollIntervalMs: 20,
      maxWaitMs: 200,
    });
    const error = await stuck.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraBackfillTimeoutError);
    expect((error as TerraBackfillTimeoutError).missing).toHaveLength(1);

    const controller = new AbortController();
    const aborted = await terra.backfill(user.user_id, {
      from: '2026-06-01',
      to: '2026-06-02',
      types: ['sleep'],
      store: { expectRequest: async () => undefined, largeRequest: async () => undefined },
      signal: controller.signal,
      pollIntervalMs: 10_000,
    });
    const waiting = aborted.done.catch((e: unknown) => e);
    controller.abort();
    expect(await waiting).toBeInstanceOf(TerraAbortError);
  });
});

describeEngines('store.expectRequest', (engine: EngineName) => {
  let db: TestDatabase;
  openForEachTest(engine, (opened) => {
    db = opened;
  });

  const sending = (reference: string, expected: number) => ({
    type: 'large_request_sending',
    user: { user_id: 'u-expect', provider: 'GARMIN' },
    reference,
    expected_payloads: expected,
    message: 'sending',
  });
  const chunk = (n: number) => ({ type: 'sleep', user: { user_id: 'u-expect', provider: 'GARMIN' }, data: [], n });

  it('is complete once the one payload of a request that is not large arrived, in either order', async () => {
    expect(await db.store.expectRequest('r-small', { expected: 1, terraUserId: 'u-expect' })).toMatchObject({
      reference: 'r-small',
      expected: 1,
      received: 0,
      complete: false,
    });
    await db.store.apply(chunk(1) as never, { traceId: 't-small', reference: 'r-small' });
    expect(await db.store.largeRequest('r-small')).toMatchObject({ expected: 1, received: 1, complete: true });
    // The data first, then the record (Terra can deliver before it answers the request).
    await db.store.apply(chunk(2) as never, { traceId: 't-early', reference: 'r-early' });
    const early = await db.store.expectRequest('r-early', { expected: 1 });
    expect(early).toMatchObject({ complete: true, terra_user_id: 'u-expect' });
    expect(early.completed_at).not.toBeNull();
  });

  it('keeps the announced number over the caller’s, whichever comes first', async () => {
    await db.store.apply(sending('r-large', 3) as never, { traceId: 't-announce' });
    expect(await db.store.expectRequest('r-large', { expected: 1 })).toMatchObject({ expected: 3, complete: false });
    await db.store.expectRequest('r-large-2', { expected: 1 });
    await db.store.apply(sending('r-large-2', 2) as never, { traceId: 't-announce-2' });
    expect(await db.store.largeRequest('r-large-2')).toMatchObject({ expected: 2 });
    expect(await db.store.expectRequest('r-large-3')).toMatchObject({ expected: null, complete: false });
    expect(await db.store.expectRequest('r-none', { expected: 0 })).toMatchObject({ expected: 0, complete: true });
  });

  it.each([
    [['', {}], /reference must be a non-empty string/],
    [['r', { expected: -1 }], /expected must be a whole number of payloads/],
    [['r', { expected: 1.5 }], /expected must be a whole number of payloads/],
    [['r', 'x'], /options must be an object/],
    [['r', { terraUserId: '' }], /terraUserId must be a non-empty string/],
  ])('rejects %j with TerraInvalidArgumentError', async (args, message) => {
    const [reference, options] = args as [string, never];
    await expect(db.store.expectRequest(reference, options)).rejects.toMatchObject({
      name: 'TerraInvalidArgumentError',
      message: expect.stringMatching(message),
    });
  });

  it('rejects with TerraStoreError when the tables are missing', async () => {
    const bare = await openDatabase(engine, { migrate: false });
    try {
      await expect(bare.store.expectRequest('r', { expected: 1 })).rejects.toMatchObject({
        name: 'TerraStoreError',
        operation: 'expectRequest',
        code: '42P01',
      });
    } finally {
      await bare.close();
    }
  });
});
