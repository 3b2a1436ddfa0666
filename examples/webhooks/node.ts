/**
 * Terra webhooks on Node's own HTTP server, no framework: `npx tsx examples/webhooks/node.ts`.
 */
import { createServer } from 'node:http';
import { terraWebhook } from 'terra-sdk/node';
import { handler } from './terra.js';

const webhook = terraWebhook(handler);

const server = createServer((req, res) => {
  if (req.url === '/webhooks/terra') return void webhook(req, res);
  res.statusCode = 404;
  res.end();
});

server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') console.log(`listening on http://${address.address}:${address.port}`);
});
