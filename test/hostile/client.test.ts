/**
 * The client against a hostile or broken API on loopback: redirects to another origin (a second
 * loopback server, which records whatever reaches it), redirect loops, unreadable `Retry-After`, and a
 * server that never answers, whose cost must stay within `timeout × attempts` plus capped backoff.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Terra, TerraApiError, TerraRedirectError, TerraServerError, TerraTimeoutError } from '../../src/index.js';
import { close, listen } from '../support/loopback.js';

const API_KEY = 'sk-hostile-8c1d0a';
const DEV_ID = 'dev-hostile-3f2e';

interface Seen {
  /** performance.now() when the request arrived. */
  at: number;
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await close(server);
  }
});

/** A loopback server that records every request and answers with `reply`. */
async function recording(
  reply: (req: IncomingMessage, res: ServerResponse, count: number) => void,
): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({
        at: performance.now(),
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      reply(req, res, seen.length);
    });
  });
  servers.push(server);
  return { base: await listen(server), seen };
}

const client = (base: string, options: { timeout?: number; maxRetries?: number } = {}) =>
  new Terra({ apiKey: API_KEY, devId: DEV_ID, baseUrl: `${base}/api/v2`, maxRetries: 0, ...options });

describe('redirects', () => {
  it.each([301, 302, 303, 307, 308])(
    'a %i to another origin is a TerraRedirectError naming its host, and the other origin receives nothing',
    async (status) => {
      const other = await recording((_, res) => res.end('{}'));
      const otherHost = new URL(other.base).host;
      const api = await recording((_, res) => {
        res.writeHead(status, { location: `${other.base}/steal?from=terra` }).end();
      });
      for (const call of [
        (terra: Terra) => terra.getUserInfo('u-1'),
        (terra: Terra) => terra.generateWidgetSession({ referenceId: 'ref' }),
        (terra: Terra) => terra.modifyUser('u-1', { referenceId: 'ref' }),
        (terra: Terra) => terra.labReports.upload(new TextEncoder().encode('%PDF-1.4'), { filename: 'r.pdf' }),
        (terra: Terra) => terra.deauthenticateUser('u-1'),
      ]) {
        const error = await call(client(api.base)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TerraRedirectError);
        expect(error).toBeInstanceOf(TerraApiError);
        expect(error).toMatchObject({ status, reason: 'cross_origin', targetHost: otherHost });
        expect((error as Error).message).toContain(otherHost);
        expect((error as Error).message).not.toContain(API_KEY);
      }
      expect(api.seen.map((s) => s.method)).toEqual(['GET', 'POST', 'PATCH', 'POST', 'DELETE']);
      expect(other.seen).toEqual([]);
    },
  );

  it('follows redirects on the same origin, keeping the credentials there', async () => {
    const api = await recording((req, res) => {
      if (req.url?.startsWith('/api/v2/userInfo')) {
        res.writeHead(307, { location: '/api/v2/moved/userInfo?user_id=u-1' }).end();
      } else {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'success', user: { user_id: 'u-1', provider: 'GARMIN' } }));
      }
    });
    const response = await client(api.base).getUserInfo('u-1');
    expect(response.status).toBe(200);
    expect(api.seen.map((s) => [s.method, s.url])).toEqual([
      ['GET', '/api/v2/userInfo?user_id=u-1'],
      ['GET', '/api/v2/moved/userInfo?user_id=u-1'],
    ]);
    expect(api.seen[1]?.headers['x-api-key']).toBe(API_KEY);
  });

  it('turns a 303, or a 302 on a POST, into a GET without the body; a 307 sends the body again', async () => {
    for (const [status, method, keepsBody] of [
      [303, 'GET', false],
      [302, 'GET', false],
      [307, 'POST', true],
      [308, 'POST', true],
    ] as const) {
      const api = await recording((req, res) => {
        if (req.url?.includes('generateWidgetSession')) {
          res.writeHead(status, { location: '/api/v2/next' }).end();
        } else {
          res.setHeader('content-type', 'application/json');
          res.end(
            JSON.stringify({ status: 'success', session_id: 's', url: 'https://widget.example/s', expires_in: 900 }),
          );
        }
      });
      await client(api.base)
        .generateWidgetSession({ referenceId: 'ref' })
        .catch(() => undefined);
      const hop = api.seen[1];
      expect({ status, method: hop?.method, keepsBody: hop?.body.includes('"reference_id":"ref"') }).toEqual({
        status,
        method,
        keepsBody,
      });
      expect(hop?.headers['x-api-key']).toBe(API_KEY);
    }
  });

  it('a 307 on the same origin sends a multipart upload and a PATCH body again, with the credentials', async () => {
    const api = await recording((req, res) => {
      if (!req.url?.includes('/next')) res.writeHead(307, { location: '/api/v2/next' }).end();
      else res.writeHead(500).end();
    });
    const terra = client(api.base);
    await terra.labReports
      .upload(new TextEncoder().encode('%PDF-1.4 hostile'), { filename: 'r.pdf' })
      .catch(() => undefined);
    await terra.modifyUser('u-1', { referenceId: 'ref-307' }).catch(() => undefined);
    expect(api.seen.map((s) => [s.method, s.url.split('?')[0]])).toEqual([
      ['POST', expect.not.stringContaining('/next')],
      ['POST', '/api/v2/next'],
      ['PATCH', '/api/v2/users/u-1'],
      ['PATCH', '/api/v2/next'],
    ]);
    expect(api.seen[1]?.body).toContain('%PDF-1.4 hostile');
    expect(api.seen[1]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(api.seen[3]?.body).toContain('"reference_id":"ref-307"');
    for (const hop of api.seen) expect(hop.headers['x-api-key']).toBe(API_KEY);
  });

  it('stops a redirect loop after 5 hops', async () => {
    const api = await recording((req, res) => res.writeHead(302, { location: req.url ?? '/' }).end());
    const error = await client(api.base)
      .getUserInfo('u-1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraRedirectError);
    expect(error).toMatchObject({ reason: 'too_many' });
    expect(api.seen).toHaveLength(6);
  });
});

