/**
 * Serves, on a loopback port, an example that is not a server by itself, for the examples test:
 * `fetch <file>` serves the module's default `{ fetch }` as Bun, Deno or Workers would; `next <file>`
 * serves a route module's POST the way Next.js calls it, with a NextRequest.
 */
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';

const [kind, file, route = '/'] = process.argv.slice(2);
if (!file || (kind !== 'fetch' && kind !== 'next'))
  throw new Error('usage: serve-example.ts fetch|next <file> [route]');
const module = await import(pathToFileURL(file).href);

let fetchHandler: (request: Request) => Promise<Response> | Response;
if (kind === 'fetch') {
  fetchHandler = (request) => module.default.fetch(request);
} else {
  const { NextRequest } = await import('next/server.js');
  fetchHandler = async (request) => {
    if (new URL(request.url).pathname !== route) return new Response(null, { status: 404 });
    if (request.method !== 'POST') return new Response(null, { status: 405 });
    const body = await request.arrayBuffer();
    return module.POST(new NextRequest(request.url, { method: 'POST', headers: request.headers, body }));
  };
}

serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1' }, (info) =>
  console.log(`listening on http://${info.address}:${info.port}`),
);
