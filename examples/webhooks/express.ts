/**
 * Terra webhooks in Express: `npx tsx examples/webhooks/express.ts`, then point Terra at
 * http://<host>:3000/webhooks/terra.
 */
import express from 'express';
import { terraWebhook } from 'terra-sdk/express';
import { handler } from './terra.js';

const app = express();
// Before express.json(), so the webhook body stays raw for signature verification.
app.all('/webhooks/terra', terraWebhook(handler));
app.use(express.json());
app.get('/health', (_req, res) => {
  res.json({ ok: true });
});

const server = app.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`listening on http://${address.address}:${address.port}`);
});
