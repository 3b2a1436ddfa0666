/**
 * The sandbox's webhooks: every event flow, delivered over loopback to an endpoint that verifies
 * them with the real webhooks module; delivery headers; retries with backoff.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handleWebhook, Terra, TerraNotFoundError, type TerraWebhookEvent } from '../../src/index.js';
import { type Sandbox, startSandbox, TERRA_RETRY_SCHEDULE_MS } from '../../src/sandbox/index.js';
import { close, listen } from '../support/loopback.js';
import { type Endpoint, SECRET, startEndpoint, type Verified } from './support.js';

let endpoint: Endpoint;
let sandbox: Sandbox;
let terra: Terra;
const SCALE = 1 / 100_000; // Terra's 5 minutes: 3 ms

beforeAll(async () => {
  endpoint = await startEndpoint();
  sandbox = await startSandbox({ webhookUrl: endpoint.url, secret: SECRET, retry: { scale: SCALE } });
  terra = new Terra({ apiKey: 'key', devId: 'dev', baseUrl: sandbox.baseUrl, maxRetries: 0 });
});
afterEach(() => {
  endpoint.script = undefined;
});
afterAll(async () => {
  await sandbox.close();
  await endpoint.close();
});

/** Runs `action`, waits until every webhook it caused was delivered, and returns those deliveries. */
async function deliveriesOf(action: () => Promise<unknown>): Promise<Verified[]> {
  const before = endpoint.verified.length;
  await action();
  await sandbox.idle();
  return endpoint.verified.slice(before);
}

const types = (deliveries: Verified[]) => deliveries.map((d) => d.event.type);

async function connectThroughWidget(provider: string, referenceId: string) {
  const session = (await terra.generateWidgetSession({ referenceId })).getParsedResponse();
  const response = await fetch(session.url as string, {
    method: 'POST',
    body: new URLSearchParams({ provider, action: 'authorize' }),
  });
  expect(response.status).toBe(200);
  return session.session_id as string;
}

