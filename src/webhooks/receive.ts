/**
 * Receiving one webhook: the request-to-answer core every adapter (`adapters/`: fetch, Node,
 * Express, Fastify, Hono, Next.js) wraps. It refuses what it must before reading (method, overload,
 * no signature, a declared length over the limit), reads the body within bounds, verifies it, reads
 * the event, applies it to the store, runs the listener within its deadline, and turns every failure
 * into an answer and a call of `onError`.
 *
 * @packageDocumentation
 */
import { TerraInvalidArgumentError, TerraWebhookRequestError, TerraWebhookVerificationError } from '../errors.js';
import { tooLarge } from './body.js';
import type { TerraWebhookResponse } from './delivery.js';
import type { TerraWebhookEvent } from './events.js';
import type { WebhookErrorContext, WebhookErrorPhase, WebhookHandler } from './handler.js';
import { contentLength, type HeadersLike, traceIdOf } from './headers.js';
import type { SignatureEngine } from './signature/engines.js';
import { missingSignature } from './signature/header.js';

/** Lets a runtime keep work alive after the response is sent. */
export interface WaitUntil {
  /**
   * Called with a listener still running when the deadline passed. Pass Workers' `ctx.waitUntil`,
   * Vercel's `waitUntil` or Next.js's `after`, so a serverless runtime does not stop it early.
   */
  waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
}

/** A webhook request as the core reads it, whatever the runtime or framework. @internal */
export interface IncomingWebhook {
  /** The HTTP method. */
  readonly method: string;
  /** The request headers. */
  readonly headers: HeadersLike;
  /**
   * Reads the whole body. Rejects with a `TerraWebhookRequestError` past `maxBytes` or `deadlineMs`
   * (having kept no more than `maxBytes`), or a `body_not_raw` verification error if it was read.
   */
  readBody(maxBytes: number, deadlineMs: number): Promise<Uint8Array>;
}

/** What the core answers. @internal */
export interface WebhookAnswer {
  status: number;
  headers: Record<string, string>;
  /** JSON text. */
  body: string;
}

/** How long Terra is asked to wait before sending a delivery refused with 503 again, in seconds. */
export const OVERLOADED_RETRY_AFTER_SECONDS = 30;

const JSON_TYPE = { 'content-type': 'application/json' };
const answer = (status: number, error: string, headers?: Record<string, string>): WebhookAnswer => ({
  status,
  headers: headers ? { ...JSON_TYPE, ...headers } : JSON_TYPE,
  body: `{"error":"${error}"}`,
});
const RECEIVED: WebhookAnswer = { status: 200, headers: JSON_TYPE, body: '{"received":true}' };
const NOT_ALLOWED = answer(405, 'method_not_allowed', { allow: 'POST' });

/** Listeners still running after their deadline, per handler. */
const lateListeners = new WeakMap<WebhookHandler, { count: number }>();

function lateCount(handler: WebhookHandler): { count: number } {
  let late = lateListeners.get(handler);
  if (!late) {
    late = { count: 0 };
    lateListeners.set(handler, late);
  }
  return late;
}

/** A store failure that may pass by itself: `retryable: true`, as on the connection store's `TerraStoreError`. */
const isRetryable = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === true;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function';

/** Options of {@link answerWebhook} that adapters set. @internal */
export interface AnswerOptions {
  /** Keeps a late listener alive on serverless runtimes. */
  waitUntil?: WaitUntil['waitUntil'] | undefined;
  /** How signatures are computed (node:crypto in the Node adapters). */
  engine?: SignatureEngine | undefined;
  /** The largest body, instead of the handler's (the Fastify plugin's deprecated `bodyLimit`). */
  maxBodyBytes?: number | undefined;
}

/** Tells `onError` about a failure, with the request's trace id; hands the work to `waitUntil`. */
function report(
  handler: WebhookHandler,
  request: IncomingWebhook,
  options: AnswerOptions,
  error: unknown,
  context: Omit<WebhookErrorContext, 'traceId'>,
): void {
  const done = handler.reportError(error, { ...context, traceId: traceIdOf(request.headers) });
  options.waitUntil?.(done);
}

/** The answer to a request refused before verification, reported. */
function refuse(
  handler: WebhookHandler,
  request: IncomingWebhook,
  options: AnswerOptions,
  error: TerraWebhookRequestError,
): WebhookAnswer {
  report(handler, request, options, error, {
    phase: 'receive',
    status: error.status,
    afterResponse: false,
    webhook: undefined,
    json: undefined,
  });
  return answer(
    error.status,
    error.code,
    error.code === 'overloaded' ? { 'retry-after': String(OVERLOADED_RETRY_AFTER_SECONDS) } : undefined,
  );
}

/** The answer to a request that failed verification (500 for a body already read), reported. */
function unverified(
  handler: WebhookHandler,
  request: IncomingWebhook,
  options: AnswerOptions,
  error: unknown,
): WebhookAnswer {
  const status = error instanceof TerraWebhookVerificationError && error.code !== 'body_not_raw' ? 401 : 500;
  report(handler, request, options, error, {
    phase: 'verify',
    status,
    afterResponse: false,
    webhook: undefined,
    json: undefined,
  });
  return answer(status, error instanceof TerraWebhookVerificationError ? error.code : 'internal_error');
}

