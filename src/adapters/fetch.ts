/**
 * Terra webhooks on any fetch-style server (Bun, Deno, Cloudflare Workers, Vercel): a Web `Request`
 * in, a `Response` out, over the receive core. Exported from `terra-sdk/webhooks`; the Hono and
 * Next.js adapters build on it.
 *
 * @packageDocumentation
 */
import { brokenOff, readWebStream, tooLarge, tooSlow } from '../webhooks/body.js';
import { startDeadline } from '../webhooks/deadline.js';
import { bodyAlreadyRead } from '../webhooks/delivery.js';
import type { WebhookHandler } from '../webhooks/handler.js';
import { contentLength } from '../webhooks/headers.js';
import { answerWebhook, type IncomingWebhook, type WaitUntil } from '../webhooks/receive.js';

/** Handles one webhook request: `(request, context?) => Promise<Response>`. */
export type FetchHandler = (request: Request, context?: WaitUntil) => Promise<Response>;

/**
 * Makes a fetch handler from a {@link WebhookHandler}. For each request it:
 *
 * - answers 405 (with `Allow: POST`) to anything but POST, without reading it;
 * - answers 503 with `Retry-After` while `maxLateListeners` listeners are still running, or
 *   `maxDeliveriesInFlight` deliveries are being worked on;
 * - answers 401 to a signature header that cannot verify (missing, malformed, no `v1` in hex, a
 *   timestamp outside the tolerance), without reading its body;
 * - reads the body within `maxBodyBytes` (413 beyond, from `Content-Length` before reading or once
 *   that much arrived), `maxBytesInFlight` across deliveries (503 with `Retry-After` beyond, before
 *   reading when the length is declared) and `bodyDeadlineMs` (408);
 * - verifies the signature: 401 if it fails (500 if the body was already read, a setup error);
 * - reads the JSON: 400 if the body is not JSON;
 * - parses the event: an unknown type is an `unknown` event; an event whose identifying fields are
 *   broken is answered 200 (Terra would retry it for a day, to no avail) and handed to `onError` with
 *   its JSON; an event that differs from its schema elsewhere is delivered, and its drift handed to
 *   `onDrift`;
 * - with a `store`, applies the event to it first: 500 if the store fails (Terra retries), 200 without
 *   running the listener for a delivery seen before and handled;
 * - runs the listener: 200 when it finishes, 500 if it throws (Terra retries), and 200 at
 *   `deadlineMs` if it is still running, letting it finish in the background. With a `store`, a
 *   listener that completed marks its delivery handled.
 *
 * @example
 * ```ts
 * // Bun, Deno, or a Worker
 * const webhook = createFetchHandler(handler);
 * export default { fetch: (request, env, ctx) => webhook(request, ctx) };
 * ```
 */
export function createFetchHandler(handler: WebhookHandler, defaults: WaitUntil = {}): FetchHandler {
  return async (request, context) => {
    const result = await answerWebhook(handler, fromRequest(request), {
      waitUntil: context?.waitUntil ?? defaults.waitUntil,
    });
    return new Response(result.body, { status: result.status, headers: result.headers });
  };
}

/** A Web `Request` as an {@link IncomingWebhook}. @internal */
export function fromRequest(request: Request): IncomingWebhook {
  return {
    method: request.method,
    headers: request.headers,
    readBody: (maxBytes, deadlineMs, budget) => {
      // With a Content-Length within the limit, the server cuts the body at that length: read it
      // whole, within the deadline. @hono/node-server reads such a body straight from Node's request,
      // and builds no Web stream unless `body` or `bodyUsed` is touched, so neither is, here.
      const declared = contentLength(request.headers);
      if (declared !== undefined && declared <= maxBytes) return readWhole(request, maxBytes, deadlineMs);
      if (request.bodyUsed) return Promise.reject(bodyAlreadyRead());
      if (!request.body) return Promise.resolve(new Uint8Array(0));
      return readWebStream(request.body, maxBytes, deadlineMs, budget);
    },
  };
}

/** A body of known length, read in one call, within the deadline. */
function readWhole(request: Request, maxBytes: number, deadlineMs: number): Promise<Uint8Array> {
  // One promise settled by whichever comes first, the body or the deadline: cheaper per delivery
  // than racing two.
  return new Promise((resolve, reject) => {
    const stopDeadline = startDeadline(deadlineMs, () => reject(tooSlow(deadlineMs)));
    let reading: Promise<ArrayBuffer>;
    try {
      reading = request.arrayBuffer();
    } catch (error) {
      // A Request-like object of a framework may throw rather than reject.
      reading = Promise.reject(error);
    }
    reading.then(
      (buffer) => {
        stopDeadline();
        if (buffer.byteLength > maxBytes) reject(tooLarge(maxBytes));
        else resolve(new Uint8Array(buffer));
      },
      (error: unknown) => {
        stopDeadline();
        // fetch's words for a body a middleware already read (`await request.json()`).
        const used = error instanceof TypeError && /unusable|already|disturbed|locked/i.test(error.message);
        reject(used ? bodyAlreadyRead() : brokenOff());
      },
    );
  });
}
