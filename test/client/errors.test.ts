/**
 * HTTP failures become typed errors built from every error body Terra sends, and no error, message
 * or log line carries a credential.
 */
import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  TerraApiError,
  TerraAuthenticationError,
  TerraBadRequestError,
  TerraConnectionError,
  TerraError,
  TerraForbiddenError,
  TerraNotFoundError,
  TerraPayloadTooLargeError,
  TerraProviderError,
  TerraRateLimitError,
  TerraServerError,
} from '../../src/index.js';
import { USER } from '../support/payloads.js';
import { API_KEY, BASE, DEV_ID, json, record, server, terra } from './support.js';

const problem = (title: string, detail: string) =>
  ({ type: 'about:blank', title, instance: '/api/v2/activity?user_id=u', detail }) as const;

async function failure(status: number, body: BodyInit | null, headers: Record<string, string> = {}): Promise<unknown> {
  record('get', '/activity', () => new HttpResponse(body, { status, headers }));
  return terra()
    .getActivityForUser(USER.user_id, { startDate: '2026-07-01' })
    .catch((e: unknown) => e);
}

const problemHeaders = { 'content-type': 'application/problem+json' };

describe('error classes by status, from a Problem body', () => {
  const cases = [
    [400, TerraBadRequestError, 'bad request', 'invalid start_date'],
    [401, TerraAuthenticationError, 'unauthorized', 'dev-id or x-api-key headers are missing'],
    [403, TerraForbiddenError, 'forbidden', 'key does not belong to this dev id'],
    [404, TerraNotFoundError, 'not found', 'user not found'],
    [424, TerraProviderError, 'failed dependency', 'request failed due to a provider permission issue'],
    [500, TerraServerError, 'internal server error', 'something broke'],
  ] as const;

  for (const [status, ErrorClass, title, detail] of cases) {
    it(`${status} is ${ErrorClass.name} with status, detail, method, path and body`, async () => {
      const body = problem(title, detail);
      const error = (await failure(status, JSON.stringify(body), problemHeaders)) as TerraApiError;
      expect(error).toBeInstanceOf(ErrorClass);
      expect(error).toBeInstanceOf(TerraApiError);
      expect(error).toBeInstanceOf(TerraError);
      expect(error).toMatchObject({ status, detail, method: 'GET', path: '/activity', body });
      expect(error.message).toMatch(new RegExp(`^GET /activity failed with ${status} [A-Za-z ]+: ${detail}`));
      expect(error.headers.get('content-type')).toBe('application/problem+json');
    });
  }

  it('401 and 403 tell which options and variables to check; a 403 is still a TerraAuthenticationError', async () => {
    const error = (await failure(401, JSON.stringify(problem('unauthorized', 'missing')))) as Error;
    expect(error.message).toContain('Check the apiKey and devId options (TERRA_API_KEY, TERRA_DEV_ID)');
    const forbidden = (await failure(403, JSON.stringify(problem('forbidden', 'wrong key')))) as Error;
    expect(forbidden).toBeInstanceOf(TerraAuthenticationError);
    expect(forbidden.message).toContain('Check the apiKey and devId options (TERRA_API_KEY, TERRA_DEV_ID)');
  });

  it('413 says to ask for less', async () => {
    const error = (await failure(413, JSON.stringify(problem('payload too large', 'too large')))) as TerraApiError;
    expect(error).toBeInstanceOf(TerraPayloadTooLargeError);
    expect(error.status).toBe(413);
    expect(error.message).toContain('shorter date range');
  });
});

describe('other error bodies', () => {
  it('the legacy {status: "error", message} body', async () => {
    const error = (await failure(
      400,
      JSON.stringify({ status: 'error', message: 'data type is not enabled' }),
    )) as TerraApiError;
    expect(error).toBeInstanceOf(TerraBadRequestError);
    expect(error.detail).toBe('data type is not enabled');
  });

  it('an HTML 502 from a gateway keeps its text as the body and says it was not JSON', async () => {
    const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
    const error = (await failure(502, html, { 'content-type': 'text/html' })) as TerraApiError;
    expect(error).toBeInstanceOf(TerraServerError);
    expect(error.body).toBe(html);
    expect(error.message).toBe('GET /activity failed with 502 Bad Gateway: the body was not JSON');
  });

  it('an empty 504', async () => {
    const error = (await failure(504, null)) as TerraApiError;
    expect(error).toBeInstanceOf(TerraServerError);
    expect(error.message).toBe('GET /activity failed with 504 Gateway Timeout');
  });

  it('an unlisted status is a plain TerraApiError', async () => {
    const error = (await failure(409, JSON.stringify({ detail: 'conflict' }))) as TerraApiError;
    expect(error.constructor).toBe(TerraApiError);
    expect(error.message).toContain('409');
  });

  it('a request id is reported in the message and on the error', async () => {
    const error = (await failure(404, JSON.stringify(problem('not found', 'user not found')), {
      'x-request-id': 'req-7',
    })) as TerraApiError;
    expect(error.requestId).toBe('req-7');
    expect(error.message).toContain('(request id req-7)');
  });
});

