/**
 * The one Request-to-Response core every adapter wraps. Bun, Deno, Cloudflare Workers and any other
 * fetch-style server use it directly.
 *
 * @packageDocumentation
 */
import { TerraInvalidArgumentError, TerraWebhookVerificationError } from '../errors.js';
import type { TerraWebhookResponse } from './delivery.js';
import type { TerraWebhookEvent } from './events.js';
import type { WebhookErrorContext, WebhookHandler } from './handler.js';

/** Lets a runtime keep work alive after the response is sent. */
export interface WaitUntil {
  /**
   * Called with a listener still running when the deadline passed. Pass Workers' `ctx.waitUntil`,
   * Vercel's `waitUntil` or Next.js's `after`, so a serverless runtime does not stop it early.
   */
  waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
}

/** Handles one webhook request: `(request, context?) => Promise<Response>`. */
export type FetchHandler = (request: Request, context?: WaitUntil) => Promise<Response>;

const json = (status: number, body: Record<string, unknown>, headers?: Record<string, string>): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const received = () => json(200, { received: true });

type Outcome = { error: unknown } | undefined;
const LATE = Symbol('late');

/**
 * Makes a fetch handler from a {@link WebhookHandler}. For each request it:
 *
 * - answers 405 to anything but POST;
 * - verifies the signature: 401 if it fails (500 if the body was already read, a setup error);
 * - reads the JSON: 400 if the body is not JSON;
 * - parses the event: an unknown type is an `unknown` event; an event whose identifying fields are
 *   broken is answered 200 (Terra would retry it for a day, to no avail) and handed to `onError` with
 *   its JSON; an event that differs from its schema elsewhere is delivered, and its drift handed to
 *   `onDrift`;
 * - with a `store`, applies the event to it first: 500 if the store fails (Terra retries), 200 without
 *   running the listener for a delivery seen before and handled;
 * - runs the listener: 200 when it finishes, 500 if it throws (Terra retries), and 200 at
 *   `deadlineMs` if it is still running, letting it finish in the background. With a `store`, a
 *   listener that completed marks its delivery handled.
 *
 * @example
 * ```ts
 * // Bun, Deno, or a Worker
 * const webhook = createFetchHandler(handler);
 * export default { fetch: (request, env, ctx) => webhook(request, ctx) };
 * ```
 */
export function createFetchHandler(handler: WebhookHandler, defaults: WaitUntil = {}): FetchHandler {
  return (request, context) => respond(handler, request, context?.waitUntil ?? defaults.waitUntil);
}

async function respond(
  handler: WebhookHandler,
  request: Request,
  waitUntil: WaitUntil['waitUntil'],
): Promise<Response> {
  const report = (error: unknown, context: WebhookErrorContext) => {
    const done = handler.reportError(error, context);
    waitUntil?.(done);
  };
  if (request.method !== 'POST') return json(405, { error: 'method_not_allowed' }, { allow: 'POST' });

  let webhook: TerraWebhookResponse;
  try {
    webhook = await handler.verify(request);
  } catch (error) {
    const status = error instanceof TerraWebhookVerificationError && error.code !== 'body_not_raw' ? 401 : 500;
    report(error, { phase: 'verify', status, afterResponse: false, webhook: undefined, json: undefined });
    const code = error instanceof TerraWebhookVerificationError ? error.code : 'internal_error';
    return json(status, { error: code });
  }

  let body: unknown;
  try {
    body = webhook.getJson();
  } catch (error) {
    report(error, { phase: 'body', status: 400, afterResponse: false, webhook, json: undefined });
    return json(400, { error: 'malformed_body' });
  }

  let event: TerraWebhookEvent;
  try {
    event = webhook.getParsedResponse();
  } catch (error) {
    report(error, { phase: 'event', status: 200, afterResponse: false, webhook, json: body });
    return received();
  }
  if (webhook.drift.length > 0) {
    const done = handler.reportDrift(webhook.drift, { eventType: String(webhook.eventType), webhook });
    waitUntil?.(done);
  }

  const store = handler.store;
  let handled: ((afterResponse: boolean) => Promise<void>) | undefined;
  if (store) {
    let traceId: string | undefined;
    try {
      const result = await store.apply(event, webhook);
      if (!result.runListeners) return received();
      traceId = result.traceId;
    } catch (error) {
      // An event the store cannot use will not become usable on a retry; anything else may.
      const status = error instanceof TerraInvalidArgumentError ? 200 : 500;
      report(error, { phase: 'store', status, afterResponse: false, webhook, json: body });
      return status === 200 ? received() : json(500, { error: 'store_failed' });
    }
    if (traceId !== undefined) {
      const id = traceId;
      handled = (afterResponse) =>
        store.markHandled(id).then(
          () => undefined,
          (error: unknown) =>
            handler.reportError(error, { phase: 'store', status: 200, afterResponse, webhook, json: body }),
        );
    }
  }

  const settled: Promise<Outcome> = Promise.resolve()
    .then(() => handler.dispatch(event, webhook))
    .then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), handler.deadlineMs);
  });
  const outcome = await Promise.race([settled, deadline]).finally(() => clearTimeout(timer));
  if (outcome === LATE) {
    const background = settled.then((late) => {
      if (late)
        return handler.reportError(late.error, {
          phase: 'handler',
          status: 200,
          afterResponse: true,
          webhook,
          json: body,
        });
      return handled?.(true);
    });
    waitUntil?.(background);
    return received();
  }
  if (outcome) {
    report(outcome.error, { phase: 'handler', status: 500, afterResponse: false, webhook, json: body });
    return json(500, { error: 'handler_failed' });
  }
  await handled?.(false);
  return received();
}
