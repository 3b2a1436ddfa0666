/**
 * Node's request and response for the webhook core, shared by the Node, Express and Fastify adapters
 * and the sandbox: the bounded body reader, the headers, the answer writer that closes a connection
 * still sending an unread body, and the conversions to and from Web `Request`/`Response`. The
 * `terra-sdk/node` entry re-exports the public ones.
 *
 * @packageDocumentation
 */
import * as crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type ByteBudget,
  brokenOff,
  concatChunks,
  overBudget,
  passesBudget,
  tooLarge,
  tooSlow,
} from '../webhooks/body.js';
import { startDeadline } from '../webhooks/deadline.js';
import { DEFAULT_BODY_DEADLINE_MS, DEFAULT_MAX_BODY_BYTES } from '../webhooks/handler.js';
import { type HeadersLike, parseContentLength } from '../webhooks/headers.js';
import type { IncomingWebhook, WebhookAnswer } from '../webhooks/receive.js';
import { type NodeCryptoLike, nodeCryptoEngineOf, type SignatureEngine } from '../webhooks/signature/engines.js';

/** Limits of {@link readRequestBody}. */
export interface ReadBodyOptions {
  /** The largest body read, in bytes. Default 50 MiB, as the webhook handler's `maxBodyBytes`. */
  maxBodyBytes?: number | undefined;
  /** How long the body may take to arrive, in milliseconds. Default 10,000, as `bodyDeadlineMs`. */
  bodyDeadlineMs?: number | undefined;
}

/**
 * node:crypto for the Node adapters: see `webhooks/signature/engines.ts`. Tested against the same vectors as Web
 * Crypto.
 * @internal
 */
export const nodeCryptoEngine: SignatureEngine = nodeCryptoEngineOf(crypto as unknown as NodeCryptoLike);

/**
 * Reads a Node request's body to the end, as bytes, keeping at most `maxBodyBytes` of it (a larger
 * `Content-Length` is refused before reading).
 * @throws `TerraWebhookRequestError` (`terra-sdk/webhooks`) with code `body_too_large` past the limit,
 *   `body_timeout` past the deadline, or `body_incomplete` if the client breaks off the upload.
 */
export function readRequestBody(
  req: IncomingMessage,
  options: ReadBodyOptions = {},
  /** @internal The handler's bytes in flight, for a body without a `Content-Length`. */
  budget?: ByteBudget,
): Promise<Uint8Array> {
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const deadlineMs = options.bodyDeadlineMs ?? DEFAULT_BODY_DEADLINE_MS;
  // A declared length over the limit is refused before a byte is read. Node lowercases header
  // names, so this is one property read, not a scan of the names.
  const declared = parseContentLength(req.headers?.['content-length']);
  if (declared !== undefined && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let total = 0;
    let charged = 0;
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      stopDeadline();
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onBroken);
      if (error) {
        if (budget) budget.bytes -= charged;
        req.pause();
        reject(error);
      } else {
        resolve(concatChunks(chunks, total));
      }
    };
    const onData = (chunk: Uint8Array | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      total += bytes.byteLength;
      if (total > maxBytes) return finish(tooLarge(maxBytes));
      if (budget) {
        budget.bytes += bytes.byteLength;
        charged += bytes.byteLength;
        if (passesBudget(budget, charged)) return finish(overBudget(budget.maxBytes));
      }
      chunks.push(bytes);
    };
    const onEnd = () => finish();
    const onBroken = () => finish(brokenOff());
    const stopDeadline = startDeadline(deadlineMs, () => finish(tooSlow(deadlineMs)));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onBroken);
  });
}

/**
 * A Node request as the webhook core reads it: no Web `Request` is built.
 * @internal
 */
export function fromNodeRequest(req: IncomingMessage): IncomingWebhook {
  return {
    method: req.method ?? 'GET',
    headers: nodeHeaders(req),
    readBody: (maxBodyBytes, bodyDeadlineMs, budget) => readRequestBody(req, { maxBodyBytes, bodyDeadlineMs }, budget),
  };
}

/**
 * Node's request headers, read by name: Node lowercases every name, so a lookup is one property
 * read rather than a scan for a name in another letter case.
 */
function nodeHeaders(req: IncomingMessage): HeadersLike {
  const { headers } = req;
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(',') : value;
    },
  } as HeadersLike;
}

/**
 * How long a client may go on sending a body that was answered before it was read (an early 401,
 * 405, 408 or 413), in milliseconds. The rest is read and dropped meanwhile, so the client gets to
 * read the answer; past this, the connection is closed.
 */
const LINGER_MS = 1_000;

/**
 * Writes the core's answer to a Node response. When the request body was not read to its end, the
 * connection is closed once the client had {@link LINGER_MS} to read the answer: Node would
 * otherwise read and drop the rest for as long as the client sends.
 * @internal
 */
export function sendAnswer(req: IncomingMessage, res: ServerResponse, answer: WebhookAnswer): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
  if (!req.complete && !req.readableEnded) closeAfterAnswer(req, res);
}

/**
 * Drops what is left of a request body once its answer is out, and closes the connection if the
 * client is still sending {@link LINGER_MS} later.
 * @internal
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  const linger = () => {
    const socket = req.socket as { destroy?: unknown } | null | undefined;
    const timer = setTimeout(() => {
      if (typeof socket?.destroy === 'function') socket.destroy();
    }, LINGER_MS);
    timer.unref?.();
    req.once('end', () => clearTimeout(timer));
    req.resume();
  };
  if (res.writableFinished) linger();
  else res.once('finish', linger);
}

/**
 * Builds a Web `Request` from a Node request and its body (already read), for fetch-style code.
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