describe('delivery', () => {
  it('signs each event with the secret, and sends the delivery headers', async () => {
    const before = endpoint.raw.length;
    const delivered = await deliveriesOf(() => connectThroughWidget('GARMIN', 'header-person'));
    expect(types(delivered)).toEqual(['auth']);
    const raw = endpoint.raw[before];
    if (!raw) throw new Error('nothing arrived');
    expect(raw.headers['content-type']).toBe('application/json');
    expect(raw.headers['terra-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(raw.headers['x-terra-signature']).toBe(raw.headers['terra-signature']);
    expect(raw.headers['x-terra-trace-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(raw.headers['x-terra-ordering-timestamp'])).toBeGreaterThan(Date.now() - 60_000);
    expect(raw.headers).not.toHaveProperty('terra-reference');
    // Terra's own JSON layout, so a handler verifying a re-serialized body fails here as with Terra.
    expect(raw.body).toMatch(/^\{"type": "auth", "status": "success", /);
    // And it verifies with the real module, with the secret, and only with it.
    const hook = await handleWebhook(raw.body, raw.headers as Record<string, string>, { secret: SECRET });
    expect(hook.getParsedResponse().type).toBe('auth');
    await expect(handleWebhook(raw.body, raw.headers as Record<string, string>, { secret: 'other' })).rejects.toThrow(
      /No v1 signature matches/,
    );
    expect(delivered[0]?.delivery.traceId).toBe(raw.headers['x-terra-trace-id']);
  });

  it('retries a delivery the endpoint refuses, with the same trace id and bytes, on Terra’s schedule scaled', async () => {
    let failures = 2;
    endpoint.script = () => (failures-- > 0 ? 500 : undefined);
    const before = { raw: endpoint.raw.length, attempts: sandbox.attempts.length };
    const user = sandbox.emulator.connect({ provider: 'OURA', referenceId: 'retry-person' });
    await sandbox.idle();
    const raws = endpoint.raw.slice(before.raw);
    expect(raws).toHaveLength(3);
    expect(new Set(raws.map((r) => r.body)).size).toBe(1);
    expect(new Set(raws.map((r) => r.headers['x-terra-trace-id'])).size).toBe(1);
    const attempts = sandbox.attempts.slice(before.attempts);
    expect(attempts.map((a) => [a.attempt, a.status, a.ok, a.retryInMs])).toEqual([
      [1, 500, false, Math.round((TERRA_RETRY_SCHEDULE_MS[0] as number) * SCALE)],
      [2, 500, false, Math.round((TERRA_RETRY_SCHEDULE_MS[1] as number) * SCALE)],
      [3, 200, true, undefined],
    ]);
    expect(endpoint.verified.at(-1)?.event).toMatchObject({ type: 'auth', user: { user_id: user.user_id } });
  });

  it('counts an endpoint that does not answer in time as a failure, and retries', async () => {
    const slow = await startSandbox({
      webhookUrl: endpoint.url,
      secret: SECRET,
      retry: { scale: SCALE, timeoutMs: 300 },
    });
    try {
      let hangs = 1;
      endpoint.script = () => (hangs-- > 0 ? 'hang' : undefined);
      slow.emulator.connect({ provider: 'OURA', referenceId: 'slow' });
      await slow.idle();
      expect(slow.attempts.map((a) => [a.attempt, a.status, a.error, a.ok])).toEqual([
        [1, undefined, 'timed out after 300 ms', false],
        [2, 200, undefined, true],
      ]);
    } finally {
      await slow.close();
    }
  });

  it('gives up after the configured retries, and reports an endpoint that refuses connections', async () => {
    const { createServer } = await import('node:http');
    const server = createServer();
    const deadUrl = `${await listen(server)}/webhooks/terra`;
    await close(server);
    const dead = await startSandbox({ webhookUrl: deadUrl, secret: SECRET, retry: { scale: SCALE, retries: 2 } });
    try {
      dead.emulator.connect({ provider: 'OURA', referenceId: 'nobody-listens' });
      await dead.idle();
      expect(dead.attempts.map((a) => [a.attempt, a.error, a.gaveUp])).toEqual([
        [1, 'connection refused', false],
        [2, 'connection refused', false],
        [3, 'connection refused', true],
      ]);
    } finally {
      await dead.close();
    }
  });

  it('close() drops retries still waiting', async () => {
    endpoint.script = () => 503;
    const waiting = await startSandbox({ webhookUrl: endpoint.url, secret: SECRET, retry: { scale: 1 } });
    waiting.emulator.connect({ provider: 'OURA', referenceId: 'dropped' });
    const idle = waiting.idle();
    while (waiting.attempts.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(waiting.attempts[0]?.retryInMs).toBe(300_000); // Terra's real 5 minutes
    await waiting.close();
    await idle; // resolves at once: nothing is left to deliver
    expect(waiting.attempts).toHaveLength(1);
  });

  it('without a webhook URL, sends nothing but still records the events', async () => {
    const quiet = await startSandbox();
    try {
      quiet.emulator.connect({ provider: 'OURA', referenceId: 'quiet' });
      await quiet.idle();
      expect(quiet.attempts).toEqual([]);
      expect(quiet.emulator.deliveries.map((d) => d.payload.type)).toEqual(['auth']);
    } finally {
      await quiet.close();
    }
  });
});

describe('event flows', () => {
  it('connecting through the widget sends auth with the user, reference id and widget session', async () => {
    let sessionId = '';
    const delivered = await deliveriesOf(async () => {
      sessionId = await connectThroughWidget('WHOOP', 'flow-person');
    });
    const auth = delivered[0]?.event as Exclude<Extract<TerraWebhookEvent, { type: 'auth' }>, { status: 'error' }>;
    expect(auth).toMatchObject({
      type: 'auth',
      status: 'success',
      user: { provider: 'WHOOP', reference_id: 'flow-person', active: true },
      widget_session_id: sessionId,
    });
    expect((await terra.getUserInfo(auth.user.user_id)).getParsedResponse().is_authenticated).toBe(true);
  });

  it('reauth: the same provider under the same reference id mints a new user id and sends auth and user_reauth', async () => {
    const first = sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'reauth-person' });
    await sandbox.idle();
    const delivered = await deliveriesOf(async () => {
      const link = (
        await terra.generateAuthenticationUrl({ resource: 'GARMIN', referenceId: 'reauth-person' })
      ).getParsedResponse();
      await fetch(link.auth_url as string, { method: 'POST', body: new URLSearchParams({ action: 'authorize' }) });
    });
    expect(types(delivered).sort()).toEqual(['auth', 'user_reauth']);
    const reauth = delivered.find((d) => d.event.type === 'user_reauth')?.event as Extract<
      TerraWebhookEvent,
      { type: 'user_reauth' }
    >;
    expect(reauth.old_user?.user_id).toBe(first.user_id);
    expect(reauth.new_user.user_id).not.toBe(first.user_id);
    expect(reauth.new_user.reference_id).toBe('reauth-person');
    await expect(terra.getUserInfo(first.user_id)).rejects.toBeInstanceOf(TerraNotFoundError);
    const remaining = (await terra.getUsersByReferenceId('reauth-person')).getParsedResponse();
    expect(remaining.map((u) => u.user_id)).toEqual([reauth.new_user.user_id]);
  });

  it('no reauth for another provider, another reference id, or after a deauth: a plain auth', async () => {
    sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'many-devices' });
    await sandbox.idle();
    const otherProvider = await deliveriesOf(async () => connectThroughWidget('OURA', 'many-devices'));
    expect(types(otherProvider)).toEqual(['auth']);
    const otherPerson = await deliveriesOf(async () => connectThroughWidget('GARMIN', 'someone-else'));
    expect(types(otherPerson)).toEqual(['auth']);
    const [garmin] = (await terra.getUsersByReferenceId('many-devices'))
      .getParsedResponse()
      .filter((u) => u.provider === 'GARMIN');
    const afterDeauth = await deliveriesOf(async () => {
      await terra.deauthenticateUser(garmin?.user_id as string);
      await connectThroughWidget('GARMIN', 'many-devices');
    });
    expect(types(afterDeauth)).toEqual(['deauth', 'auth']);
  });

  it('deauth sends deauth for the user, marked inactive', async () => {
    const user = sandbox.emulator.connect({ provider: 'FITBIT', referenceId: 'deauth-person' });
    await sandbox.idle();
    const delivered = await deliveriesOf(() => terra.deauthenticateUser(user.user_id));
    expect(delivered.map((d) => d.event)).toEqual([
      expect.objectContaining({ type: 'deauth', status: 'success', user: expect.objectContaining({ active: false }) }),
    ]);
  });

  it('to_webhook: answers with a reference, and the same records as inline arrive with terra-reference', async () => {
    const user = sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'webhook-data' });
    await sandbox.idle();
    const range = { startDate: '2026-07-01', endDate: '2026-07-04' } as const;
    const getters = {
      activity: terra.getActivityForUser.bind(terra),
      body: terra.getBodyForUser.bind(terra),
      daily: terra.getDailyForUser.bind(terra),
      sleep: terra.getSleepForUser.bind(terra),
      menstruation: terra.getMenstruationForUser.bind(terra),
    };
    for (const [type, get] of Object.entries(getters)) {
      let reference: string | undefined;
      const delivered = await deliveriesOf(async () => {
        const sent = (await get(user.user_id, range)).getParsedResponse();
        expect(sent.kind, type).toBe('SentToWebhook');
        reference = sent.kind === 'SentToWebhook' ? sent.reference : undefined;
      });
      expect(reference).toMatch(/^[0-9a-f-]{36}$/);
      expect(delivered.map((d) => [d.event.type, d.delivery.reference])).toEqual([[type, reference]]);
      const inline = (await get(user.user_id, { ...range, toWebhook: false })).getJson();
      const event = delivered[0]?.event as { data: unknown[] } | undefined;
      expect(event?.data, type).toEqual((inline as { data: unknown[] }).data);
    }
    const athlete = await deliveriesOf(() => terra.getAthleteForUser(user.user_id));
    expect(types(athlete)).toEqual(['athlete']);
  });

  it('a range over 28 days: large_request_processing, large_request_sending, then the chunks', async () => {
    const user = sandbox.emulator.connect({ provider: 'OURA', referenceId: 'large-person' });
    await sandbox.idle();
    const range = { startDate: '2026-05-01', endDate: '2026-07-01' } as const;
    let reference = '';
    const delivered = await deliveriesOf(async () => {
      const sent = (await terra.getSleepForUser(user.user_id, range)).getParsedResponse();
      if (sent.kind !== 'SentToWebhook') throw new Error(`expected SentToWebhook, got ${sent.kind}`);
      expect(sent.message).toContain('9 payloads');
      reference = sent.reference as string;
    });
    expect(types(delivered)).toEqual(['large_request_processing', 'large_request_sending', ...Array(9).fill('sleep')]);
    expect(delivered[1]?.event).toMatchObject({ expected_payloads: 9, reference });
    for (const d of delivered) expect(d.delivery.reference).toBe(reference);
    expect(delivered.slice(2).map((d) => d.delivery.traceId)).toEqual(
      Array.from({ length: 9 }, (_, i) => `${reference}:chunk:${i}`),
    );
    const chunked = delivered.slice(2).flatMap((d) => (d.event as { data: unknown[] }).data);
    const inline = (await terra.getSleepForUser(user.user_id, { ...range, toWebhook: false })).getJson();
    expect(chunked).toEqual((inline as { data: unknown[] }).data);
    expect(chunked).toHaveLength(61);
  });
});

describe('realistic: true', () => {
  it('sends events shaped as real deliveries, which the real webhooks module still delivers whole', async () => {
    const realistic = await startSandbox({
      webhookUrl: endpoint.url,
      secret: SECRET,
      realistic: true,
      retry: { scale: SCALE },
    });
    try {
      const before = endpoint.verified.length;
      const user = realistic.emulator.connect({ provider: 'OURA', referenceId: null });
      const client = new Terra({ apiKey: 'key', devId: 'dev', baseUrl: realistic.baseUrl, maxRetries: 0 });
      await client.deauthenticateUser(user.user_id);
      await realistic.idle();
      const events = endpoint.verified.slice(before).map((d) => d.event);
      expect(events.map((e) => e.type)).toEqual(['auth', 'deauth']);
      expect(events[0]).toMatchObject({ status: 'authenticated', reference_id: 'null' });
      expect(events[1]).toMatchObject({ status: 'deauthenticated', user: { user_id: user.user_id, provider: null } });
      for (const event of events) {
        expect(event).not.toHaveProperty('version');
        expect(event).not.toHaveProperty('message');
      }
    } finally {
      await realistic.close();
    }
  });
});
