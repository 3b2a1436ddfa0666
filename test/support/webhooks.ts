/**
 * Helpers for the webhook tests: signatures computed independently of the SDK (node:crypto), the
 * known-answer vectors, and events built from Terra's spec.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { USER } from './payloads.js';
import { type JsonObject, specWebhooks } from './spec.js';

export const SECRET = 'test-signing-secret-1f0c2a';

/** The known-answer vectors of test/fixtures/webhook-signatures.json (the tests' own copy of the brief's vectors). */
export interface Vector {
  name: string;
  secret: string;
  body: string;
  header: string;
  valid: boolean;
}

export function vectors(): Vector[] {
  const file = resolve(import.meta.dirname, '../fixtures/webhook-signatures.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { vectors: Vector[] }).vectors;
}

/** Lowercase hex HMAC-SHA256 of `<t>.<body>`, with node:crypto rather than the SDK. */
export function hmacHex(secret: string, t: number | string, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}

/** The signature header Terra would send. */
export function signatureHeader(body: string | Uint8Array, secret = SECRET, t = nowSeconds()): string {
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Delivery headers as Terra sends them, signed. */
export function deliveryHeaders(
  body: string | Uint8Array,
  extra: Record<string, string> = {},
  secret = SECRET,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'terra-signature': signatureHeader(body, secret),
    'x-terra-trace-id': 'trace-7d1c',
    'terra-reference': 'ref-42',
    'x-terra-ordering-timestamp': '1767225600123',
    ...extra,
  };
}

/** A signed POST as Terra sends it. */
export function signedRequest(
  body: string,
  extra: Record<string, string> = {},
  url = 'http://localhost/webhooks/terra',
): Request {
  return new Request(url, { method: 'POST', body, headers: deliveryHeaders(body, extra) });
}

export interface SignedDelivery {
  traceId: string;
  /** A fresh Request each call (a body can be read once), signed when called. */
  request: () => Request;
}

/**
 * Makes signed deliveries of events, as Terra POSTs them: each with its own trace id
 * (`<prefix><n>`) unless one is given, an ordering timestamp that grows with every delivery made
 * (or `at`), and a `terra-reference` (`reference`, else `defaultReference(traceId)`, else none).
 */
export function deliveryMaker(
  prefix: string,
  defaultReference?: (traceId: string) => string,
): (event: object, options?: { traceId?: string; at?: number; reference?: string }) => SignedDelivery {
  let trace = 0;
  return (event, options = {}) => {
    const traceId = options.traceId ?? `${prefix}${trace++}`;
    const body = JSON.stringify(event);
    const reference = options.reference ?? defaultReference?.(traceId);
    return {
      traceId,
      request: () =>
        signedRequest(body, {
          'x-terra-trace-id': traceId,
          'x-terra-ordering-timestamp': String(options.at ?? 1_767_225_600_000 + trace),
          ...(reference ? { 'terra-reference': reference } : {}),
        }),
    };
  };
}

/** A small, valid activity event. */
export function activityEvent(samples = 5): Record<string, unknown> {
  return fixtures.event('activity', { samples, user: USER }) as unknown as Record<string, unknown>;
}

/** Every example in the bundle's `webhooks:` section, with the entry it belongs to (test/fixtures/spec/webhooks.json). */
export function webhookSectionExamples(): { entry: string; name: string; value: JsonObject }[] {
  return specWebhooks().examples;
}
