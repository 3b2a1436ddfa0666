import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { TerraInvalidArgumentError, TerraValidationError, TerraWebhookVerificationError } from '../../src/errors.js';
import {
  checkTerraSignature,
  constructEvent,
  handleWebhook,
  handleWebhookRequest,
  TerraWebhookResponse,
} from '../../src/webhooks/delivery.js';
import { activityEvent, deliveryHeaders, SECRET, signatureHeader, signedRequest } from '../support/webhooks.js';

const BODY = JSON.stringify(activityEvent(3));
const opts = { secret: SECRET };

describe('handleWebhook', () => {
  it('verifies, then gives the JSON, the typed event and the delivery headers', async () => {
    const hook = await handleWebhook(BODY, deliveryHeaders(BODY), opts);
    expect(hook).toBeInstanceOf(TerraWebhookResponse);
    expect(hook.rawBody).toBe(BODY);
    expect(hook.dtype).toBe('activity');
    expect(hook.traceId).toBe('trace-7d1c');
    expect(hook.reference).toBe('ref-42');
    expect(hook.orderingTimestamp).toBe(1767225600123);
    expect(hook.signature.secretIndex).toBe(0);
    expect(hook.getJson()).toEqual(JSON.parse(BODY));
    const event = hook.getParsedResponse();
    expect(event.type === 'activity' && event.data[0]?.metadata.summary_id).toBe(
      (activityEvent(3).data as { metadata: { summary_id: string } }[])[0]?.metadata.summary_id,
    );
    // Parsed once: the same object every time.
    expect(hook.getParsedResponse()).toBe(event);
    expect(hook.getJson()).toBe(event);
  });

  it('takes the bare header value too, with no delivery headers then', async () => {
    const hook = await handleWebhook(new TextEncoder().encode(BODY), signatureHeader(BODY), opts);
    expect(hook.rawBody).toBe(BODY);
    expect([hook.traceId, hook.reference, hook.orderingTimestamp]).toEqual([undefined, undefined, undefined]);
  });

  it('throws the verification error before reading anything', async () => {
    const error = await handleWebhook(BODY, deliveryHeaders('other body'), opts).catch((e) => e);
    expect(error).toBeInstanceOf(TerraWebhookVerificationError);
    expect(error.code).toBe('no_matching_signature');
  });

  it('keeps a verified body that is not JSON readable as text, and says so without quoting it', async () => {
    const text = 'user_id=abc&hr=61';
    const hook = await handleWebhook(text, deliveryHeaders(text), opts);
    expect(hook.dtype).toBeUndefined();
    expect(hook.rawBody).toBe(text);
    for (const read of [() => hook.getJson(), () => hook.getParsedResponse()]) {
      const error = (() => {
        try {
          read();
        } catch (e) {
          return e as TerraValidationError;
        }
      })();
      expect(error).toBeInstanceOf(TerraValidationError);
      expect(error?.issues[0]?.code).toBe('invalid_json');
      expect(error?.message).not.toContain('abc');
    }
  });

  it('keeps the JSON of a known event that breaks its schema, while parsing throws', async () => {
    const broken = JSON.stringify({ type: 'activity', version: '2022-03-16', data: [] });
    const hook = await handleWebhook(broken, deliveryHeaders(broken), opts);
    expect(hook.dtype).toBe('activity');
    expect(() => hook.getParsedResponse()).toThrow(/at \$\.user/);
    expect(hook.getJson()).toEqual(JSON.parse(broken));
  });

  it('keeps the body out of inspect and JSON.stringify of the response', async () => {
    const hook = await handleWebhook(BODY, deliveryHeaders(BODY), opts);
    expect(inspect(hook)).not.toContain('Morning Run');
    expect(JSON.stringify(hook)).not.toContain('Morning Run');
    expect(inspect(hook)).toContain('trace-7d1c');
  });

  it('gives NaN for an ordering timestamp that is not a number of milliseconds, so a store refuses it', async () => {
    for (const value of ['soon', '-5', '1.5e3', '12345678901234567']) {
      const hook = await handleWebhook(BODY, deliveryHeaders(BODY, { 'x-terra-ordering-timestamp': value }), opts);
      expect(hook.orderingTimestamp).toBeNaN();
    }
  });
});

describe('handleWebhookRequest', () => {
  it('reads body, signature and delivery headers from a Request', async () => {
    const hook = await handleWebhookRequest(signedRequest(BODY), opts);
    expect(hook.getParsedResponse().type).toBe('activity');
    expect(hook.traceId).toBe('trace-7d1c');
    expect(hook.reference).toBe('ref-42');
    expect(hook.orderingTimestamp).toBe(1767225600123);
  });

  it('finds x-terra-signature as well', async () => {
    const headers = { 'x-terra-signature': signatureHeader(BODY) };
    const hook = await handleWebhookRequest(new Request('http://x/', { method: 'POST', body: BODY, headers }), opts);
    expect(hook.dtype).toBe('activity');
  });

  it('refuses a request whose body was already read, saying why', async () => {
    const request = signedRequest(BODY);
    await request.json();
    const error = await handleWebhookRequest(request, opts).catch((e) => e);
    expect(error).toBeInstanceOf(TerraWebhookVerificationError);
    expect(error.code).toBe('body_not_raw');
    expect(error.message).toMatch(/already read/);
  });

  it('refuses something that is not a Request', async () => {
    for (const value of [undefined, BODY, { headers: {} }]) {
      const error = await handleWebhookRequest(value as never, opts).catch((e) => e);
      expect(error).toBeInstanceOf(TerraInvalidArgumentError);
      expect(error.argument).toBe('request');
    }
  });
});

describe('constructEvent', () => {
  it('verifies and parses in one call', async () => {
    const event = await constructEvent(BODY, deliveryHeaders(BODY), opts);
    expect(event.type).toBe('activity');
    await expect(constructEvent(BODY, {}, opts)).rejects.toMatchObject({ code: 'missing_header' });
  });
});

describe('checkTerraSignature', () => {
  it('answers true or false for the delivery itself', async () => {
    expect(await checkTerraSignature(BODY, deliveryHeaders(BODY), opts)).toBe(true);
    expect(await checkTerraSignature(`${BODY} `, deliveryHeaders(BODY), opts)).toBe(false);
    expect(await checkTerraSignature(BODY, {}, opts)).toBe(false);
    expect(await checkTerraSignature(BODY, 't=abc', opts)).toBe(false);
    const old = `t=1000,v1=${signatureHeader(BODY, SECRET, 1000).split('v1=')[1]}`;
    expect(await checkTerraSignature(BODY, old, opts)).toBe(false);
  });

  it('still throws for setup mistakes: no secret, or a parsed body', async () => {
    await expect(checkTerraSignature(BODY, deliveryHeaders(BODY), { secret: '' })).rejects.toMatchObject({
      code: 'missing_secret',
    });
    await expect(checkTerraSignature(JSON.parse(BODY), deliveryHeaders(BODY), opts)).rejects.toMatchObject({
      code: 'body_not_raw',
    });
  });
});
