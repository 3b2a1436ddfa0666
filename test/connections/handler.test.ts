/**
 * `createWebhookHandler({ secret, store })`: each verified delivery applied to a real store (PGlite
 * and PostgreSQL) before the listeners run, exactly once, with the answers Terra needs to retry what
 * failed and nothing else.
 */
import { expect, it } from 'vitest';
import { createFetchHandler } from '../../src/adapters/fetch.js';
import { TerraConfigurationError } from '../../src/errors.js';
import type { TerraUser } from '../../src/models/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { createWebhookHandler, type WebhookErrorContext } from '../../src/webhooks/handler.js';
import { recorded } from '../support/recorded-handler.js';
import { gate } from '../support/wait.js';
import { deliveryMaker, SECRET } from '../support/webhooks.js';
import {
  describeEngines,
  type EngineName,
  openDatabase,
  openForEachTest,
  type TestDatabase,
} from './support/engines.js';

const person = (seed: number, provider: string, referenceId = 'person-1', scopes?: string): TerraUser => ({
  ...fixtures.user({ seed, provider, referenceId }),
  ...(scopes === undefined ? {} : { scopes }),
});

/** A signed delivery of `event` with its own trace id (or the one given), as Terra POSTs it. */
const delivery = deliveryMaker('handler-trace-', (traceId) => `reference-${traceId}`);