/**
 * The core: answers one webhook request. Never rejects; every failure becomes an answer and a call
 * of the handler's `onError`.
 * @internal
 */
export async function answerWebhook(
  handler: WebhookHandler,
  request: IncomingWebhook,
  options: AnswerOptions = {},
): Promise<WebhookAnswer> {
  if (request.method !== 'POST') return NOT_ALLOWED;
  const late = lateCount(handler);
  if (late.count >= handler.maxLateListeners) {
    return refuse(
      handler,
      request,
      options,
      new TerraWebhookRequestError(
        'overloaded',
        503,
        `${late.count} listeners are still running after their deadline (maxLateListeners is ${handler.maxLateListeners}), so the delivery was refused with 503 and Retry-After: Terra sends it again later.`,
      ),
    );
  }
  const unsigned = missingSignature(request.headers);
  if (unsigned) return unverified(handler, request, options, unsigned);
  const maxBytes = options.maxBodyBytes ?? handler.maxBodyBytes;
  const declared = contentLength(request.headers);
  if (declared !== undefined && declared > maxBytes) return refuse(handler, request, options, tooLarge(maxBytes));

  let webhook: TerraWebhookResponse;
  try {
    const body = await request.readBody(maxBytes, handler.bodyDeadlineMs);
    const verified = handler.verifyBody(body, request.headers, options.engine);
    webhook = verified instanceof Promise ? await verified : verified;
  } catch (error) {
    return error instanceof TerraWebhookRequestError
      ? refuse(handler, request, options, error)
      : unverified(handler, request, options, error);
  }

  // Failures from here on are about a verified delivery, before any answer is sent.
  const failed = (error: unknown, phase: WebhookErrorPhase, status: number, json: unknown) =>
    report(handler, request, options, error, { phase, status, afterResponse: false, webhook, json });

  let body: unknown;
  try {
    body = webhook.getJson();
  } catch (error) {
    failed(error, 'body', 400, undefined);
    return answer(400, 'malformed_body');
  }

  let event: TerraWebhookEvent;
  try {
    event = webhook.getParsedResponse();
  } catch (error) {
    failed(error, 'event', 200, body);
    return RECEIVED;
  }
  if (webhook.drift.length > 0) {
    const done = handler.reportDrift(webhook.drift, { eventType: String(webhook.eventType), webhook });
    options.waitUntil?.(done);
  }

  const store = handler.store;
  let handled: ((afterResponse: boolean) => Promise<void>) | undefined;
  if (store) {
    let traceId: string | undefined;
    try {
      const result = await store.apply(event, webhook);
      if (!result.runListeners) return RECEIVED;
      traceId = result.traceId;
    } catch (error) {
      // An event the store cannot use will not become usable on a retry; a store that is down, locked
      // or slow (`retryable`) is answered 503 with Retry-After, so Terra sends it again later.
      const status = error instanceof TerraInvalidArgumentError ? 200 : isRetryable(error) ? 503 : 500;
      failed(error, 'store', status, body);
      if (status === 200) return RECEIVED;
      return status === 503
        ? answer(503, 'store_unavailable', { 'retry-after': String(OVERLOADED_RETRY_AFTER_SECONDS) })
        : answer(500, 'store_failed');
    }
    if (traceId !== undefined) {
      const id = traceId;
      handled = (afterResponse) =>
        store.markHandled(id).then(
          () => undefined,
          (error: unknown) =>
            handler.reportError(error, {
              phase: 'store',
              status: 200,
              afterResponse,
              webhook,
              json: body,
              traceId: id,
            }),
        );
    }
  }

  let started: unknown;
  try {
    started = handler.start(event, webhook);
  } catch (error) {
    failed(error, 'handler', 500, body);
    return answer(500, 'handler_failed');
  }
  // A listener that is not async is done: no deadline to set.
  if (!isThenable(started)) {
    if (handled) await handled(false);
    return RECEIVED;
  }

  type Outcome = { error: unknown } | undefined;
  const settled: Promise<Outcome> = Promise.resolve(started).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), handler.deadlineMs);
  });
  const outcome = await Promise.race([settled, deadline]);
  clearTimeout(timer);
  if (outcome === 'late') {
    late.count++;
    const background = settled.then((result) => {
      late.count--;
      if (result) {
        return handler.reportError(result.error, {
          phase: 'handler',
          status: 200,
          afterResponse: true,
          webhook,
          json: body,
          traceId: traceIdOf(request.headers),
        });
      }
      return handled?.(true);
    });
    options.waitUntil?.(background);
    return RECEIVED;
  }
  if (outcome) {
    failed(outcome.error, 'handler', 500, body);
    return answer(500, 'handler_failed');
  }
  if (handled) await handled(false);
  return RECEIVED;
}
