import { createServer, type IncomingMessage, request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { readRequestBody, terraWebhook, toWebRequest } from '../../src/adapters/node.js';
import { createWebhookHandler } from '../../src/webhooks/handler.js';
import { describeAdapter, viaLoopback } from '../support/adapter-contract.js';
import { close, listen } from '../support/loopback.js';

describeAdapter('node:http', async (handler) => {
  const server = createServer(terraWebhook(handler));
  const base = await listen(server);
  return {
    send: viaLoopback(base),
    close: () => close(server),
  };
});

describe('node helpers', () => {
  it('turn a Node request into a Web Request with every header and the body', async () => {
    let seen: Request | undefined;
    const server = createServer(async (req: IncomingMessage, res) => {
      seen = toWebRequest(req, await readRequestBody(req));
      res.end();
    });
    const base = await listen(server);
    try {
      await fetch(`${base}/path?q=1`, {
        method: 'POST',
        body: 'µg/dL payload',
        headers: { 'X-Terra-Trace-Id': 'abc', 'Terra-Signature': 't=1,v1=00' },
      });
    } finally {
      await close(server);
    }
    expect(seen?.method).toBe('POST');
    expect(new URL(seen?.url ?? '').pathname).toBe('/path');
    expect(seen?.headers.get('x-terra-trace-id')).toBe('abc');
    expect(seen?.headers.get('terra-signature')).toBe('t=1,v1=00');
    expect(await seen?.text()).toBe('µg/dL payload');
  });

  it('build no body for GET and survive a request URL that does not parse', () => {
    const req = {
      headers: { host: 'x', 'set-cookie': ['a=1', 'b=2'] },
      method: 'GET',
      url: 'http://[',
    } as unknown as IncomingMessage;
    const request = toWebRequest(req, new Uint8Array([1]));
    expect(request.url).toBe('http://localhost/');
    expect(request.body).toBeNull();
  });

  it('read a body given in several chunks, text or bytes', async () => {
    const req = (async function* () {
      yield 'µg';
      yield new TextEncoder().encode('/dL');
    })() as unknown as IncomingMessage;
    expect(new TextDecoder().decode(await readRequestBody(req))).toBe('µg/dL');
  });

  it('answer 400 to a method a Web Request cannot hold, and keep serving', async () => {
    const server = createServer(terraWebhook(createWebhookHandler({ secret: 's' })));
    const base = await listen(server);
    try {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        request(`${base}/`, { method: 'TRACE' }, (res) => {
          res.resume();
          resolve(res.statusCode);
        })
          .on('error', reject)
          .end();
      });
      expect(status).toBe(400);
      expect((await fetch(`${base}/`)).status).toBe(405);
    } finally {
      await close(server);
    }
  });

  it('answer 400 when the client breaks off the upload', async () => {
    const listener = terraWebhook(
      (await import('../../src/webhooks/handler.js')).createWebhookHandler({ secret: 's' }),
    );
    let status = 0;
    const req = Object.assign(
      (async function* () {
        yield new Uint8Array([1]);
        throw new Error('aborted');
      })(),
      { method: 'POST', headers: {} },
    ) as unknown as IncomingMessage;
    const res = {
      statusCode: 0,
      end() {
        status = this.statusCode;
      },
    };
    await listener(req, res as never);
    expect(status).toBe(400);
  });
});
