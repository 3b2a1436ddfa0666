import { inspect } from 'node:util';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { TerraConfigurationError, TerraInvalidArgumentError, TerraWebhookVerificationError } from '../../src/errors.js';
import type { ActivityEvent } from '../../src/models/index.js';
import type { WebhookDelivery } from '../../src/webhooks/delivery.js';
import type { TerraWebhookEvent, UnknownWebhookEvent } from '../../src/webhooks/events.js';
import { createWebhookHandler, DEFAULT_DEADLINE_MS, WebhookHandler } from '../../src/webhooks/handler.js';
import { fetchS3Payload } from '../../src/webhooks/s3.js';
import { activityEvent, SECRET, signatureHeader, signedRequest } from '../support/webhooks.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const noDelivery: WebhookDelivery = {
  traceId: undefined,
  reference: undefined,
  orderingTimestamp: undefined,
  drift: [],
};

describe('createWebhookHandler options', () => {
  it('takes the secret from TERRA_WEBHOOK_SECRET when not given', async () => {
    vi.stubEnv('TERRA_WEBHOOK_SECRET', SECRET);
    const handler = createWebhookHandler();
    expect(handler).toBeInstanceOf(WebhookHandler);
    expect(handler.deadlineMs).toBe(DEFAULT_DEADLINE_MS);
    const hook = await handler.verify(signedRequest(JSON.stringify(activityEvent(1))));
    expect(hook.dtype).toBe('activity');
  });

  it('fails at construction without a secret, naming the option and the variable', () => {
    vi.stubEnv('TERRA_WEBHOOK_SECRET', '');
    const error = (() => {
      try {
        createWebhookHandler({});
      } catch (e) {
        return e as TerraConfigurationError;
      }
    })();
    expect(error).toBeInstanceOf(TerraConfigurationError);
    expect(error?.option).toBe('secret');
    expect(error?.message).toMatch(/TERRA_WEBHOOK_SECRET/);
  });

  it.each([
    [{ secret: '' }, 'secret'],
    [{ secret: [] }, 'secret'],
    [{ secret: [SECRET, 3] }, 'secret'],
    [{ secret: SECRET, tolerance: -1 }, 'tolerance'],
    [{ secret: SECRET, tolerance: '300' }, 'tolerance'],
    [{ secret: SECRET, deadlineMs: 0 }, 'deadlineMs'],
    [{ secret: SECRET, deadlineMs: Number.POSITIVE_INFINITY }, 'deadlineMs'],
    [{ secret: SECRET, deadlineMs: '5s' }, 'deadlineMs'],
    [{ secret: SECRET, onError: 'log' }, 'onError'],
    [{ secret: SECRET, now: 5 }, 'now'],
    ['secret', 'options'],
  ])('rejects %j, naming %s', (options, option) => {
    expect(() => createWebhookHandler(options as never)).toThrow(
      expect.objectContaining({ name: 'TerraConfigurationError', option }),
    );
  });

  it('keeps the secret out of inspect, JSON and errors', () => {
    const handler = createWebhookHandler({ secret: [SECRET, 'second-secret-value'] });
    for (const text of [inspect(handler, { depth: 10, showHidden: true }), JSON.stringify(handler), String(handler)]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('second-secret-value');
    }
    const error = (() => {
      try {
        handler.on('activity', () => {}).on('activity', () => {});
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).not.toContain(SECRET);
  });
});

describe('listeners', () => {
  const activity = activityEvent(2) as unknown as ActivityEvent;

  it('types each listener by its event and calls it with the event and the delivery', async () => {
    const seen: unknown[] = [];
    const handler = createWebhookHandler({ secret: SECRET })
      .on('activity', (event, delivery) => {
        expectTypeOf(event).toEqualTypeOf<ActivityEvent>();
        seen.push(event.data[0]?.metadata.summary_id, delivery.traceId);
      })
      .on('unknown', (event) => {
        expectTypeOf(event).toEqualTypeOf<UnknownWebhookEvent>();
        seen.push(event.receivedType);
      });
    await handler.dispatch(activity, { ...noDelivery, traceId: 't-1' });
    await handler.dispatch({ type: 'unknown', receivedType: 'route', json: { type: 'route' } });
    expect(seen).toEqual([activity.data[0]?.metadata.summary_id, 't-1', 'route']);
  });

  it('waits for async listeners and passes their errors on', async () => {
    const order: string[] = [];
    const handler = createWebhookHandler({ secret: SECRET })
      .on('activity', async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push('listener');
      })
      .on('sleep', async () => {
        throw new Error('database down');
      });
    await handler.dispatch(activity);
    order.push('after');
    expect(order).toEqual(['listener', 'after']);
    await expect(handler.dispatch({ type: 'sleep', data: [], user: activity.user, version: 'v' })).rejects.toThrow(
      'database down',
    );
  });

  it('sends every event without a listener, unknown types included, to the fallback', async () => {
    const fallback: TerraWebhookEvent[] = [];
    const handler = createWebhookHandler({ secret: SECRET })
      .on('activity', () => {})
      .onUnhandled((event) => {
        fallback.push(event);
      });
    const unknown: UnknownWebhookEvent = { type: 'unknown', receivedType: 'route', json: { type: 'route' } };
    const healthcheck = { type: 'healthcheck' } as const;
    await handler.dispatch(activity);
    await handler.dispatch(unknown);
    await handler.dispatch(healthcheck);
    expect(fallback).toEqual([unknown, healthcheck]);
  });

  it('drops events nobody listens to without failing', async () => {
    await expect(createWebhookHandler({ secret: SECRET }).dispatch(activity)).resolves.toBeUndefined();
  });

  it('refuses a second listener for a type, a second fallback, unknown types and non-functions', () => {
    const handler = createWebhookHandler({ secret: SECRET })
      .on('activity', () => {})
      .onUnhandled(() => {});
    const refused = (fn: () => unknown, pattern: RegExp) => {
      expect(fn).toThrow(TerraInvalidArgumentError);
      expect(fn).toThrow(pattern);
    };
    refused(() => handler.on('activity', () => {}), /already registered/);
    refused(() => handler.onUnhandled(() => {}), /fallback listener is already registered/);
    refused(() => handler.on('actvity' as never, () => {}), /"actvity" is not an event type.*on\('unknown'/);
    refused(() => handler.on(42 as never, () => {}), /must be a string/);
    refused(() => handler.on('sleep', 'save' as never), /must be a function/);
    refused(() => createWebhookHandler({ secret: SECRET }).onUnhandled(null as never), /must be a function/);
  });

  it('hands the event inside an s3_payload to the listeners, as the docs show', async () => {
    const inner = activityEvent(3);
    const seen: string[] = [];
    const handler = createWebhookHandler({ secret: SECRET });
    handler
      .on('s3_payload', async (event, delivery) => {
        const fetchStub = async () => new Response(JSON.stringify(inner));
        await handler.dispatch(await fetchS3Payload(event, { fetch: fetchStub }), delivery);
      })
      .on('activity', (event, delivery) => {
        seen.push(`${event.type} ${delivery.traceId}`);
      });
    await handler.dispatch(
      { type: 's3_payload', status: 'success', url: 'https://bucket.example/x', expires_in: 300 },
      { ...noDelivery, traceId: 'outer' },
    );
    expect(seen).toEqual(['activity outer']);
  });
});

describe('verify and reportError', () => {
  it('verifies with the handler secret, tolerance and clock', async () => {
    const body = JSON.stringify(activityEvent(1));
    const request = () =>
      new Request('http://x/', {
        method: 'POST',
        body,
        headers: { 'terra-signature': signatureHeader(body, SECRET, 1000) },
      });
    const strict = createWebhookHandler({ secret: SECRET, now: () => 1_400_000 });
    await expect(strict.verify(request())).rejects.toMatchObject({ code: 'timestamp_outside_tolerance' });
    const lenient = createWebhookHandler({ secret: ['old', SECRET], now: () => 1_400_000, tolerance: 400 });
    await expect(lenient.verify(request())).resolves.toMatchObject({ signature: { timestamp: 1000, secretIndex: 1 } });
    const error = await createWebhookHandler({ secret: 'wrong' })
      .verify(request())
      .catch((e) => e);
    expect(error).toBeInstanceOf(TerraWebhookVerificationError);
  });

  it('logs an onError that throws instead of throwing', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const handler = createWebhookHandler({
      secret: SECRET,
      onError: () => {
        throw new Error('logger down');
      },
    });
    await expect(
      handler.reportError(new Error('x'), {
        phase: 'handler',
        status: 500,
        afterResponse: false,
        webhook: undefined,
        json: undefined,
      }),
    ).resolves.toBeUndefined();
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/onError listener threw/), expect.any(Error));
  });

  it('logs one line to console.error by default: phase, status, code and trace id, no message or stack', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const error = new Error('boom with a value 72.5');
    await createWebhookHandler({ secret: SECRET }).reportError(error, {
      phase: 'handler',
      status: 200,
      afterResponse: true,
      webhook: undefined,
      json: undefined,
      traceId: 'trace-1',
    });
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]).toEqual([
      'terra-sdk: webhook delivery failed after answering: phase=handler status=200 code=Error trace=trace-1',
    ]);
  });
});
