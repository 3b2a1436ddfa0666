import { createServer, type IncomingMessage, request } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRequestBody, terraWebhook, toWebRequest } from '../../src/adapters/node.js';
import { createWebhookHandler } from '../../src/webhooks/handler.js';
import { describeAdapter, viaLoopback } from '../support/adapter-contract.js';
import { close, listen } from '../support/loopback.js';

/** A signature header that passes the checks made before the body (fresh, 64 hex), and matches nothing. */
const FRESH_HEADER = () => `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`;

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
    const req = Readable.from(['µg', new TextEncoder().encode('/dL')]) as unknown as IncomingMessage;
    expect(new TextDecoder().decode(await readRequestBody(req))).toBe('µg/dL');
  });

  it('refuse a body over maxBodyBytes, and one slower than bodyDeadlineMs', async () => {
    const big = Readable.from([new Uint8Array(6), new Uint8Array(6)]) as unknown as IncomingMessage;
    await expect(readRequestBody(big, { maxBodyBytes: 10 })).rejects.toMatchObject({
      name: 'TerraWebhookRequestError',
      code: 'body_too_large',
      status: 413,
    });
    const stalled = new Readable({ read() {} }) as unknown as IncomingMessage;
    await expect(readRequestBody(stalled, { bodyDeadlineMs: 20 })).rejects.toMatchObject({
      code: 'body_timeout',
      status: 408,
    });
  });

  it('answer 405 with Allow: POST to TRACE, a method a Web Request cannot hold, and keep serving', async () => {
    const server = createServer(terraWebhook(createWebhookHandler({ secret: 's' })));
    const base = await listen(server);
    try {
      const answer = await new Promise<{ status: number | undefined; allow: string | undefined }>((resolve, reject) => {
        request(`${base}/`, { method: 'TRACE' }, (res) => {
          res.resume();
          resolve({ status: res.statusCode, allow: res.headers.allow });
        })
          .on('error', reject)
          .end();
      });
      expect(answer).toEqual({ status: 405, allow: 'POST' });
      expect((await fetch(`${base}/`)).status).toBe(405);
    } finally {
      await close(server);
    }
  });

  it('report body_incomplete at once when a real client closes its socket mid-upload', async () => {
    const server = createServer();
    const reported = new Promise<{ error: unknown; status: number; ms: number }>((resolve) => {
      const started = Date.now();
      const handler = createWebhookHandler({
        secret: 's',
        onError: (error, context) => resolve({ error, status: context.status, ms: Date.now() - started }),
      });
      server.on('request', terraWebhook(handler));
    });
    const base = new URL(await listen(server));
    try {
      const socket = connect(Number(base.port), base.hostname, () => {
        socket.write(
          `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\nterra-signature: ${FRESH_HEADER()}\r\n\r\nhalf`,
        );
        setTimeout(() => socket.destroy(), 50);
      });
      const { error, status, ms } = await reported;
      expect(error).toMatchObject({ code: 'body_incomplete' });
      expect(status).toBe(400);
      // Well before the 10 s body deadline: the broken upload itself ended the read.
      expect(ms).toBeLessThan(5_000);
    } finally {
      await close(server);
    }
  });

  it('answer 400 body_incomplete when the client breaks off the upload', async () => {
    const errors: unknown[] = [];
    const listener = terraWebhook(createWebhookHandler({ secret: 's', onError: (error) => errors.push(error) }));
    const req = Object.assign(
      new Readable({
        read() {
          this.push(new Uint8Array([1]));
          this.destroy(new Error('aborted'));
        },
      }),
      { method: 'POST', headers: { 'terra-signature': FRESH_HEADER() }, complete: false },
    ) as unknown as IncomingMessage;
    let sent: { status: number; body: string } | undefined;
    const res = {
      headersSent: false,
      writeHead(status: number) {
        sent = { status, body: '' };
      },
      end(body: string) {
        if (sent) sent.body = body;
      },
      once() {},
    };
    await listener(req, res as never);
    expect(sent).toEqual({ status: 400, body: '{"error":"body_incomplete"}' });
    expect(errors[0]).toMatchObject({ code: 'body_incomplete' });
  });
});
