/**
 * `createWebhookHandler({ store, durable: true })` on PGlite and PostgreSQL: each delivery recorded
 * and answered, its effect applied once, its listener run once unless it failed; failures retried,
 * kept as dead, listed, recovered and replayed; `close()` strands nothing.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createFetchHandler } from '../../src/adapters/fetch.js';
import { TerraConfigurationError, TerraInvalidArgumentError } from '../../src/errors.js';
import type { TerraUser } from '../../src/models/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { createWebhookHandler, type WebhookHandler } from '../../src/webhooks/handler.js';
import { describeEngines, type EngineName, openDatabase, type TestDatabase } from '../connections/support/engines.js';
import { until } from '../support/wait.js';
import { deliveryMaker, SECRET } from '../support/webhooks.js';

const person = (seed: number, provider = 'GARMIN', referenceId = `person-${seed}`): TerraUser =>
  fixtures.user({ seed, provider, referenceId });

/** A signed delivery of `event`, as Terra POSTs it. */
const delivery = deliveryMaker(`durable-trace-${process.pid}-`);

const FAST = { leaseMs: 500, backoffMs: 10, maxBackoffMs: 40, pollIntervalMs: 20 } as const;

describeEngines('durable deliveries', (engine: EngineName) => {
  let db: TestDatabase;
  const handlers: WebhookHandler[] = [];
  beforeEach(async () => {
    db = await openDatabase(engine);
  }, 60_000);
  afterEach(async () => {
    await Promise.all(handlers.splice(0).map((h) => h.close({ timeoutMs: 100 })));
    await db.close();
  });
  const durable = (options: Parameters<typeof createWebhookHandler>[0] = {}) => {
    const handler = createWebhookHandler({ secret: SECRET, store: db.store, durable: true, ...FAST, ...options });
    handlers.push(handler);
    return handler;
  };
  const statusOf = async (traceId: string) => (await db.store.delivery(traceId))?.status;

  it('keeps each body exact when deliveries arriving together are recorded in one statement', async () => {
    const handled: string[] = [];
    const webhook = createFetchHandler(
      durable().on('activity', (event) => {
        handled.push(event.user?.user_id ?? '');
      }),
    );
    // Bodies of different sizes (one with bytes outside ASCII), sent at once: recorded by group commit.
    const sent = Array.from({ length: 12 }, (_, i) =>
      delivery({ ...fixtures.event('activity', { user: person(100 + i) }), note: `ü${'x'.repeat(i * 97)}` }),
    );
    const answers = await Promise.all(sent.map((d) => webhook(d.request())));
    expect(answers.map((r) => r.status)).toEqual(sent.map(() => 200));
    await until(async () => handled.length === sent.length);
    for (const d of sent) {
      const [row] = await db.sql<{ body: Uint8Array }>('SELECT body FROM terra_deliveries WHERE trace_id = $1', [
        d.traceId,
      ]);
      expect(Buffer.from(row?.body as Uint8Array).toString()).toBe(await d.request().text());
    }
  });

  it('records the exact bytes, answers 200, applies the effect and runs the listener once', async () => {
    const seen: string[] = [];
    const handler = durable().on('auth', async (event) => {
      seen.push((await db.store.getConnection(event.user?.user_id ?? ''))?.status ?? 'none');
    });
    const auth = delivery(fixtures.event('auth', { user: person(1) }));
    const response = await createFetchHandler(handler)(auth.request());
    expect(response.status).toBe(200);
    await until(async () => (await statusOf(auth.traceId)) === 'handled');
    expect(seen).toEqual(['active']);
    const [row] = await db.sql<{ body: Uint8Array; attempts: number; locked_by: unknown; kept: boolean }>(
      `SELECT body, attempts, locked_by, body_expires_at > now() + interval '6 days' AS kept FROM terra_deliveries WHERE trace_id = $1`,
      [auth.traceId],
    );
    expect(Buffer.from(row?.body as Uint8Array).toString()).toBe(await auth.request().text());
    expect(row).toMatchObject({ attempts: 1, locked_by: null, kept: true });
    const [listed] = await db.store.deliveries({ type: 'auth' });
    expect(listed).toMatchObject({
      traceId: auth.traceId,
      type: 'auth',
      status: 'handled',
      attempts: 1,
      lastError: null,
    });
    expect(listed?.handledAt).toBeInstanceOf(Date);
  });

  it('runs the listener once for racing duplicates, and answers every copy 200', async () => {
    let calls = 0;
    const handler = durable().on('activity', async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 30));
    });
    const webhook = createFetchHandler(handler);
    const data = delivery(fixtures.event('activity', { user: person(2), samples: 2 }));
    const answers = await Promise.all(Array.from({ length: 6 }, () => webhook(data.request())));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    await until(async () => (await statusOf(data.traceId)) === 'handled');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(1);
  });

  it('retries failing listeners with backoff, keeps them dead, lists them exactly, and recovers them once fixed', async () => {
    const failing = new Set<string>();
    const ran = new Map<string, number>();
    let broken = true;
    const handler = durable({ maxAttempts: 3, onError: () => undefined }).on('activity', (_event, d) => {
      const id = d.traceId ?? '';
      if (broken && failing.has(id)) throw new Error('downstream is down');
      ran.set(id, (ran.get(id) ?? 0) + 1);
    });
    const webhook = createFetchHandler(handler);
    const sent = Array.from({ length: 12 }, (_, i) =>
      delivery(fixtures.event('activity', { user: person(10 + i), samples: 1 }), { reference: 'big-request-durable' }),
    );
    for (const [i, d] of sent.entries()) if (i % 3 === 0) failing.add(d.traceId);
    const answers = await Promise.all(sent.map((d) => webhook(d.request())));
    expect(answers.every((a) => a.status === 200)).toBe(true);

    await until(async () => (await db.store.deliveries({ status: ['pending', 'processing', 'failed'] })).length === 0);
    const dead = await db.store.deliveries({ status: 'dead' });
    expect(dead.map((d) => d.traceId).sort()).toEqual([...failing].sort());
    for (const row of dead) {
      expect(row.attempts).toBe(3);
      expect(row.lastError).toEqual({ code: 'Error', message: 'the activity listener failed: Error thrown' });
    }
    // Each payload's effect counted once, failed attempts included.
    expect((await db.store.largeRequest('big-request-durable'))?.received).toBe(sent.length);

    broken = false;
    expect(await db.store.recover()).toBe(failing.size);
    await until(async () => (await db.store.deliveries({ status: 'handled', limit: 100 })).length === sent.length);
    for (const d of sent) expect(ran.get(d.traceId)).toBe(1);
    expect((await db.store.largeRequest('big-request-durable'))?.received).toBe(sent.length);
    expect(await db.store.recover()).toBe(0);
  });

  it('replays a handled delivery: the listener runs again, the effect stays once', async () => {
    let calls = 0;
    const handler = durable().on('sleep', () => {
      calls++;
    });
    const chunk = delivery(fixtures.event('sleep', { user: person(30) }), { reference: 'big-request-replay' });
    await createFetchHandler(handler)(chunk.request());
    await until(async () => (await statusOf(chunk.traceId)) === 'handled');
    await db.store.replay(chunk.traceId);
    await until(async () => calls === 2 && (await statusOf(chunk.traceId)) === 'handled');
    expect((await db.store.largeRequest('big-request-replay'))?.received).toBe(1);
    await expect(db.store.replay('no-such-trace')).rejects.toBeInstanceOf(TerraInvalidArgumentError);
  });

  it('close() waits for running listeners and gives back what it holds; another receiver finishes the rest', async () => {
    const ran = new Map<string, number>();
    const listener = async (_event: unknown, d: { traceId: string | undefined }) => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      ran.set(d.traceId ?? '', (ran.get(d.traceId ?? '') ?? 0) + 1);
    };
    const first = durable({ concurrency: 4 }).onUnhandled(listener);
    const webhook = createFetchHandler(first);
    const sent = Array.from({ length: 20 }, (_, i) => delivery(fixtures.event('auth', { user: person(40 + i) })));
    const answers = Promise.all(sent.map((d) => webhook(d.request())));
    await new Promise((resolve) => setTimeout(resolve, 15));
    const closing = first.close({ timeoutMs: 5000 });
    expect((await answers).every((a) => a.status === 200)).toBe(true);
    await closing;
    expect(first.durableWorker?.running).toBe(0);
    expect(await db.sql('SELECT trace_id FROM terra_deliveries WHERE locked_by IS NOT NULL')).toEqual([]);
    durable().onUnhandled(listener);
    await until(async () => (await db.store.deliveries({ status: 'handled' })).length === sent.length);
    for (const d of sent) expect(ran.get(d.traceId)).toBe(1);
  });

  it('close() after its bound releases the leases of listeners still running', async () => {
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = durable().onUnhandled(() => blocked);
    const d = delivery(fixtures.event('auth', { user: person(70) }));
    await createFetchHandler(first)(d.request());
    await until(async () => (await statusOf(d.traceId)) === 'processing');
    await first.close({ timeoutMs: 20 });
    const [row] = await db.sql<{ status: string; locked_until: unknown; attempts: number }>(
      'SELECT status, locked_until, attempts FROM terra_deliveries WHERE trace_id = $1',
      [d.traceId],
    );
    expect(row).toEqual({ status: 'pending', locked_until: null, attempts: 0 });
    release();
  });

  it('refuses durable without a queue store, and durable options without durable', () => {
    expect(() => createWebhookHandler({ secret: SECRET, durable: true })).toThrow(TerraConfigurationError);
    expect(() => createWebhookHandler({ secret: SECRET, store: db.store, leaseMs: 10 })).toThrow(/durable: true/);
  });

  it('records healthchecks beside what arrived and reports the hours with missing deliveries', async () => {
    const gaps: unknown[] = [];
    const handler = durable({ onMissingDeliveries: (gap) => gaps.push(gap) });
    const webhook = createFetchHandler(handler);
    for (let i = 0; i < 3; i++) await webhook(delivery(fixtures.event('auth', { user: person(80 + i) })).request());
    const at = new Date(Date.now() + 1000).toISOString().replace('Z', '');
    const check = delivery({
      type: 'healthcheck',
      status: 'normal',
      sent_webhooks_last_hour: 5,
      creation_timestamp: at,
    });
    await webhook(check.request());
    await until(async () => (await statusOf(check.traceId)) === 'handled');
    expect(gaps).toEqual([{ checkedAt: new Date(`${at}Z`), sent: 5, received: 3 }]);
    const health = await db.store.deliveryHealth({ hours: 2 });
    expect(health).toEqual([{ checkedAt: new Date(`${at}Z`), sent: 5, received: 3, missing: 2 }]);
    // The same healthcheck again warns no more.
    await db.store.replay(check.traceId);
    await until(async () => (await statusOf(check.traceId)) === 'handled');
    expect(gaps).toHaveLength(1);
  });
});
