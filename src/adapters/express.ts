/**
 * Terra webhooks in Express (4 or 5). Entry point `terra-sdk/express`.
 *
 * @module terra-sdk/express
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TerraWebhookVerificationError } from '../errors.js';
import { createFetchHandler, type WaitUntil } from '../webhooks/fetch-handler.js';
import type { WebhookHandler } from '../webhooks/handler.js';
import { readRequestBody, sendWebResponse, toWebRequest } from './node.js';

/** The parts of an Express request the middleware reads: Node's request, plus `body` if a parser ran. */
export type ExpressRequestLike = IncomingMessage & {
  /** What a body parser left, if one ran first: a Buffer from `express.raw()`, or a parsed value. */
  body?: unknown;
};

/** An Express middleware: `(req, res, next) => void`. */
export type ExpressMiddleware = (req: ExpressRequestLike, res: ServerResponse, next: (error?: unknown) => void) => void;

const consumed = (req: ExpressRequestLike) =>
  req.readableEnded || (req as ExpressRequestLike & { _body?: unknown })._body === true;

async function rawBody(req: ExpressRequestLike): Promise<Uint8Array | undefined> {
  if (req.method !== 'POST') return undefined;
  const { body } = req;
  if (body instanceof Uint8Array) return body; // express.raw() ran: its Buffer
  if (typeof body === 'string') return new TextEncoder().encode(body); // express.text() ran
  if (!consumed(req)) return readRequestBody(req); // no parser read it (or one that left a `{}` placeholder)
  throw new TerraWebhookVerificationError(
    'body_not_raw',
    body !== undefined && body !== null
      ? 'express.json() (or another parser) parsed this request before the Terra webhook middleware, and the signature covers the raw bytes, which JSON.stringify does not reproduce. Register the webhook route before app.use(express.json()), or give it express.raw({ type: "application/json" }).'
      : 'Another middleware read this request body before the Terra webhook middleware. Register the webhook route before it, or give the route express.raw({ type: "application/json" }).',
  );
}

/**
 * Express middleware that receives Terra webhooks with `handler`. It reads the body itself when no
 * parser ran, and also accepts the Buffer left by `express.raw()`. If `express.json()` already parsed
 * the body, it passes a `TerraWebhookVerificationError` (`body_not_raw`) to `next` explaining the fix.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { terraWebhook } from 'terra-sdk/express';
 *
 * const app = express();
 * app.post('/webhooks/terra', terraWebhook(handler)); // before app.use(express.json())
 * app.use(express.json());
 * ```
 */
export function terraWebhook(handler: WebhookHandler, options: WaitUntil = {}): ExpressMiddleware {
  const respond = createFetchHandler(handler, options);
  return (req, res, next) => {
    rawBody(req)
      .then((body) => respond(toWebRequest(req, body)))
      .then((response) => sendWebResponse(res, response))
      .catch(next);
  };
}
