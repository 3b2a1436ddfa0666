/**
 * signWebhook: deliveries the real webhooks module accepts, in the bytes Terra writes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkTerraSignature,
  createFetchHandler,
  createWebhookHandler,
  handleWebhook,
  TerraInvalidArgumentError,
  type TerraWebhookEvent,
} from '../../src/index.js';
import { fixtures, signWebhook } from '../../src/testing/index.js';
import { terraJson } from '../../src/webhooks/terra-json.js';

const secret = 'whsec-test-71c2';

describe('signWebhook', () => {
  it('gives a body and headers that verify with the real webhooks module, delivery headers included', async () => {
    const payload = fixtures.event('daily', { seed: 3 });
    const { body, headers } = await signWebhook({
      payload,
      secret,
      traceId: 'trace-1',
      reference: 'ref-1',
      orderingTimestamp: 1_767_225_600_123,
    });
    expect(headers['content-type']).toBe('application/json');
    expect(headers['terra-signature']).toBe(headers['x-terra-signature']);
    const hook = await handleWebhook(body, headers, { secret });
    expect(hook).toMatchObject({ traceId: 'trace-1', reference: 'ref-1', orderingTimestamp: 1_767_225_600_123 });
    expect(hook.getParsedResponse()).toEqual(payload);
  });

  it('writes JSON as Terra does, so verifying a re-serialized body fails as it would with Terra', async () => {
    const { body, headers } = await signWebhook({ payload: fixtures.event('deauth'), secret });
    expect(body).toMatch(/^\{"type": "deauth", "status": "success", /);
    expect(await checkTerraSignature(body, headers, { secret })).toBe(true);
    expect(await checkTerraSignature(JSON.stringify(JSON.parse(body)), headers, { secret })).toBe(false);
  });

  it('signs a string payload byte for byte, at the timestamp given', async () => {
    const raw = '{"type":"healthcheck","note":"µg/dL"}';
    const { body, headers } = await signWebhook({ payload: raw, secret, timestamp: 1_700_000_000 });
    expect(body).toBe(raw);
    expect(headers['terra-signature']).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(headers['x-terra-ordering-timestamp']).toBe('1700000000000');
    expect(await checkTerraSignature(body, headers, { secret, now: () => 1_700_000_000_000 })).toBe(true);
    expect(await checkTerraSignature(body, headers, { secret: 'other', now: () => 1_700_000_000_000 })).toBe(false);
  });

  it('gives every delivery its own trace id unless one is given', async () => {
    const a = await signWebhook({ payload: fixtures.event('auth'), secret });
    const b = await signWebhook({ payload: fixtures.event('auth'), secret });
    expect(a.headers['x-terra-trace-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers['x-terra-trace-id']).not.toBe(b.headers['x-terra-trace-id']);
    expect(a.headers).not.toHaveProperty('terra-reference');
  });

  it('is accepted by a webhook handler, which gets the typed event', async () => {
    const received: TerraWebhookEvent[] = [];
    const handler = createWebhookHandler({ secret }).onUnhandled((event) => {
      received.push(event);
    });
    const respond = createFetchHandler(handler);
    const { body, headers } = await signWebhook({ payload: fixtures.event('user_reauth'), secret });
    const response = await respond(new Request('http://localhost/hook', { method: 'POST', body, headers }));
    expect(response.status).toBe(200);
    expect(received.map((e) => e.type)).toEqual(['user_reauth']);
  });

  it('rejects what it cannot sign, without repeating the secret or the payload', async () => {
    const rejects = async (options: unknown, argument: string, message: RegExp) => {
      const error = await signWebhook(options as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TerraInvalidArgumentError);
      expect((error as TerraInvalidArgumentError).argument).toBe(argument);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('SECRET-VALUE');
      expect((error as Error).message).not.toContain('PAYLOAD-VALUE');
    };
    const payload = { type: 'healthcheck', note: 'PAYLOAD-VALUE' };
    await rejects(undefined, 'payload', /payload is required/);
    await rejects('text', 'options', /signWebhook options must be an object/);
    await rejects({ secret }, 'payload', /payload is required/);
    await rejects({ payload, secret: '' }, 'secret', /non-empty string/);
    await rejects({ payload }, 'secret', /non-empty string/);
    await rejects({ payload, secret, timestamp: -1 }, 'timestamp', /whole number of at least 0/);
    await rejects({ payload, secret, orderingTimestamp: 1.5 }, 'orderingTimestamp', /whole number/);
    await rejects({ payload, secret, traceId: 'has space' }, 'traceId', /visible ASCII/);
    await rejects({ payload, secret, reference: 7 }, 'reference', /must be a string/);
    await rejects({ payload: { ...payload, big: 10n }, secret }, 'payload', /payload\.big is a bigint/);
    const loop: Record<string, unknown> = { type: 'x', note: 'PAYLOAD-VALUE' };
    loop.self = { back: loop };
    await rejects({ payload: loop, secret: 'SECRET-VALUE' }, 'payload', /payload\.self\.back refers back to itself/);
    await rejects({ payload: () => 1, secret }, 'payload', /must be a JSON value/);
  });
});

describe('terraJson', () => {
  it('holds the same JSON as JSON.stringify, with a space after each : and ,', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(terraJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
    expect(terraJson({ a: [1, { b: null }], c: 'x' })).toBe('{"a": [1, {"b": null}], "c": "x"}');
  });

  it('follows JSON.stringify for toJSON, undefined members and undefined array items', () => {
    const value = { at: new Date(0), gone: undefined, list: [undefined, 1] };
    expect(JSON.parse(terraJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });
});
