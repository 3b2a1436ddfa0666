/**
 * Terra webhooks for fetch-style runtimes: `bun run examples/webhooks/fetch.ts`,
 * `deno serve examples/webhooks/fetch.ts`, or as a Cloudflare Worker (with `nodejs_compat`, so the
 * secret is read from `process.env`).
 */
import { createFetchHandler, type WaitUntil } from 'terra-sdk/webhooks';
import { handler } from './terra.js';

const webhook = createFetchHandler(handler);

export default {
  // Workers pass (request, env, ctx); ctx.waitUntil keeps a slow listener alive after the answer.
  fetch(request: Request, _env?: unknown, ctx?: WaitUntil): Promise<Response> | Response {
    if (new URL(request.url).pathname === '/webhooks/terra') return webhook(request, ctx);
    return new Response('Not found', { status: 404 });
  },
};
