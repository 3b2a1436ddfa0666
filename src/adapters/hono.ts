/**
 * Terra webhooks in Hono, on any runtime Hono runs on. Entry point `terra-sdk/hono`.
 *
 * @module terra-sdk/hono
 */

import { createFetchHandler, type WaitUntil } from '../webhooks/fetch-handler.js';
import type { WebhookHandler } from '../webhooks/handler.js';

/** The parts of Hono's `Context` the handler reads. */
export interface HonoContextLike {
  /** Hono's request wrapper. */
  req: {
    /** The Web `Request` as received. */
    raw: Request;
  };
  /** Throws in Hono when the runtime has none (Node); present on Workers and similar. */
  readonly executionCtx: {
    /** Keeps the runtime alive until the promise settles. */
    waitUntil(promise: Promise<unknown>): void;
  };
}

function executionWaitUntil(c: HonoContextLike): WaitUntil['waitUntil'] {
  try {
    const context = c.executionCtx;
    return (promise) => context.waitUntil(promise);
  } catch {
    return undefined;
  }
}

/**
 * A Hono handler that receives Terra webhooks with `handler`. On Workers it keeps a listener that
 * outlives the deadline alive with the execution context's `waitUntil`. Do not read the body in a
 * middleware before it (`c.req.json()`): verification needs the untouched bytes.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { terraWebhook } from 'terra-sdk/hono';
 *
 * const app = new Hono();
 * app.post('/webhooks/terra', terraWebhook(handler));
 * ```
 */
export function terraWebhook(
  handler: WebhookHandler,
  options: WaitUntil = {},
): (c: HonoContextLike) => Promise<Response> {
  const respond = createFetchHandler(handler, options);
  return (c) => respond(c.req.raw, { waitUntil: executionWaitUntil(c) });
}
