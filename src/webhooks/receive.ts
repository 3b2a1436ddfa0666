/**
 * Receiving one webhook: the request-to-answer core every adapter (`adapters/`: fetch, Node,
 * Express, Fastify, Hono, Next.js) wraps. It refuses what it must before reading (method, overload,
 * a signature header that cannot verify, a declared length over the limit or over the bytes in
 * flight), reads the body within bounds, verifies it, reads
 * the event, applies it to the store, runs the listener within its deadline, and turns every failure
 * into an answer and a call of `onError`.
 *
 * @packageDocumentation
 */
import { TerraInvalidArgumentError, TerraWebhookRequestError, TerraWebhookVerificationError } from '../errors.js';
import { type ByteBudget, overBudget, tooLarge } from './body.js';
import type { TerraWebhookResponse } from './delivery.js';
import type { TerraWebhookEvent } from './events.js';
import type { WebhookErrorContext, WebhookErrorPhase, WebhookHandler } from './handler.js';
import { contentLength, type HeadersLike, traceIdOf } from './headers.js';
import type { SignatureEngine } from './signature/engines.js';
import type { ParsedHeader } from './signature/header.js';

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
   * (having kept no more than `maxBytes`), or past `budget` when one is given (then it adds every
   * byte it keeps to `budget.bytes`, and takes them back if it rejects), or a `body_not_raw`
   * verification error if it was read.
   */
  readBody(maxBytes: number, deadlineMs: number, budget?: ByteBudget): Promise<Uint8Array>;
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

/**
 * What one handler is working on: counters, not sets, so admitting a delivery costs two additions.
 * `bytes` is also the {@link ByteBudget} the body readers charge.
 */
interface Load extends ByteBudget {
  /** Listeners still running after their deadline. */
  late: number;
  /** Deliveries admitted and not done: answered, or for a late listener, finished. */
  deliveries: number;
}

const loads = new WeakMap<WebhookHandler, Load>();

function loadOf(handler: WebhookHandler): Load {
  let load = loads.get(handler);
  if (!load) {
    load = { late: 0, deliveries: 0, bytes: 0, maxBytes: handler.maxBytesInFlight };
    loads.set(handler, load);
  }
  return load;
}

const overloaded = (message: string) => new TerraWebhookRequestError('overloaded', 503, message);

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
  const load = loadOf(handler);
  if (load.late >= handler.maxLateListeners) {
    return refuse(
      handler,
      request,
      options,
      overloaded(
        `${load.late} listeners are still running after their deadline (maxLateListeners is ${handler.maxLateListeners}), so the delivery was refused with 503 and Retry-After: Terra sends it again later.`,
      ),
    );
  }
  if (load.deliveries >= handler.maxDeliveriesInFlight) {
    return refuse(
      handler,
      request,
      options,
      overloaded(
        `${load.deliveries} deliveries are being worked on (maxDeliveriesInFlight is ${handler.maxDeliveriesInFlight}), so the delivery was refused with 503 and Retry-After before its body was read: Terra sends it again later.`,
      ),
    );
  }
  // Whatever cannot verify whatever the body says is answered before a byte of the body is kept.
  let header: ParsedHeader;
  try {
    header = handler.checkHeader(request.headers);
  } catch (error) {
    return unverified(handler, request, options, error);
  }
  const maxBytes = options.maxBodyBytes ?? handler.maxBodyBytes;
  const declared = contentLength(request.headers);
  if (declared !== undefined && declared > maxBytes) return refuse(handler, request, options, tooLarge(maxBytes));
  // A body of known length is charged whole before it is read; one without is charged by its reader.
  if (declared !== undefined && load.bytes > 0 && load.bytes + declared > load.maxBytes) {
    return refuse(handler, request, options, overBudget(load.maxBytes));
  }
  // Counted from here until the answer (a late listener's delivery, until it finishes).
  let held = declared ?? 0;
  load.bytes += held;
  load.deliveries++;
  let inBackground = false;
  try {
    let webhook: TerraWebhookResponse;
    let bytes: Uint8Array;
    try {
      const budget = declared === undefined ? load : undefined;
      bytes = await request.readBody(maxBytes, handler.bodyDeadlineMs, budget);
      if (declared === undefined) held = bytes.byteLength;
      const verified = handler.verifyBody(bytes, request.headers, options.engine, header);
      webhook = verified instanceof Promise ? await verified : verified;
    } catch (error) {
      return error instanceof TerraWebhookRequestError
        ? refuse(handler, request, options, error)
        : unverified(handler, request, options, error);
    }
    // Failures from here on are about a verified delivery, before any answer is sent.
    const failed = (error: unknown, phase: WebhookErrorPhase, status: number, json: unknown) =>
      report(handler, request, options, error, { phase, status, afterResponse: false, webhook, json });

    // Durable: recorded, answered once that commits, worked from the record (webhooks/durable.ts).
    const durable = handler.durableWorker;
    if (durable !== undefined) {
      const outcome = await durable.receive(webhook, bytes, request.headers, options.waitUntil, failed);
      return outcome === 'received' ? RECEIVED : answer(outcome === 'malformed_body' ? 400 : 500, outcome);
    }

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
    // After a listener failed: lets Terra's retry run the listeners at once (see `markFailed`).
    let unmark: () => Promise<unknown> = async () => undefined;
    if (store) {
      let traceId: string | undefined;
      try {
        const result = await store.apply(event, webhook);
        // A duplicate of a delivery whose listeners are running now: Terra sends it again later.
        if (!result.runListeners)
          return result.status === 'in_progress'
            ? answer(503, 'delivery_in_progress', { 'retry-after': String(OVERLOADED_RETRY_AFTER_SECONDS) })
            : RECEIVED;
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
        unmark = async () => store.markFailed?.(id).catch(() => undefined);
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
      await unmark();
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
      load.late++;
      inBackground = true;
      const background = settled.then((result) => {
        load.late--;
        load.deliveries--;
        if (result) {
          void unmark();
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
      await unmark();
      failed(outcome.error, 'handler', 500, body);
      return answer(500, 'handler_failed');
    }
    if (handled) await handled(false);
    return RECEIVED;
  } finally {
    load.bytes -= held;
    if (!inBackground) load.deliveries--;
  }
}
