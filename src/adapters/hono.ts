/**
 * Terra webhooks in Hono, on any runtime Hono runs on. Entry point `terra-sdk/hono`.
 *
 * @module terra-sdk/hono
 */

import type { WebhookHandler } from '../webhooks/handler.js';
import { answerWebhook, type WaitUntil } from '../webhooks/receive.js';
import { builtinCryptoEngine } from '../webhooks/signature/engines.js';
import { fromRequest } from './fetch.js';

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

/**
 * Hands a promise to the execution context's `waitUntil`, when the runtime has one. Looked up only
 * when needed: on Node, Hono's `executionCtx` throws, and an error per request is not free.
 */
function executionWaitUntil(c: HonoContextLike, fallback: WaitUntil['waitUntil']): (promise: Promise<unknown>) => void {
  return (promise) => {
    let context: HonoContextLike['executionCtx'] | undefined;
    try {
      context = c.executionCtx;
    } catch {
      context = undefined;
    }
    if (context) context.waitUntil(promise);
    else fallback?.(promise);
  };
}

/**
 * A Hono handler that receives Terra webhooks with `handler`, reading the body within the handler's
 * `maxBodyBytes` and `bodyDeadlineMs`. Signatures are checked with node:crypto where the runtime has
 * it (Node, Bun, Deno), with Web Crypto everywhere else. On Workers it keeps a listener that outlives the deadline
 * alive with the execution context's `waitUntil`. Do not read the body in a middleware before it
 * (`c.req.json()`): verification needs the untouched bytes. Mount it with `app.all` so every method
 * other than POST gets its 405.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono';
 * import { terraWebhook } from 'terra-sdk/hono';
 *
 * const app = new Hono();
 * app.all('/webhooks/terra', terraWebhook(handler));
 * ```
 */
export function terraWebhook(
  handler: WebhookHandler,
  options: WaitUntil = {},
): (c: HonoContextLike) => Promise<Response> {
  const engine = builtinCryptoEngine();
  return async (c) => {
    const answer = await answerWebhook(handler, fromRequest(c.req.raw), {
      waitUntil: executionWaitUntil(c, options.waitUntil),
      engine,
    });
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  };
}
