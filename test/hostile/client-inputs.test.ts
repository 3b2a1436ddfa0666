/**
 * The rest of what the second red team found on the client side (issue 20, item 6): the sandbox's
 * control API driven from another site, a `--webhook-url` with `user:pass@`, a 32 MiB error body
 * copied whole into the message, `parseModel` given something that is not a schema, control
 * characters in the credentials and lone surrogates in ids.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { http, passthrough } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ActivitySchema,
  parseModel,
  Terra,
  TerraApiError,
  TerraConfigurationError,
  TerraInvalidArgumentError,
} from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { cli } from '../cli/support.js';
import { json, server as msw, record, terra } from '../client/support.js';
import { close, listen } from '../support/loopback.js';

const servers: Server[] = [];
const sandboxes: Sandbox[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await close(server);
  }
  for (const sandbox of sandboxes.splice(0)) await sandbox.close();
});

/** A raw request, so the Host header can be anything (fetch always sends the URL's). */
function raw(url: string, method: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the sandbox control API refuses cross-site requests', () => {
  const CONNECT = JSON.stringify({ provider: 'GARMIN', reference_id: 'person-x' });

  it('a form post, another origin or another Host changes nothing; its own JSON request still works', async () => {
    const sandbox = await startSandbox({ apiKey: 'k', devId: 'd' });
    sandboxes.push(sandbox);
    const at = `${sandbox.url}/_sandbox/connections`;
    const host = new URL(sandbox.url).host;
    // What a page on another site can send without a preflight: a "simple" content type.
    const form = await raw(at, 'POST', { host, 'content-type': 'text/plain' }, CONNECT);
    expect(form.status).toBe(415);
    const noType = await raw(at, 'POST', { host }, CONNECT);
    expect(noType.status).toBe(415);
    const otherOrigin = await raw(
      at,
      'POST',
      { host, origin: 'https://evil.example', 'content-type': 'application/json' },
      CONNECT,
    );
    expect(otherOrigin.status).toBe(403);
    // DNS rebinding: evil.example resolved to 127.0.0.1, so the browser sends its own name as Host.
    const rebound = await raw(at, 'POST', { host: 'evil.example:80', 'content-type': 'application/json' }, CONNECT);
    expect(rebound.status).toBe(403);
    const read = await raw(at, 'GET', { host: 'evil.example:80' });
    expect(read.status).toBe(403);
    expect(sandbox.emulator.users()).toHaveLength(0);
    const own = await raw(
      at,
      'POST',
      { host, origin: sandbox.url, 'content-type': 'application/json; charset=utf-8' },
      CONNECT,
    );
    expect(own.status).toBe(201);
    expect(sandbox.emulator.users()).toHaveLength(1);
  });
});

