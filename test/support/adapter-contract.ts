/**
 * What every framework adapter must do, run against each one through its real framework. An adapter
 * test supplies `mount`: it serves a handler the framework's way and sends requests the framework's
 * way (a loopback listen, `inject`, `app.request`, a route handler call).
 */
import { describe, expect, it } from 'vitest';
import { TerraValidationError, TerraWebhookVerificationError } from '../../src/errors.js';
import type { WebhookDelivery } from '../../src/webhooks/delivery.js';
import type { TerraWebhookEvent } from '../../src/webhooks/events.js';
import {
  createWebhookHandler,
  type WebhookErrorContext,
  type WebhookHandler,
  type WebhookHandlerOptions,
} from '../../src/webhooks/handler.js';
import { activityEvent, deliveryHeaders, SECRET, vectors } from './webhooks.js';

export interface Sent {
  method?: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  body: unknown;
}

export interface Mounted {
  send(request: Sent): Promise<Answer>;
  close?(): Promise<void> | void;
}

export type Mount = (handler: WebhookHandler) => Promise<Mounted>;

interface Recorder {
  handler: WebhookHandler;
  events: { event: TerraWebhookEvent; delivery: WebhookDelivery }[];
  errors: { error: unknown; context: WebhookErrorContext }[];
}

function recorder(options: WebhookHandlerOptions = {}): Recorder {
  const events: Recorder['events'] = [];
  const errors: Recorder['errors'] = [];
  const handler = createWebhookHandler({
    secret: SECRET,
    onError: (error, context) => {
      errors.push({ error, context });
    },
    ...options,
  });
  handler
    .on('activity', (event, delivery) => {
      events.push({ event, delivery });
    })
    .on('sleep', () => {
      throw new Error('database down');
    })
    .onUnhandled((event, delivery) => {
      events.push({ event, delivery });
    });
  return { handler, events, errors };
}

const post = (body: string | Uint8Array, headers: Record<string, string> = deliveryHeaders(body)): Sent => ({
  method: 'POST',
  body,
  headers,
});

