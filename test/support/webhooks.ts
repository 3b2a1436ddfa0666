/**
 * Helpers for the webhook tests: signatures computed independently of the SDK (node:crypto), the
 * known-answer vectors, and events built from Terra's spec.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { USER } from './payloads.js';
import { bundle, isObject, type Json, type JsonObject } from './spec.js';

export const SECRET = 'test-signing-secret-1f0c2a';

/** The known-answer vectors of ../shared/test-vectors/webhook-signatures.json. */
export interface Vector {
  name: string;
  secret: string;
  body: string;
  header: string;
  valid: boolean;
}

export function vectors(): Vector[] {
  const file = resolve(import.meta.dirname, '../../../shared/test-vectors/webhook-signatures.json');
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

/** A small, valid activity event. */
export function activityEvent(samples = 5): Record<string, unknown> {
  return fixtures.event('activity', { samples, user: USER }) as unknown as Record<string, unknown>;
}

/** Every example in the bundle's `webhooks:` section, with the entry it belongs to. */
export function webhookSectionExamples(): { entry: string; name: string; value: JsonObject }[] {
  const out: { entry: string; name: string; value: JsonObject }[] = [];
  for (const [entry, item] of Object.entries(bundle().webhooks as JsonObject)) {
    for (const operation of Object.values(item as JsonObject)) {
      const content = isObject(operation) && isObject(operation.requestBody) ? operation.requestBody.content : null;
      const media = isObject(content ?? null) ? (content as JsonObject)['application/json'] : null;
      if (!isObject(media ?? null)) continue;
      const m = media as JsonObject;
      if ('example' in m && isObject(m.example ?? null)) {
        out.push({ entry, name: 'example', value: m.example as JsonObject });
      }
      if (isObject(m.examples ?? null)) {
        for (const [name, ex] of Object.entries(m.examples as JsonObject)) {
          if (isObject(ex) && isObject(ex.value ?? null)) out.push({ entry, name, value: ex.value as JsonObject });
        }
      }
    }
  }
  return out;
}

/**
 * An instance of a JSON Schema node built from the spec's own field examples (the first example of
 * each property, recursively), for the event types whose whole-event example the spec lacks.
 */
export function exampleFromSchema(node: Json, depth = 0): Json {
  if (!isObject(node) || depth > 12) return null;
  if (typeof node.$ref === 'string') {
    const name = node.$ref.slice(node.$ref.lastIndexOf('/') + 1);
    return exampleFromSchema((bundle().components as JsonObject).schemas?.[name as never] ?? null, depth + 1);
  }
  if (Array.isArray(node.examples) && node.examples.length > 0) return node.examples[0] as Json;
  if ('const' in node) return node.const as Json;
  if (Array.isArray(node.enum)) return node.enum[0] as Json;
  for (const key of ['oneOf', 'anyOf'] as const) {
    const arms = node[key];
    if (Array.isArray(arms)) {
      const arm = arms.find((a) => !(isObject(a) && a.type === 'null'));
      return exampleFromSchema(arm ?? null, depth + 1);
    }
  }
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type;
  if (type === 'object' || isObject(node.properties ?? null)) {
    const out: JsonObject = {};
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    for (const part of Array.isArray(node.allOf) ? node.allOf : []) {
      const merged = exampleFromSchema(part, depth + 1);
      if (isObject(merged)) Object.assign(out, merged);
    }
    for (const [name, prop] of Object.entries((node.properties as JsonObject | undefined) ?? {})) {
      if (required.has(name) || (isObject(prop) && (prop.examples || prop.$ref || prop.const !== undefined))) {
        const value = exampleFromSchema(prop, depth + 1);
        if (value !== null || required.has(name)) out[name] = value;
      }
    }
    return out;
  }
  if (type === 'array') return [exampleFromSchema(node.items ?? null, depth + 1)];
  if (type === 'string') return 'x';
  if (type === 'number' || type === 'integer') return 1;
  if (type === 'boolean') return true;
  return null;
}