describe('Retry-After and time limits', () => {
  it.each(['soon-ish', '-5', 'Thu, 01 Jan 1970 00:00:00 GMT'])(
    'an unusable Retry-After (%s) falls back to the backoff instead of a 60 s wait',
    { timeout: 15_000 },
    async (retryAfter) => {
      const api = await recording((_, res, count) => {
        if (count < 3) {
          res.writeHead(503, { 'retry-after': retryAfter, 'content-type': 'application/json' }).end('{}');
        } else {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ status: 'success', user: { user_id: 'u-1', provider: 'GARMIN' } }));
        }
      });
      const started = performance.now();
      const response = await client(api.base, { maxRetries: 2 }).getUserInfo('u-1');
      expect(response.status).toBe(200);
      expect(api.seen).toHaveLength(3);
      // The backoff (equal jitter): 0.25 to 0.5 s, then 0.5 to 1 s. Not an immediate retry, and not
      // the 60 s that would time the test out.
      const [first, second, third] = api.seen.map((s) => s.at) as [number, number, number];
      expect(second - first).toBeGreaterThanOrEqual(200);
      expect(third - second).toBeGreaterThanOrEqual(450);
      expect(performance.now() - started).toBeLessThan(10_000);
    },
  );

  it('a server that never answers costs at most timeout × attempts plus the backoff', async () => {
    const api = await recording(() => {
      // Never answers.
    });
    const started = performance.now();
    const error = await client(api.base, { timeout: 200, maxRetries: 2 })
      .getUserInfo('u-1')
      .catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TerraTimeoutError);
    expect(api.seen).toHaveLength(3);
    // 3 × 200 ms + at most 0.5 s + 1 s of backoff = 2.1 s; generous for a busy machine.
    expect(elapsed).toBeLessThan(4_000);
  });

  it('a body that trickles is cut off within the same per-attempt limit, and a POST is tried once', async () => {
    const api = await recording((_, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      const timer = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(timer));
    });
    const started = performance.now();
    const error = await client(api.base, { timeout: 200, maxRetries: 2 })
      .generateWidgetSession({ referenceId: 'ref' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraTimeoutError);
    expect(error).not.toBeInstanceOf(TerraServerError);
    expect(api.seen).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