export function describeAdapter(name: string, mount: Mount): void {
  describe(`${name} adapter`, () => {
    async function run(options: WebhookHandlerOptions, send: (m: Mounted) => Promise<Answer>) {
      const rec = recorder(options);
      const mounted = await mount(rec.handler);
      try {
        const answer = await send(mounted);
        // onError runs after the answer is sent; give it a turn.
        await new Promise((resolve) => setTimeout(resolve, 10));
        return { ...rec, answer };
      } finally {
        await mounted.close?.();
      }
    }

    it('answers 200 to a verified event and hands it, typed, to its listener with the delivery headers', async () => {
      const body = JSON.stringify(activityEvent(3));
      const { answer, events, errors } = await run({}, (m) => m.send(post(body)));
      expect(answer).toEqual({ status: 200, body: { received: true } });
      expect(events).toHaveLength(1);
      expect(events[0]?.event).toEqual(JSON.parse(body));
      expect(events[0]?.delivery).toMatchObject({
        traceId: 'trace-7d1c',
        reference: 'ref-42',
        orderingTimestamp: 1767225600123,
      });
      expect(errors).toEqual([]);
    });

    it('keeps the exact bytes: the payload Terra signed, with its Python-style spacing, verifies', async () => {
      const vector = vectors().find((v) => v.name === 'real-deauth-valid');
      if (!vector) throw new Error('vector missing');
      const headers = { 'content-type': 'application/json', 'Terra-Signature': vector.header };
      const { answer, events } = await run({ secret: vector.secret, tolerance: Infinity }, (m) =>
        m.send(post(vector.body, headers)),
      );
      expect(answer.status).toBe(200);
      expect(events[0]?.event.type).toBe('deauth');
    });

    it('accepts a body of several megabytes', async () => {
      const body = JSON.stringify(activityEvent(20_000));
      expect(body.length).toBeGreaterThan(2_000_000);
      const { answer, events } = await run({}, (m) => m.send(post(body)));
      expect(answer.status).toBe(200);
      expect(events).toHaveLength(1);
    });

    it('answers 200 to an unknown event type and hands it to the fallback', async () => {
      const body = JSON.stringify({ type: 'route', user: { user_id: 'u', provider: 'GARMIN' } });
      const { answer, events } = await run({}, (m) => m.send(post(body)));
      expect(answer.status).toBe(200);
      expect(events[0]?.event).toEqual({ type: 'unknown', receivedType: 'route', json: JSON.parse(body) });
    });

    it('answers 401 to a bad or missing signature, and reports it', async () => {
      const body = JSON.stringify(activityEvent(1));
      const bad = await run({}, (m) => m.send(post(body, deliveryHeaders(body, {}, 'another-secret'))));
      expect(bad.answer).toEqual({ status: 401, body: { error: 'no_matching_signature' } });
      expect(bad.events).toEqual([]);
      expect(bad.errors[0]?.error).toBeInstanceOf(TerraWebhookVerificationError);
      expect(bad.errors[0]?.context).toMatchObject({ phase: 'verify', status: 401, webhook: undefined });
      const missing = await run({}, (m) => m.send(post(body, { 'content-type': 'application/json' })));
      expect(missing.answer).toEqual({ status: 401, body: { error: 'missing_header' } });
    });

    it('answers 400 to a verified body that is not JSON', async () => {
      const body = '{"type": "activity", ';
      const { answer, errors } = await run({}, (m) => m.send(post(body)));
      expect(answer).toEqual({ status: 400, body: { error: 'malformed_body' } });
      expect(errors[0]?.context).toMatchObject({ phase: 'body', status: 400 });
      expect(errors[0]?.context.webhook?.rawBody).toBe(body);
    });

    it('delivers an event that drifts from its schema, with its drift on the delivery and in onDrift once', async () => {
      const drifted = { ...(activityEvent(1) as Record<string, unknown>), version: 20220316 };
      const reports: unknown[] = [];
      const { answer, events, errors } = await run({ onDrift: (drift) => void reports.push(drift) }, (m) =>
        m.send(post(JSON.stringify(drifted))),
      );
      expect(answer).toEqual({ status: 200, body: { received: true } });
      expect(events.map((e) => e.event)).toEqual([drifted]);
      expect(events[0]?.delivery.drift.map((d) => `${d.path} ${d.code}`)).toEqual(['$.version invalid_type']);
      expect(reports).toEqual([events[0]?.delivery.drift]);
      expect(errors).toEqual([]);
    });

    it('answers 200 to a verified event whose identifying field is broken, and hands it to onError with its JSON', async () => {
      const json = { type: 'activity', version: '2022-03-16', data: [] };
      const body = JSON.stringify(json);
      const { answer, events, errors } = await run({}, (m) => m.send(post(body)));
      expect(answer.status).toBe(200);
      expect(events).toEqual([]);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.error).toBeInstanceOf(TerraValidationError);
      expect(errors[0]?.context).toMatchObject({ phase: 'event', status: 200, afterResponse: false, json });
    });

    it('answers 500 when the listener throws, so Terra retries', async () => {
      const body = JSON.stringify({ type: 'sleep', user: { user_id: 'u', provider: 'OURA' }, version: 'v', data: [] });
      const { answer, errors } = await run({}, (m) => m.send(post(body)));
      expect(answer).toEqual({ status: 500, body: { error: 'handler_failed' } });
      expect(errors[0]?.context).toMatchObject({ phase: 'handler', status: 500 });
      expect(errors[0]?.error).toEqual(new Error('database down'));
    });

    it('answers 405 to anything but POST', async () => {
      const { answer } = await run({}, (m) => m.send({ method: 'GET', headers: {} }));
      expect(answer).toEqual({ status: 405, body: { error: 'method_not_allowed' } });
    });
  });
}

/** Sends through a function that takes a Web Request, as fetch-style frameworks do. */
export function viaRequest(
  call: (request: Request) => Promise<Response>,
  url = 'http://localhost/webhooks/terra',
): Mounted['send'] {
  return async ({ method = 'POST', body, headers = {} }) => {
    const request = new Request(url, { method, headers, ...(body === undefined ? {} : { body: body as BodyInit }) });
    const response = await call(request);
    return parseAnswer(response.status, await response.text());
  };
}

/** Sends over the network to a server listening at `base`. */
export const viaLoopback = (base: string, path = '/webhooks/terra'): Mounted['send'] =>
  viaRequest((request) => fetch(request), `${base}${path}`);

/** Reads an answer's body as JSON when it is JSON. */
export function parseAnswer(status: number, text: string): Answer {
  try {
    return { status, body: JSON.parse(text) };
  } catch {
    return { status, body: text };
  }
}
