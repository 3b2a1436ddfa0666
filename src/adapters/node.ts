/**
 * Terra webhooks on Node's own HTTP server (`node:http`, `node:https`, or any framework that hands
 * over Node's request and response). Entry point `terra-sdk/node`.
 *
 * @module terra-sdk/node
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookHandler } from '../webhooks/handler.js';
import { answerWebhook, type WaitUntil } from '../webhooks/receive.js';
import { fromNodeRequest, nodeCryptoEngine, sendAnswer } from './node-io.js';

export {
  closeAfterAnswer,
  fromNodeRequest,
  nodeCryptoEngine,
  type ReadBodyOptions,
  readRequestBody,
  sendAnswer,
  sendWebResponse,
  toWebRequest,
} from './node-io.js';

/** A Node request listener: `(req, res) => Promise<void>`. */
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * A `node:http` request listener that receives Terra webhooks with `handler`. It reads the body
 * itself, within the handler's `maxBodyBytes` and `bodyDeadlineMs`, so nothing may read it before.
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
  const settings = { waitUntil: options.waitUntil, engine: nodeCryptoEngine };
  // answerWebhook never rejects; a plain `then` spares the promise and the hop of an async wrapper.
  return (req, res) =>
    answerWebhook(handler, fromNodeRequest(req), settings).then((answer) => sendAnswer(req, res, answer));
}
