/**
 * Terra webhooks in Fastify. Entry point `terra-sdk/fastify`.
 *
 * @module terra-sdk/fastify
 */
import type { FastifyPluginAsync } from 'fastify';
import { createFetchHandler, type WaitUntil } from '../webhooks/fetch-handler.js';
import type { WebhookHandler } from '../webhooks/handler.js';
import { toWebRequest } from './node.js';

/** Options of the Fastify plugin. */
export interface FastifyWebhookOptions extends WaitUntil {
  /** The route's path inside the plugin (add a `prefix` when registering). Default `/`. */
  path?: string | undefined;
  /**
   * The largest body accepted, in bytes. Default 50 MiB: Fastify's own default (1 MiB) is far below
   * Terra's data payloads, which reach about 10 MB, more for a month of samples.
   */
  bodyLimit?: number | undefined;
}

/** The default largest body, in bytes. */
export const DEFAULT_BODY_LIMIT = 50 * 1024 * 1024;

/**
 * A Fastify plugin that receives Terra webhooks with `handler` on one route (405 to anything but POST). The plugin is
 * encapsulated: inside it, bodies are kept raw for verification; the rest of your app keeps its JSON
 * parsing.
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
  const respond = createFetchHandler(handler, options);
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  return async (fastify) => {
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
    fastify.all(options.path ?? '/', { bodyLimit }, async (request, reply) => {
      const body = request.body instanceof Uint8Array ? request.body : new Uint8Array(0);
      const response = await respond(toWebRequest(request.raw, body));
      reply.code(response.status);
      response.headers.forEach((value, name) => {
        reply.header(name, value);
      });
      return reply.send(await response.text());
    });
  };
}
