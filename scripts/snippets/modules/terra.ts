// The module the webhook examples import their handler from (`./terra.js` in the guides).
import { createWebhookHandler } from 'terra-sdk/webhooks';

export const handler = createWebhookHandler({ secret: 'snippet-secret' });