describe('429', () => {
  it('carries the rule, Retry-After and the rate-limit headers from a {"detail"} body', async () => {
    const error = (await failure(429, JSON.stringify({ detail: 'rate limit exceeded' }), {
      'retry-after': '120',
      'x-terra-ratelimit-rule': 'r2',
      'x-terra-ratelimit-limit': '6000',
      'x-terra-ratelimit-remaining': '0',
      'x-terra-ratelimit-reset-after': '120',
    })) as TerraRateLimitError;
    expect(error).toBeInstanceOf(TerraRateLimitError);
    expect(error).toMatchObject({
      rule: 'r2',
      retryAfterMs: 120_000,
      limit: 6000,
      remaining: 0,
      resetAfterMs: 120_000,
    });
    expect(error.detail).toBe('rate limit exceeded');
    expect(error.message).toContain('Retry after 120 s');
  });

  it('rule r1 says to split the range, since retrying cannot help', async () => {
    const error = (await failure(429, JSON.stringify({ detail: 'rate limit exceeded' }), {
      'x-terra-ratelimit-rule': 'r1',
    })) as TerraRateLimitError;
    expect(error.rule).toBe('r1');
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).toContain('split the date range');
  });

  it('reads Retry-After as an HTTP date too', async () => {
    const when = new Date(Date.now() + 30_000).toUTCString();
    const error = (await failure(429, '{}', { 'retry-after': when })) as TerraRateLimitError;
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });
});

describe('network failures', () => {
  it('a connection that never answers is TerraConnectionError, with the system reason and no request in it', async () => {
    const client = terra({ baseUrl: 'http://127.0.0.1:9/api/v2' });
    server.use(http.all('http://127.0.0.1:9/*', () => HttpResponse.error()));
    const error = (await client.listProviders().catch((e: unknown) => e)) as TerraConnectionError;
    expect(error).toBeInstanceOf(TerraConnectionError);
    expect(error).toMatchObject({ method: 'GET', path: '/integrations' });
    expect(error.message).toMatch(/^GET \/integrations: could not reach Terra/);
    expect(inspect(error, { depth: 10 })).not.toContain(DEV_ID);
  });
});

describe('credentials never leak', () => {
  const secret = 'whsec-9f8e7d6c';

  it('not in String, JSON.stringify or util.inspect of the client', () => {
    const client = terra({ secret });
    const renderings = [
      String(client),
      `${client}`,
      JSON.stringify(client),
      inspect(client, { depth: 10, showHidden: true }),
    ];
    for (const text of renderings) {
      for (const credential of [API_KEY, DEV_ID, secret]) expect(text).not.toContain(credential);
      expect(text).toContain(BASE);
    }
    expect(JSON.parse(JSON.stringify(client))).toEqual({ baseUrl: BASE, timeout: 60_000, maxRetries: 0 });
  });

  it('not in any error, its message, stack, JSON or inspection, for every kind of failure', async () => {
    const errors: unknown[] = [];
    for (const status of [400, 401, 404, 429, 500]) {
      errors.push(await failure(status, JSON.stringify(problem('x', 'y'))));
    }
    server.use(http.get(`${BASE}/integrations`, () => HttpResponse.error()));
    errors.push(
      await terra()
        .listProviders()
        .catch((e: unknown) => e),
    );
    record('get', '/sleep', () => json({ user: USER, data: 'not a list' }));
    errors.push(
      await terra()
        .getSleepForUser('u', { startDate: '2026-07-01', toWebhook: false })
        .catch((e: unknown) => e),
    );
    expect(errors.every((e) => e instanceof TerraError)).toBe(true);
    for (const error of errors) {
      const text = [
        String(error),
        (error as Error).stack,
        JSON.stringify(error),
        inspect(error, { depth: 20, showHidden: true }),
      ].join('\n');
      for (const credential of [API_KEY, DEV_ID]) expect(text).not.toContain(credential);
    }
  });

  it('not in configuration errors', () => {
    try {
      terra({ apiKey: ` ${API_KEY}` });
    } catch (error) {
      expect((error as Error).message).toBe('apiKey has leading or trailing whitespace; remove it');
      expect(String(error)).not.toContain(API_KEY);
    }
  });
});