describe('a webhook URL with credentials', () => {
  it('is refused by startSandbox with a clear message, not a network error at each delivery', async () => {
    const error = await startSandbox({ webhookUrl: 'http://user:hunter2@127.0.0.1:9/hook', secret: 's' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TerraConfigurationError);
    expect(error).toMatchObject({ option: 'webhookUrl' });
    expect((error as Error).message).toContain('user:pass@');
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('is refused by the command with exit 2, the password never printed', async () => {
    const run = await cli(['sandbox', '--webhook-url', 'http://user:hunter2@127.0.0.1:9/hook', '--secret', 's']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--webhook-url must not hold a user name or password');
    expect(run.stderr).not.toContain('hunter2');
  });
});

describe('an error body is read up to 64 KiB', () => {
  it('a 32 MiB error answer gives a short message and a bounded detail, and the rest is not read', async () => {
    let written = 0;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      res.writeHead(500, { 'content-type': 'text/plain', 'x-request-id': 'req-big' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const more = () => {
        while (written < 32 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (written >= 32 * 1024 * 1024) res.end();
      };
      res.on('drain', more);
      res.on('error', () => undefined);
      more();
    });
    servers.push(server);
    const base = await listen(server);
    // Real HTTP to the loopback server: msw lets it through.
    msw.use(http.all(`${base}/*`, () => passthrough()));
    const client = new Terra({ apiKey: 'sk-x', devId: 'dev-x', baseUrl: `${base}/api/v2`, maxRetries: 0 });
    const error = await client.generateAuthToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraApiError);
    const apiError = error as TerraApiError;
    expect(apiError.status).toBe(500);
    expect(apiError.requestId).toBe('req-big');
    expect(apiError.message.length).toBeLessThan(2_000);
    expect(String(apiError.body).length).toBeLessThanOrEqual(64 * 1024);
    expect(apiError.detail).toContain('64 KiB');
    // The client stopped reading: far less than the 32 MiB went out.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written).toBeLessThan(16 * 1024 * 1024);
  });

  it('a long JSON detail is cut in the message, kept whole in detail', async () => {
    const detail = 'x'.repeat(50_000);
    record('post', '/auth/generateAuthToken', () => json({ detail }, { status: 400 }));
    const error = (await terra()
      .generateAuthToken()
      .catch((e: unknown) => e)) as TerraApiError;
    expect(error.detail).toBe(detail);
    expect(error.message.length).toBeLessThan(1_500);
    expect(error.message).toContain('more characters in error.detail');
  });
});

describe('parseModel given something that is not a schema', () => {
  it.each([[undefined], [null], ['ActivitySchema'], [{}], [{ _zod: 1 }], [() => ActivitySchema]])(
    '%o is a TerraInvalidArgumentError, not a bare TypeError',
    (schema) => {
      const error = (() => {
        try {
          parseModel(schema as never, { metadata: {} });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(TerraInvalidArgumentError);
      expect(error).toMatchObject({ argument: 'schema' });
    },
  );
});

describe('control characters in the credentials', () => {
  it.each([
    [{ apiKey: 'sk-abc\u0000def' }, 'apiKey'],
    [{ apiKey: 'sk-abc\ndef' }, 'apiKey'],
    [{ devId: 'dev\u0000x' }, 'devId'],
    [{ devId: 'dev\u007fx' }, 'devId'],
  ])('%o is a TerraConfigurationError at construction, naming the option, never the value', (given, option) => {
    const error = (() => {
      try {
        new Terra({ apiKey: 'sk-ok', devId: 'dev-ok', ...given });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(TerraConfigurationError);
    expect(error).toMatchObject({ option });
    expect((error as Error).message).toContain('control character');
    expect((error as Error).message).not.toContain('abc');
  });
});

describe('lone surrogates in ids', () => {
  it('are a TerraInvalidArgumentError before any request: two such ids would reach Terra as one', async () => {
    const calls = [
      ...record('get', '/userInfo', () => json({ status: 'success', user: null })),
      ...record('post', '/auth/generateWidgetSession', () => json({ session_id: 's', url: 'https://w' })),
      ...record('get', /\/workouts\/.*/ as never, () => json({})),
    ];
    const client = terra();
    for (const attempt of [
      () => client.getUserInfo('user-\uD800'),
      () => client.getUserInfo('user-\uDFFF'),
      () => client.getUsersByReferenceId('ref-\uD83D'),
      () => client.generateWidgetSession({ referenceId: 'person-\uDC00' }),
      () => client.workouts.get('w-\uD800'),
      () => client.plannedWorkouts.delete('user-1', 'p-\uDBFF'),
      () => client.deleteBody('user-1', ['log-\uD800']),
    ]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TerraInvalidArgumentError);
      expect((error as Error).message).toContain('surrogate');
    }
    expect(calls).toHaveLength(0);
  });

  it('a whole surrogate pair (an emoji) is a character like any other', async () => {
    const calls = record('get', '/userInfo', () => json({ status: 'success', user: null }));
    await terra()
      .getUserInfo('user-\u{1F600}')
      .catch(() => undefined);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.query.user_id).toBe('user-\u{1F600}');
  });
});
