/**
 * A webhook endpoint for the sandbox tests: a node:http server doing what terra-sdk/node's
 * `terraWebhook` does, with the real webhooks module, recording what passed verification. Its answers can be scripted to fail, to
 * exercise the sandbox's retries.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readRequestBody, sendWebResponse, toWebRequest } from '../../src/adapters/node.js';
import {
  createFetchHandler,
  createWebhookHandler,
  type TerraWebhookEvent,
  type TerraWebhookResponse,
} from '../../src/index.js';
import { close, listen } from '../support/loopback.js';

export const SECRET = 'sandbox-test-secret';

/** A delivery that passed verification. */
export interface Verified {
  event: TerraWebhookEvent;
  delivery: TerraWebhookResponse;
}

/** A request the endpoint answered itself (a scripted failure), before any verification. */
export interface Raw {
  headers: IncomingMessage['headers'];
  body: string;
}

/** What the endpoint does with one request: a status to answer with, `'hang'`, or `undefined` to verify it. */
export type Script = (raw: Raw) => number | 'hang' | undefined;

export interface Endpoint {
  url: string;
  verified: Verified[];
  /** Every request, in arrival order, scripted or not. */
  raw: Raw[];
  /** Deliveries refused by verification, with the error code. */
  refused: string[];
  script: Script | undefined;
  close(): Promise<void>;
}

export async function startEndpoint(secret = SECRET): Promise<Endpoint> {
  const endpoint: Endpoint = {
    url: '',
    verified: [],
    raw: [],
    refused: [],
    script: undefined,
    close: async () => {
      server.closeAllConnections();
      await close(server);
    },
  };
  const handler = createWebhookHandler({
    secret,
    onError: (error) => {
      endpoint.refused.push((error as { code?: string }).code ?? String(error));
    },
  }).onUnhandled((event, delivery) => {
    endpoint.verified.push({ event, delivery: delivery as TerraWebhookResponse });
  });
  const respond = createFetchHandler(handler);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const bytes = await readRequestBody(req);
      const body = Buffer.from(bytes).toString('utf8');
      const raw = { headers: req.headers, body };
      endpoint.raw.push(raw);
      const action = endpoint.script?.(raw);
      if (action === 'hang') return; // never answers: the sandbox times out
      if (action !== undefined) {
        res.writeHead(action).end();
        return;
      }
      // What terra-sdk/node's terraWebhook does, with the bytes already read.
      await sendWebResponse(res, await respond(toWebRequest(req, bytes)));
    })();
  });
  endpoint.url = `${await listen(server)}/webhooks/terra`;
  return endpoint;
}
