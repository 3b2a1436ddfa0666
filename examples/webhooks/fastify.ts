/**
 * Terra webhooks in Fastify: `npx tsx examples/webhooks/fastify.ts`, then point Terra at
 * http://<host>:3000/webhooks/terra.
 */
import Fastify from 'fastify';
import { terraWebhook } from 'terra-sdk/fastify';
import { handler } from './terra.js';

const app = Fastify();
// The plugin keeps bodies raw inside its own scope; other routes still get parsed JSON.
await app.register(terraWebhook(handler), { prefix: '/webhooks/terra' });
app.get('/health', async () => ({ ok: true }));

const address = await app.listen({ port: Number(process.env.PORT ?? 3000), host: process.env.HOST ?? '127.0.0.1' });
console.log(`listening on ${address}`);
