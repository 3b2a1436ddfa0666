import {
  createWebhookHandler,
  type WebhookErrorContext,
  type WebhookHandlerOptions,
} from '../../src/webhooks/handler.js';
import { SECRET } from './webhooks.js';

/** A handler with the test secret that records every error it reports, and that record. */
export function recorded(options: WebhookHandlerOptions = {}) {
  const errors: { error: unknown; context: WebhookErrorContext }[] = [];
  const handler = createWebhookHandler({
    secret: SECRET,
    onError: (error, context) => {
      errors.push({ error, context });
    },
    ...options,
  });
  return { handler, errors };
}
