/**
 * Verification uses Web APIs only: it works in a runtime without Node's `Buffer` (Workers, browsers,
 * Deno without Node compatibility). The module is imported fresh after `Buffer` is gone.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { vectors } from '../support/webhooks.js';

const original = globalThis.Buffer;

afterEach(() => {
  globalThis.Buffer = original;
});

it('imports and verifies every vector with globalThis.Buffer deleted', async () => {
  const all = vectors();
  Reflect.deleteProperty(globalThis, 'Buffer');
  expect(typeof (globalThis as { Buffer?: unknown }).Buffer).toBe('undefined');
  vi.resetModules();
  const { verifySignature, signPayload, constructEvent } = await import('../../src/webhooks/index.js');
  for (const vector of all) {
    const result = await verifySignature(vector.body, vector.header, {
      secret: vector.secret,
      tolerance: Infinity,
    }).then(
      () => true,
      () => false,
    );
    expect(result).toBe(vector.valid);
  }
  const body = new TextEncoder().encode('{"type":"healthcheck","sent_webhooks_last_hour":3}');
  const header = await signPayload(body, { secret: 's', timestamp: 10 });
  await expect(constructEvent(body, header, { secret: 's', tolerance: Infinity })).resolves.toMatchObject({
    type: 'healthcheck',
    sent_webhooks_last_hour: 3,
  });
  expect(typeof (globalThis as { Buffer?: unknown }).Buffer).toBe('undefined');
});
