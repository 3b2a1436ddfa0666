/**
 * Terra webhooks in Express (4 or 5). Entry point `terra-sdk/express`.
 *
 * @module terra-sdk/express
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TerraWebhookVerificationError } from '../errors.js';
import { tooLarge } from '../webhooks/body.js';
import type { WebhookHandler } from '../webhooks/handler.js';
import { answerWebhook, type IncomingWebhook, type WaitUntil } from '../webhooks/receive.js';
import { fromNodeRequest, nodeCryptoEngine, sendAnswer } from './node-io.js';

/** The parts of an Express request the middleware reads: Node's request, plus `body` if a parser ran. */
export type ExpressRequestLike = IncomingMessage & {
  /** What a body parser left, if one ran first: a Buffer from `express.raw()`, or a parsed value. */
  body?: unknown;
};

/** An Express middleware: `(req, res, next) => void`. */
export type ExpressMiddleware = (req: ExpressRequestLike, res: ServerResponse, next: (error?: unknown) => void) => void;

const consumed = (req: ExpressRequestLike) =>
  req.readableEnded || (req as ExpressRequestLike & { _body?: unknown })._body === true;

/** The request as the core reads it: the body a raw or text parser left, else the stream itself. */
function fromExpress(req: ExpressRequestLike): IncomingWebhook {
  const stream = fromNodeRequest(req);
  return {
    method: stream.method,
    headers: stream.headers,
    readBody: async (maxBytes, deadlineMs, budget) => {
      const { body } = req;
      // express.raw() left its Buffer; express.text() its string.
      const given =
        body instanceof Uint8Array ? body : typeof body === 'string' ? Buffer.from(body, 'utf8') : undefined;
      if (given !== undefined) {
        if (given.byteLength > maxBytes) throw tooLarge(maxBytes);
        // Already held by the parser: counted, as every body the core reads with a budget is.
        if (budget) budget.bytes += given.byteLength;
        return given;
      }
      // No parser read it (or one that left a `{}` placeholder).
      if (!consumed(req)) return stream.readBody(maxBytes, deadlineMs, budget);
      throw new TerraWebhookVerificationError(
        'body_not_raw',
        body !== undefined && body !== null
          ? 'express.json() (or another parser) parsed this request before the Terra webhook middleware, and the signature covers the raw bytes, which JSON.stringify does not reproduce. Register the webhook route before app.use(express.json()), or give it express.raw({ type: "application/json" }).'
          : 'Another middleware read this request body before the Terra webhook middleware. Register the webhook route before it, or give the route express.raw({ type: "application/json" }).',
      );
    },
  };
}

/**
 * Express middleware that receives Terra webhooks with `handler`. It reads the body itself when no
 * parser ran (within the handler's `maxBodyBytes` and `bodyDeadlineMs`), and also accepts the Buffer
 * left by `express.raw()`. If `express.json()` already parsed the body, it answers
 * `500 {"error":"body_not_raw"}` and hands `onError` (phase `verify`) a
 * `TerraWebhookVerificationError` explaining the fix. Mount it with `app.all` so every method other
 * than POST gets its 405.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { terraWebhook } from 'terra-sdk/express';
 *
 * const app = express();
 * app.all('/webhooks/terra', terraWebhook(handler)); // before app.use(express.json())
 * app.use(express.json());
 * ```
 */
export function terraWebhook(handler: WebhookHandler, options: WaitUntil = {}): ExpressMiddleware {
  const settings = { waitUntil: options.waitUntil, engine: nodeCryptoEngine };
  return (req, res, next) => {
    answerWebhook(handler, fromExpress(req), settings).then((answer) => sendAnswer(req, res, answer), next);
  };
}