describeEngines('webhook handler with a store', (engine: EngineName) => {
  let db: TestDatabase;
  openForEachTest(engine, (opened) => {
    db = opened;
  });

  const handled = async (traceId: string) =>
    (
      await db.sql<{ handled: boolean }>(
        'SELECT handled_at IS NOT NULL AS handled FROM terra_deliveries WHERE trace_id = $1',
        [traceId],
      )
    )[0]?.handled;

  it('applies the event before the listener runs, then marks the delivery handled', async () => {
    const user = person(1, 'GARMIN', 'person-1', 'ACTIVITY_EXPORT');
    const seen: unknown[] = [];
    const handler = createWebhookHandler({ secret: SECRET, store: db.store }).on('auth', async (event) => {
      if (event.status === 'error') return;
      // The listener reads the row the event made: it was written first.
      seen.push((await db.store.getConnection(event.user?.user_id ?? ''))?.status);
    });
    const auth = delivery(fixtures.event('auth', { user }));
    const response = await createFetchHandler(handler)(auth.request());
    expect(response.status).toBe(200);
    expect(seen).toEqual(['active']);
    expect(await handled(auth.traceId)).toBe(true);
  });

  it('answers a delivery seen and handled before with 200 without running the listener again', async () => {
    let calls = 0;
    const handler = createWebhookHandler({ secret: SECRET, store: db.store }).on('activity', () => {
      calls++;
    });
    const webhook = createFetchHandler(handler);
    const data = delivery(fixtures.event('activity', { user: person(2, 'FITBIT'), samples: 3 }));
    expect((await webhook(data.request())).status).toBe(200);
    expect((await webhook(data.request())).status).toBe(200);
    expect((await webhook(data.request())).status).toBe(200);
    expect(calls).toBe(1);
    const [row] = await db.sql<{ n: number }>('SELECT count(*)::int AS n FROM terra_deliveries WHERE trace_id = $1', [
      data.traceId,
    ]);
    expect(row?.n).toBe(1);
  });

  it('after a listener failure (500), runs the listener again on the retry without applying the event twice', async () => {
    const user = person(3, 'OURA');
    let calls = 0;
    const errors: WebhookErrorContext[] = [];
    const handler = createWebhookHandler({
      secret: SECRET,
      store: db.store,
      onError: (_, context) => {
        errors.push(context);
      },
    }).on('sleep', () => {
      calls++;
      if (calls === 1) throw new Error('the app could not save the sleep');
    });
    const webhook = createFetchHandler(handler);
    // A chunk of a large request: a second application would count it twice.
    const chunk = delivery(fixtures.event('sleep', { user }), { reference: 'big-request-1' });
    const first = await webhook(chunk.request());
    expect(first.status).toBe(500);
    expect(errors.map((e) => e.phase)).toEqual(['handler']);
    expect(await handled(chunk.traceId)).toBe(false);
    expect((await db.store.largeRequest('big-request-1'))?.received).toBe(1);

    const retry = await webhook(chunk.request());
    expect(retry.status).toBe(200);
    expect(calls).toBe(2);
    expect((await db.store.largeRequest('big-request-1'))?.received).toBe(1);
    expect(await handled(chunk.traceId)).toBe(true);

    expect((await webhook(chunk.request())).status).toBe(200);
    expect(calls).toBe(2);
  });

  it('answers 500 when the store fails, so Terra retries, and reports it at the store phase', async () => {
    const unmigrated = await openDatabase(engine, { migrate: false });
    try {
      let calls = 0;
      const { handler, errors } = recorded({ store: unmigrated.store });
      handler.onUnhandled(() => {
        calls++;
      });
      const auth = delivery(fixtures.event('auth', { user: person(4, 'WHOOP') }));
      const response = await createFetchHandler(handler)(auth.request());
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: 'store_failed' });
      expect(calls).toBe(0);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.context).toMatchObject({ phase: 'store', status: 500, afterResponse: false });
      expect(errors[0]?.error).toMatchObject({ name: 'TerraStoreError', operation: 'apply', code: '42P01' });

      // Once the tables exist, Terra's retry goes through.
      await unmigrated.store.migrate();
      expect((await createFetchHandler(handler)(auth.request())).status).toBe(200);
      expect(calls).toBe(1);
    } finally {
      await unmigrated.close();
    }
  });

  it('answers 200 when only marking the delivery handled fails, and reports it', async () => {
    // A real database failure on the UPDATE that marks the delivery handled, not on the INSERT before it.
    await db.sql(`CREATE FUNCTION refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'no updates' USING ERRCODE = '42501'; END $$`);
    await db.sql(
      'CREATE TRIGGER refuse_update BEFORE UPDATE ON terra_deliveries FOR EACH ROW EXECUTE FUNCTION refuse_update()',
    );
    let calls = 0;
    const { handler, errors } = recorded({ store: db.store });
    handler.on('deauth', () => {
      calls++;
    });
    const deauth = delivery(fixtures.event('deauth', { user: person(5, 'GARMIN') }));
    const response = await createFetchHandler(handler)(deauth.request());
    expect(response.status).toBe(200);
    expect(calls).toBe(1);
    expect(errors[0]?.context).toMatchObject({ phase: 'store', status: 200, afterResponse: false });
    expect(errors[0]?.error).toMatchObject({ name: 'TerraStoreError', operation: 'markHandled', code: '42501' });
    expect(
      (
        await db.store.getConnection(
          (fixtures.event('deauth', { user: person(5, 'GARMIN') }) as { user: TerraUser }).user.user_id,
        )
      )?.status,
    ).toBe('disconnected');
  });

  it('marks a delivery handled once a listener that outlived the deadline completes', async () => {
    const { promise: finished, release: finish } = gate();
    const kept: Promise<unknown>[] = [];
    const handler = createWebhookHandler({ secret: SECRET, store: db.store, deadlineMs: 20 }).on(
      'body',
      () => finished,
    );
    const data = delivery(fixtures.event('body', { user: person(6, 'WITHINGS') }));
    const response = await createFetchHandler(handler)(data.request(), { waitUntil: (p) => kept.push(p) });
    expect(response.status).toBe(200);
    expect(await handled(data.traceId)).toBe(false);
    finish();
    await Promise.all(kept);
    expect(await handled(data.traceId)).toBe(true);
  });

  it('answers 200 without listeners for an event the store cannot hold, since a retry cannot help', async () => {
    let calls = 0;
    const { handler, errors } = recorded({ store: db.store });
    handler.onUnhandled(() => {
      calls++;
    });
    const event = fixtures.event('auth', { user: { ...person(7, 'GARMIN'), user_id: 'x'.repeat(300) } });
    const response = await createFetchHandler(handler)(delivery(event).request());
    expect(response.status).toBe(200);
    expect(calls).toBe(0);
    expect(errors[0]?.context).toMatchObject({ phase: 'store', status: 200 });
    expect(errors[0]?.error).toMatchObject({ name: 'TerraInvalidArgumentError' });
    expect(errors[0]?.context.json).toEqual(event);
  });

  it('leaves a table that says what the events said', async () => {
    const garmin = person(10, 'GARMIN', 'person-1', 'ACTIVITY_EXPORT,HEALTH_EXPORT');
    const fitbit = person(11, 'FITBIT', 'person-1', 'activity,sleep');
    const garminAgain = person(12, 'GARMIN', 'person-1', 'ACTIVITY_EXPORT');
    const webhook = createFetchHandler(createWebhookHandler({ secret: SECRET, store: db.store }));
    const events: object[] = [
      fixtures.event('auth', { user: garmin }),
      fixtures.event('auth', { user: fitbit }),
      { ...fixtures.event('permission_change', { user: fitbit }), scopes_added: 'heartrate', scopes_removed: 'sleep' },
      { type: 'user_reauth', status: 'warning', message: 'reauth', old_user: garmin, new_user: garminAgain },
      fixtures.event('auth', { user: garminAgain }),
      fixtures.event('deauth', { user: fitbit }),
    ];
    // Delivered newest first: the table is the same as in order.
    const deliveries = events.map((event, i) => delivery(event, { at: 1_767_225_600_000 + i * 1000 })).reverse();
    for (const d of deliveries) expect((await webhook(d.request())).status).toBe(200);
    const rows = await db.sql(
      'SELECT terra_user_id, provider, reference_id, status, scopes FROM terra_connections ORDER BY id',
    );
    expect([...rows].sort((a, b) => String(a.terra_user_id).localeCompare(String(b.terra_user_id)))).toEqual(
      [
        {
          terra_user_id: garmin.user_id,
          provider: 'GARMIN',
          reference_id: 'person-1',
          status: 'disconnected',
          scopes: ['ACTIVITY_EXPORT', 'HEALTH_EXPORT'],
        },
        {
          terra_user_id: fitbit.user_id,
          provider: 'FITBIT',
          reference_id: 'person-1',
          status: 'disconnected',
          scopes: ['activity', 'heartrate'],
        },
        {
          terra_user_id: garminAgain.user_id,
          provider: 'GARMIN',
          reference_id: 'person-1',
          status: 'active',
          scopes: ['ACTIVITY_EXPORT'],
        },
      ].sort((a, b) => a.terra_user_id.localeCompare(b.terra_user_id)),
    );
    expect((await db.store.getConnection(garmin.user_id))?.replaced_by).toBe(garminAgain.user_id);
  });
});

it('refuses a store that lacks apply or markHandled, naming the option', () => {
  expect(() => createWebhookHandler({ secret: SECRET, store: { apply: async () => ({}) } as never })).toThrow(
    TerraConfigurationError,
  );
  expect(() => createWebhookHandler({ secret: SECRET, store: 'postgres://' as never })).toThrow(
    /store must be an object with the methods apply and markHandled/,
  );
});
