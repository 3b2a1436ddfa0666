/**
 * Terra webhooks on Node's own HTTP server (`node:http`, `node:https`, or any framework that hands
 * over Node's request and response). Entry point `terra-sdk/node`.
 *
 * @module terra-sdk/node
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createFetchHandler, type WaitUntil } from '../webhooks/fetch-handler.js';
import type { WebhookHandler } from '../webhooks/handler.js';

/** A Node request listener: `(req, res) => Promise<void>`. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * Reads a Node request's body to the end, as bytes.
 * @throws the stream's error if the client breaks off the upload.
 */
export async function readRequestBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    chunks.push(bytes);
    length += bytes.length;
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

/**
 * Builds a Web `Request` from a Node request and its body (already read), for the fetch-style core.
 * Header names keep their values; the URL is the request's path on `http://localhost`.
 */
export function toWebRequest(req: IncomingMessage, body: Uint8Array | undefined): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      try {
        headers.append(name, item);
      } catch {
        // A value a Web Headers refuses (a control character) cannot be a Terra header: skip it.
      }
    }
  }
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    url = new URL('http://localhost/');
  }
  const method = req.method ?? 'GET';
  const hasBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
  return new Request(url, { method, headers, ...(hasBody ? { body: body as Uint8Array<ArrayBuffer> } : {}) });
}

/** Writes a Web `Response` (status, headers, body) to a Node response. */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  res.end(body);
}

/**
 * A `node:http` request listener that receives Terra webhooks with `handler`. It reads the body
 * itself, so nothing may read it before.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { terraWebhook } from 'terra-sdk/node';
 *
 * createServer(terraWebhook(handler)).listen(3000);
 * ```
 */
export function terraWebhook(handler: WebhookHandler, options: WaitUntil = {}): NodeListener {
  const respond = createFetchHandler(handler, options);
  return async (req, res) => {
    try {
      const body = req.method === 'POST' ? await readRequestBody(req) : undefined;
      await sendWebResponse(res, await respond(toWebRequest(req, body)));
    } catch {
      // The client broke off the upload, or sent a method a Web Request cannot hold (TRACE).
      if (!res.headersSent) res.statusCode = 400;
      res.end();
    }
  };
}
