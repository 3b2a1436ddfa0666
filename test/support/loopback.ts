import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { terraWebhook } from '../../src/adapters/node.js';
import type { WebhookHandler } from '../../src/webhooks/handler.js';

/** Starts `server` on an ephemeral loopback port and returns its base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Stops `server` and resolves once it is closed. */
export const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** A server listening on loopback: the URL to send to, and how to stop it. */
export interface Served {
  url: string;
  /** Drops open (kept-alive) connections, then closes. */
  close(): Promise<void>;
}

/** Listens with `server` on 127.0.0.1; `url` is `path` there. */
export async function serveOnLoopback(server: Server, path = ''): Promise<Served> {
  const base = await listen(server);
  return {
    url: `${base}${path}`,
    close: async () => {
      server.closeAllConnections();
      await close(server);
    },
  };
}

/** A webhook receiver: `handler` behind terra-sdk/node's `terraWebhook`, at /webhooks/terra on loopback. */
export const serveWebhook = (handler: WebhookHandler): Promise<Served> =>
  serveOnLoopback(createServer(terraWebhook(handler)), '/webhooks/terra');
