/**
 * Terra webhooks in Fastify. Entry point `terra-sdk/fastify`.
 *
 * @module terra-sdk/fastify
 */
import type { FastifyPluginAsync } from 'fastify';
import { DEFAULT_MAX_BODY_BYTES, type WebhookHandler } from '../webhooks/handler.js';
import { answerWebhook, type WaitUntil } from '../webhooks/receive.js';
import { closeAfterAnswer, fromNodeRequest, nodeCryptoEngine } from './node-io.js';

/** Options of the Fastify plugin. */
export interface FastifyWebhookOptions extends WaitUntil {
  /** The route's path inside the plugin (add a `prefix` when registering). Default `/`. */
  path?: string | undefined;
  /**
   * The largest body accepted, in bytes, for this plugin only.
   * @deprecated Set `maxBodyBytes` on the webhook handler, which every adapter shares; `bodyLimit`
   *   will be removed in 0.3.
   */
  bodyLimit?: number | undefined;
}

/**
 * The default largest body, in bytes.
 * @deprecated Use `DEFAULT_MAX_BODY_BYTES` from `terra-sdk/webhooks`; removed in 0.3.
 */
export const DEFAULT_BODY_LIMIT = DEFAULT_MAX_BODY_BYTES;

/**
 * A Fastify plugin that receives Terra webhooks with `handler` on one route (405 to anything but
 * POST). Inside the plugin the body is left unparsed and read by the webhook core, within the
 * handler's `maxBodyBytes` and `bodyDeadlineMs`: Fastify itself sets no time limit on requests. The
 * plugin is encapsulated: the rest of your app keeps its JSON parsing.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify';
 * import { terraWebhook } from 'terra-sdk/fastify';
 *
 * const app = Fastify();
 * await app.register(terraWebhook(handler), { prefix: '/webhooks/terra' });
 * ```
 */
export function terraWebhook(handler: WebhookHandler, options: FastifyWebhookOptions = {}): FastifyPluginAsync {
  const settings = { waitUntil: options.waitUntil, engine: nodeCryptoEngine, maxBodyBytes: options.bodyLimit };
  return async (fastify) => {
    fastify.removeAllContentTypeParsers();
    // Leave the body unread: the core reads it from the request stream, within its limits.
    fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    // A handler in Fastify's callback style: it returns nothing and sends when the answer is ready.
    // An async handler would have to return `reply` (or an app's async onSend hook could make Fastify
    // send twice), and resolving a promise with `reply`, a thenable, makes Fastify wait for the
    // response to finish: about 15 µs per delivery.
    fastify.all(options.path ?? '/', (request, reply) => {
      answerWebhook(handler, fromNodeRequest(request.raw), settings)
        .then((answer) => {
          if (!request.raw.complete && !request.raw.readableEnded) closeAfterAnswer(request.raw, reply.raw);
          reply.code(answer.status).headers(answer.headers).send(answer.body);
        })
        .catch((error: unknown) => reply.send(error));
    });
  };
}
