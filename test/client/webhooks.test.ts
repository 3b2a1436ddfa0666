/**
 * The client's webhook methods (terra-python's handle_webhook and check_terra_signature) verify with
 * the client's configured secret(s).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signPayload, Terra, TerraWebhookVerificationError } from '../../src/index.js';
import { USER } from '../support/payloads.js';

const vectors = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../fixtures/webhook-signatures.json'), 'utf8'),
) as { vectors: { name: string; secret: string; body: string; header: string; valid: boolean }[] };

const SECRET = 'whsec-client-test';
const client = (secret?: string | string[]) => new Terra({ apiKey: 'k', devId: 'd', ...(secret ? { secret } : {}) });
const body = JSON.stringify({ type: 'deauth', status: 'success', message: 'User has deauthenticated', user: USER });

afterEach(() => vi.unstubAllEnvs());

describe('terra.handleWebhook', () => {
  it('verifies a raw body and its signature header, and parses the event', async () => {
    const header = await signPayload(body, { secret: SECRET });
    const hook = await client(SECRET).handleWebhook(body, header);
    const event = hook.getParsedResponse();
    expect(event.type).toBe('deauth');
    if (event.type === 'deauth') expect(event.user.user_id).toBe(USER.user_id);
    expect(hook.getJson()).toEqual(JSON.parse(body));
  });

  it('takes a Web Request and reads the delivery headers', async () => {
    const request = new Request('https://app.example/terra', {
      method: 'POST',
      body,
      headers: {
        'terra-signature': await signPayload(body, { secret: SECRET }),
        'x-terra-trace-id': 'trace-1',
        'terra-reference': 'ref-1',
        'x-terra-ordering-timestamp': '1782900000000',
      },
    });
    const hook = await client(SECRET).handleWebhook(request);
    expect(hook).toMatchObject({ traceId: 'trace-1', reference: 'ref-1', orderingTimestamp: 1_782_900_000_000 });
  });

  it('accepts any of several secrets during a rotation, and TERRA_WEBHOOK_SECRET by default', async () => {
    const header = await signPayload(body, { secret: 'new-secret' });
    await expect(client(['old-secret', 'new-secret']).handleWebhook(body, header)).resolves.toBeDefined();
    vi.stubEnv('TERRA_WEBHOOK_SECRET', 'new-secret');
    await expect(client().handleWebhook(body, header)).resolves.toBeDefined();
  });

  it('verifies the payload Terra itself signed, byte for byte, and rejects it re-serialized', async () => {
    const vector = vectors.vectors.find((v) => v.name === 'real-deauth-valid');
    if (!vector) throw new Error('vector missing');
    const terra = client(vector.secret);
    const hook = await terra.handleWebhook(vector.body, vector.header, { tolerance: Number.POSITIVE_INFINITY });
    expect(hook.getParsedResponse().type).toBe('deauth');
    const reserialized = JSON.stringify(JSON.parse(vector.body));
    await expect(
      terra.handleWebhook(reserialized, vector.header, { tolerance: Number.POSITIVE_INFINITY }),
    ).rejects.toMatchObject({
      code: 'no_matching_signature',
    });
  });

  it('fails with missing_secret, naming the option and variable, when no secret is configured', async () => {
    vi.stubEnv('TERRA_WEBHOOK_SECRET', '');
    const error = await client()
      .handleWebhook(body, await signPayload(body, { secret: SECRET }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraWebhookVerificationError);
    expect(error).toMatchObject({ code: 'missing_secret' });
    expect((error as Error).message).toContain('TERRA_WEBHOOK_SECRET');
  });

  it('rejects a forged or stale delivery', async () => {
    const forged = await signPayload(body, { secret: 'not-the-secret' });
    await expect(client(SECRET).handleWebhook(body, forged)).rejects.toMatchObject({ code: 'no_matching_signature' });
    const stale = await signPayload(body, { secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 3_600 });
    await expect(client(SECRET).handleWebhook(body, stale)).rejects.toMatchObject({
      code: 'timestamp_outside_tolerance',
    });
  });
});

describe('terra.checkTerraSignature', () => {
  it('answers true or false', async () => {
    const terra = client(SECRET);
    expect(await terra.checkTerraSignature(body, await signPayload(body, { secret: SECRET }))).toBe(true);
    expect(await terra.checkTerraSignature(body, await signPayload(body, { secret: 'other' }))).toBe(false);
    expect(await terra.checkTerraSignature(body, 't=1,v1=00')).toBe(false);
  });

  it('still throws for setup mistakes: no secret, or a parsed body', async () => {
    vi.stubEnv('TERRA_WEBHOOK_SECRET', '');
    await expect(client().checkTerraSignature(body, 't=1,v1=00')).rejects.toMatchObject({ code: 'missing_secret' });
    await expect(client(SECRET).checkTerraSignature(JSON.parse(body), 't=1,v1=00')).rejects.toMatchObject({
      code: 'body_not_raw',
    });
  });
});
