/**
 * Terra webhooks in a Next.js App Router route handler. Entry point `terra-sdk/next`.
 *
 * @module terra-sdk/next
 */

import type { WebhookHandler } from '../webhooks/handler.js';
import type { WaitUntil } from '../webhooks/receive.js';
import { createFetchHandler } from './fetch.js';

/**
 * A route handler for `app/.../route.ts` that receives Terra webhooks with `handler`. Pass
 * `{ waitUntil: after }` (from `next/server`) so a listener that outlives the deadline is not cut
 * short on serverless hosts.
 *
 * @example
 * ```ts
 * // app/api/webhooks/terra/route.ts
 * import { after } from 'next/server';
 * import { terraWebhook } from 'terra-sdk/next';
 * import { handler } from '@/lib/terra';
 *
 * export const POST = terraWebhook(handler, { waitUntil: after });
 * ```
 */
export function terraWebhook(
  handler: WebhookHandler,
  options: WaitUntil = {},
): (request: Request) => Promise<Response> {
  const respond = createFetchHandler(handler, options);
  return (request) => respond(request);
}
