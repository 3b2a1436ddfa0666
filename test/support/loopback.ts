import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts `server` on an ephemeral loopback port and returns its base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Stops `server` and resolves once it is closed. */
export const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));
