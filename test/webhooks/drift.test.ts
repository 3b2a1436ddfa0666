/**
 * Drift on the webhook path: what a drifted delivery carries (`delivery.drift`, the same object as
 * the body), what `onDrift` gets and what it logs by default, and that types still narrow by `type`.
 */
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { createFetchHandler } from '../../src/adapters/fetch.js';
import { TerraConfigurationError, TerraInvalidArgumentError, TerraValidationError } from '../../src/errors.js';
import type { AuthErrorEvent, DeauthEvent, SchemaDrift } from '../../src/models/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { handleWebhook, type WebhookDelivery } from '../../src/webhooks/delivery.js';
import {
  isAuthFailure,
  type LegacyAuthErrorEvent,
  parseEvent,
  type TerraWebhookEvent,
} from '../../src/webhooks/events.js';
import { createWebhookHandler } from '../../src/webhooks/handler.js';
import { deliveryHeaders, SECRET, signedRequest } from '../support/webhooks.js';

afterEach(() => {
  vi.restoreAllMocks();
});

const opts = { secret: SECRET };

/** A deauth whose `message` is a number: drift at `$.message`, nothing else. */
function driftedDeauth(): Record<string, unknown> {
  return { ...(fixtures.event('deauth') as unknown as Record<string, unknown>), message: 12 };
}

describe('TerraWebhookResponse.drift', () => {
  it('lists where the event differs from its schema, paths and codes only; the event is the JSON as received', async () => {
    const body = JSON.stringify(driftedDeauth());
    const hook = await handleWebhook(body, deliveryHeaders(body), opts);
    // Read before the event: it parses on demand.
    expect(hook.drift).toEqual([
      {
        path: '$.message',
        pathSegments: ['message'],
        code: 'invalid_type',
        message: 'expected string, received number',
      },
    ]);
    const event = hook.getParsedResponse();
    expect(event).toBe(hook.getJson());
    expect(event).toStrictEqual(JSON.parse(body));
    expect(Object.isFrozen(hook.drift)).toBe(true);
  });

  it('is empty for an event that matches, and for an event of a type the SDK does not know', async () => {
    for (const payload of [fixtures.event('deauth'), { type: 'route', anything: 1 }]) {
      const body = JSON.stringify(payload);
      expect((await handleWebhook(body, deliveryHeaders(body), opts)).drift).toEqual([]);
    }
  });

  it('throws the validation error of a broken identifying field, as getParsedResponse does', async () => {
    const body = JSON.stringify({ ...driftedDeauth(), user: { provider: 'GARMIN' } });
    const hook = await handleWebhook(body, deliveryHeaders(body), opts);
    expect(() => hook.drift).toThrow(TerraValidationError);
    expect(() => hook.getParsedResponse()).toThrow(/at \$\.user\.user_id: expected string, but it is missing/);
  });

  it('keeps the older auth-failure shape as it was: typed by status, with drift beside it', () => {
    const failure = fixtures.event('auth', { status: 'error' });
    const drifts: (readonly SchemaDrift[])[] = [];
    const event = parseEvent({ ...failure, reason: 5 }, { onDrift: (drift) => drifts.push(drift) });
    expect(event.type === 'auth' && event.status).toBe('error');
    expect(drifts.map((d) => d.map((x) => x.path))).toEqual([['$.reason']]);
  });
});

