/**
 * Properties of verification over generated inputs (fast-check): signing then verifying holds, any
 * changed byte fails, and no input makes verification throw anything but a verification error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TerraWebhookVerificationError } from '../../src/errors.js';
import { signPayload } from '../../src/webhooks/sign.js';
import { verifySignature } from '../../src/webhooks/signature/verify.js';
import { hmacHex } from '../support/webhooks.js';

const T = 1_700_000_000;
const now = () => T * 1000;
const secretArb = fc.string({ minLength: 1, maxLength: 64 });
const bodyArb = fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }));
const timestampArb = fc.integer({ min: T - 300, max: T + 300 });

const flip = (bytes: Uint8Array, index: number, bit: number) => {
  const copy = bytes.slice();
  copy[index % copy.length] = (copy[index % copy.length] as number) ^ (1 << bit);
  return copy;
};

describe('verification properties', () => {
  it('verifies whatever signPayload signs, and matches node:crypto', async () => {
    await fc.assert(
      fc.asyncProperty(bodyArb, secretArb, timestampArb, async (body, secret, t) => {
        const header = await signPayload(body, { secret, timestamp: t });
        expect(header).toBe(`t=${t},v1=${hmacHex(secret, t, body)}`);
        await expect(verifySignature(body, header, { secret, now })).resolves.toEqual({ timestamp: t, secretIndex: 0 });
      }),
    );
  });

  it('fails when any bit of the body changes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        secretArb,
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        async (body, secret, index, bit) => {
          const header = await signPayload(body, { secret, timestamp: T });
          const error = await verifySignature(flip(body, index, bit), header, { secret, now }).catch((e) => e);
          expect(error).toBeInstanceOf(TerraWebhookVerificationError);
          expect(error.code).toBe('no_matching_signature');
        },
      ),
    );
  });

  it('fails when the timestamp or any character of the signature changes', async () => {
    await fc.assert(
      fc.asyncProperty(
        bodyArb,
        secretArb,
        fc.integer({ min: 1, max: 299 }),
        fc.nat({ max: 63 }),
        fc.constantFrom(...'0123456789abcdef'),
        async (body, secret, shift, position, digit) => {
          const header = await signPayload(body, { secret, timestamp: T });
          const sig = header.slice(header.indexOf('v1=') + 3);
          // Another timestamp inside the tolerance: only the signature can reject it.
          const moved = await verifySignature(body, `t=${T + shift},v1=${sig}`, { secret, now }).catch((e) => e);
          expect(moved.code).toBe('no_matching_signature');
          fc.pre(sig[position] !== digit);
          const changed = `${sig.slice(0, position)}${digit}${sig.slice(position + 1)}`;
          const error = await verifySignature(body, `t=${T},v1=${changed}`, { secret, now }).catch((e) => e);
          expect(error.code).toBe('no_matching_signature');
        },
      ),
    );
  });

  it('throws nothing but TerraWebhookVerificationError, whatever the body, header and secret', async () => {
    const sig = hmacHex('s', T, 'b');
    const headerArb = fc.oneof(
      fc.anything(),
      fc.string(),
      fc.constant(`t=${T},v1=${sig}`),
      fc.tuple(fc.string(), fc.string()).map(([a, b]) => `t=${a},v1=${b}`),
      fc.dictionary(fc.constantFrom('terra-signature', 'X-Terra-Signature', 'other'), fc.anything()),
      fc
        .array(fc.constantFrom('t=1', 'v1=', `v1=${sig}`, 'v0=ab', ',', ' ', '=', 't=x'), { maxLength: 8 })
        .map((p) => p.join(',')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.anything(), bodyArb, fc.constant('b')),
        headerArb,
        fc.oneof(fc.anything(), secretArb, fc.constant('s'), fc.array(fc.anything(), { maxLength: 3 })),
        async (body, header, secret) => {
          try {
            await verifySignature(body as never, header as never, { secret: secret as never, tolerance: Infinity });
          } catch (error) {
            expect(error).toBeInstanceOf(TerraWebhookVerificationError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
