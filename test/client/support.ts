/**
 * An msw server for client tests: every request must be handled (`onUnhandledRequest: 'error'`), and
 * `record` captures what the client sent.
 */
import { type HttpHandler, HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { Terra, type TerraOptions } from '../../src/index.js';

export const BASE = 'https://terra.test/api/v2';
export const API_KEY = 'sk-test-4f1c9e2b7a';
export const DEV_ID = 'dev-test-8d2e';

export const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

export function terra(options: TerraOptions = {}): Terra {
  return new Terra({ apiKey: API_KEY, devId: DEV_ID, baseUrl: BASE, maxRetries: 0, ...options });
}

export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

/** Answers `method path` with `reply` and records every request it gets. */
export function record(
  method: 'get' | 'post' | 'put' | 'patch' | 'delete',
  path: string,
  reply: (request: Request, count: number) => Response | Promise<Response>,
): Recorded[] {
  const calls: Recorded[] = [];
  const handler: HttpHandler = http[method](`${BASE}${path}`, async ({ request }) => {
    const url = new URL(request.url);
    const text = await request.clone().text();
    calls.push({
      method: request.method,
      path: url.pathname.replace('/api/v2', ''),
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(request.headers),
      body:
        text === ''
          ? undefined
          : request.headers.get('content-type')?.startsWith('multipart/')
            ? text
            : JSON.parse(text),
    });
    return reply(request, calls.length);
  });
  server.use(handler);
  return calls;
}

export const json = (body: unknown, init?: ResponseInit) => HttpResponse.json(body as never, init);