describe('onDrift of createWebhookHandler', () => {
  async function post(handler: ReturnType<typeof createWebhookHandler>, payload: unknown) {
    return createFetchHandler(handler)(signedRequest(JSON.stringify(payload)));
  }

  it('is called once per drifted delivery with the drift and the delivery; listeners get the same drift', async () => {
    const reports: { drift: readonly SchemaDrift[]; eventType: string; traceId: string | undefined }[] = [];
    const seen: WebhookDelivery[] = [];
    const handler = createWebhookHandler({
      secret: SECRET,
      onDrift: (drift, { eventType, webhook }) => void reports.push({ drift, eventType, traceId: webhook.traceId }),
    }).on('deauth', (event, delivery) => {
      expectTypeOf(event).toEqualTypeOf<DeauthEvent>();
      expectTypeOf(delivery.drift).toEqualTypeOf<readonly SchemaDrift[]>();
      seen.push(delivery);
    });
    const response = await post(handler, driftedDeauth());
    expect(response.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(reports).toEqual([{ drift: seen[0]?.drift, eventType: 'deauth', traceId: 'trace-7d1c' }]);
    await post(handler, fixtures.event('deauth'));
    expect(seen).toHaveLength(2);
    expect(reports).toHaveLength(1);
  });

  it('logs one line by default, naming the type and paths but no value, at most ten a minute', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let now = Date.UTC(2026, 6, 1);
    const handler = createWebhookHandler({
      secret: SECRET,
      toleranceSeconds: Number.POSITIVE_INFINITY,
      now: () => now,
    });
    const deauth = driftedDeauth() as { user: Record<string, unknown> };
    const many = { ...deauth, status: 7, user: { ...deauth.user, provider: 8, scopes: 9 } };
    for (let i = 0; i < 12; i++) expect((await post(handler, many)).status).toBe(200);
    expect(warn).toHaveBeenCalledTimes(10);
    const line = String(warn.mock.calls[0]?.[0]);
    expect(line).toMatch(
      /^terra-sdk: delivered a deauth webhook that differs from its schema at (\$\.[a-z_.]+ \(invalid_type\), ){2}\$\.[a-z_.]+ \(invalid_type\) and 1 more; see delivery\.drift, or pass onDrift$/,
    );
    now += 60_000;
    await post(handler, driftedDeauth());
    // The two lines left out are counted in one line when the next minute starts.
    expect(warn).toHaveBeenCalledTimes(12);
    expect(String(warn.mock.calls[10]?.[0])).toBe(
      'terra-sdk: 2 more webhooks that differ from their schema in the last minute were not logged (see delivery.drift, or pass onDrift)',
    );
    expect(String(warn.mock.calls[11]?.[0])).toMatch(/at \$\.message \(invalid_type\);/);
    for (const [text] of warn.mock.calls) expect(String(text)).not.toMatch(/\b(12|7|8|9)\b/);
  });

  it('logs an onDrift that throws instead of failing the delivery', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const delivered: TerraWebhookEvent[] = [];
    const handler = createWebhookHandler({
      secret: SECRET,
      onDrift: () => {
        throw new Error('metrics down');
      },
    }).on('deauth', (event) => void delivered.push(event));
    expect((await post(handler, driftedDeauth())).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(delivered).toHaveLength(1);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/onDrift listener threw/), expect.any(Error));
  });

  it('must be a function', () => {
    expect(() => createWebhookHandler({ secret: SECRET, onDrift: 'log' as never })).toThrow(TerraConfigurationError);
    expect(() => createWebhookHandler({ secret: SECRET, onDrift: 'log' as never })).toThrow(
      /onDrift must be a function/,
    );
  });

  it('dispatch without a delivery hands listeners an empty drift', async () => {
    const deliveries: WebhookDelivery[] = [];
    const handler = createWebhookHandler({ secret: SECRET }).on(
      'deauth',
      (_, delivery) => void deliveries.push(delivery),
    );
    await handler.dispatch(fixtures.event('deauth'));
    expect(deliveries[0]?.drift).toEqual([]);
  });
});

describe('parseEvent options', () => {
  it('refuses an onDrift that is not a function and unknown options', () => {
    const event = fixtures.event('deauth');
    expect(() => parseEvent(event, { onDrift: 1 as never })).toThrow(TerraInvalidArgumentError);
    expect(() => parseEvent(event, { ondrift: () => {} } as never)).toThrow(
      /unknown option ondrift \(did you mean onDrift\?\)/,
    );
  });

  it('narrows a drifted event by type, as any other', () => {
    const event = parseEvent(driftedDeauth());
    expect(event.type).toBe('deauth');
    if (event.type === 'deauth') expectTypeOf(event).toEqualTypeOf<DeauthEvent>();
    else expectTypeOf(event).not.toEqualTypeOf<DeauthEvent>();
    if (isAuthFailure(event)) expectTypeOf(event).toEqualTypeOf<AuthErrorEvent | LegacyAuthErrorEvent>();
  });
});
