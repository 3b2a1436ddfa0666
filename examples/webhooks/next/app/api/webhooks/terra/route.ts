/**
 * Terra webhooks in a Next.js App Router route: this file is `app/api/webhooks/terra/route.ts`.
 * Route handlers receive the untouched Request, so nothing else needs configuring. On Vercel, pass
 * `{ waitUntil: after }` (from `next/server`) to let a slow listener finish after the answer.
 */
import { terraWebhook } from 'terra-sdk/next';
import { handler } from '../../../../../terra.js';

export const POST = terraWebhook(handler);
