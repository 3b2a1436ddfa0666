/**
 * Construction (options, environment fallbacks) and argument checks: every mistake is a typed error,
 * thrown before any request, that says what to do.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_BASE_URL, Terra, TerraConfigurationError, TerraInvalidArgumentError, User } from '../../src/index.js';
import { USER } from '../support/payloads.js';
import { API_KEY, BASE, DEV_ID, json, record, terra } from './support.js';

afterEach(() => vi.unstubAllEnvs());

function configError(fn: () => unknown): TerraConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TerraConfigurationError);
    return error as TerraConfigurationError;
  }
  throw new Error('expected a TerraConfigurationError');
}

describe('construction', () => {
  it('names the option and the environment variable of a missing credential', () => {
    vi.stubEnv('TERRA_API_KEY', '');
    vi.stubEnv('TERRA_DEV_ID', '');
    const noKey = configError(() => new Terra({ devId: DEV_ID }));
    expect(noKey.option).toBe('apiKey');
    expect(noKey.message).toBe('Missing apiKey: pass { apiKey } to new Terra() or set TERRA_API_KEY');
    const noDev = configError(() => new Terra({ apiKey: API_KEY }));
    expect(noDev.message).toBe('Missing devId: pass { devId } to new Terra() or set TERRA_DEV_ID');
    configError(() => new Terra());
    configError(() => new Terra({ apiKey: '', devId: DEV_ID }));
  });

  it('falls back to TERRA_API_KEY, TERRA_DEV_ID, TERRA_BASE_URL and TERRA_WEBHOOK_SECRET', async () => {
    vi.stubEnv('TERRA_API_KEY', 'env-key');
    vi.stubEnv('TERRA_DEV_ID', 'env-dev');
    vi.stubEnv('TERRA_BASE_URL', `${BASE}/`);
    const calls = record('get', '/userInfo', () => json({ user: USER }));
    const client = new Terra({ maxRetries: 0 });
    expect(client.baseUrl).toBe(BASE);
    await client.getUserInfo('u');
    expect(calls[0]?.headers).toMatchObject({ 'x-api-key': 'env-key', 'dev-id': 'env-dev' });
  });

  it('prefers options over the environment, and defaults the base URL', () => {
    vi.stubEnv('TERRA_BASE_URL', '');
    const client = new Terra({ apiKey: API_KEY, devId: DEV_ID });
    expect(client.baseUrl).toBe(DEFAULT_BASE_URL);
    expect(DEFAULT_BASE_URL).toBe('https://access.tryterra.co/api/v2');
    expect(client).toMatchObject({ timeout: 60_000, maxRetries: 2 });
  });

  it('takes the attempt time limit as timeoutMs, or as its deprecated alias timeout', () => {
    const base = { apiKey: API_KEY, devId: DEV_ID };
    expect(new Terra({ ...base, timeoutMs: 5_000 })).toMatchObject({ timeoutMs: 5_000, timeout: 5_000 });
    expect(new Terra({ ...base, timeout: 7_000 })).toMatchObject({ timeoutMs: 7_000, timeout: 7_000 });
    expect(new Terra({ ...base, timeoutMs: 8_000, timeout: 8_000 })).toMatchObject({ timeoutMs: 8_000 });
    expect(new Terra(base)).toMatchObject({ timeoutMs: 60_000 });
  });

  it('rejects options of the wrong kind, and unknown options', () => {
    const base = { apiKey: API_KEY, devId: DEV_ID };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ baseUrl: 'access.tryterra.co' }, 'baseUrl', /http\(s\) URL/],
      [{ baseUrl: 'ftp://x' }, 'baseUrl', /http\(s\) URL/],
      [{ timeout: 0 }, 'timeout', /milliseconds between 1 and/],
      [{ timeout: Number.POSITIVE_INFINITY }, 'timeout', /milliseconds/],
      [{ timeout: '5000' }, 'timeout', /milliseconds/],
      [{ timeoutMs: 0 }, 'timeoutMs', /milliseconds between 1 and/],
      [{ timeoutMs: 5_000, timeout: 6_000 }, 'timeoutMs', /differ: pass timeoutMs only/],
      [{ maxRetries: -1 }, 'maxRetries', /0 to 10/],
      [{ maxRetries: 1.5 }, 'maxRetries', /0 to 10/],
      [{ fetch: 'fetch' }, 'fetch', /function/],
      [{ secret: 42 }, 'secret', /as a string, or an array of strings/],
      [{ apiKey: 42 }, 'apiKey', /must be a non-empty string/],
      [{ devId: 'dev ' }, 'devId', /whitespace/],
    ];
    for (const [options, option, message] of cases) {
      const error = configError(() => new Terra({ ...base, ...options } as never));
      expect(error.option).toBe(option);
      expect(error.message).toMatch(message);
    }
    expect(() => new Terra({ ...base, api_key: 'x' } as never)).toThrow(
      /unknown option api_key \(did you mean apiKey\?\)/,
    );
  });

  it('uses a custom fetch when given', async () => {
    const seen: string[] = [];
    const client = terra({
      fetch: async (input) => {
        seen.push(input instanceof Request ? input.url : String(input));
        return Response.json({ providers: ['X'] });
      },
    });
    expect((await client.listProviders()).getParsedResponse().providers).toEqual(['X']);
    expect(seen).toEqual([`${BASE}/integrations`]);
  });
});

describe('arguments are checked before any request', () => {
  // No handler is registered: a request would fail the test with msw's unhandled-request error.
  const client = terra();

  async function invalid(call: () => Promise<unknown>, argument: string, message: RegExp) {
    let error: unknown;
    try {
      await call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    expect((error as TerraInvalidArgumentError).argument).toBe(argument);
    expect((error as Error).message).toMatch(message);
  }

  it('dates: ISO date-times, milliseconds, impossible dates and other types are refused with a hint', async () => {
    const get = (startDate: unknown, endDate?: unknown) =>
      client.getActivityForUser('u', { startDate, endDate } as never);
    await invalid(() => get('2026-04-02T10:00:00Z'), 'startDate', /date-times .* are not accepted \(pass a Date/);
    await invalid(() => get(Date.UTC(2026, 3, 2)), 'startDate', /looks like milliseconds/);
    await invalid(() => get('2026-02-30'), 'startDate', /not a calendar date/);
    await invalid(() => get(new Date('nope')), 'startDate', /invalid Date/);
    await invalid(() => get(-5), 'startDate', /non-negative integer/);
    await invalid(() => get(1.5), 'startDate', /integer/);
    await invalid(() => get(null), 'startDate', /not null/);
    await invalid(() => get(undefined), 'startDate', /startDate is required/);
    await invalid(() => get('2026-07-02', '2026-07-01'), 'endDate', /before startDate/);
    await invalid(() => get('2026-07-02', new Date(Date.UTC(2026, 6, 1))), 'endDate', /before startDate/);
  });

  it('data options: unknown or snake_case keys, non-boolean flags, missing options', async () => {
    await invalid(
      () => client.getSleepForUser('u', { start_date: '2026-07-01' } as never),
      'start_date',
      /unknown option start_date \(did you mean startDate\?\)/,
    );
    await invalid(
      () => client.getSleepForUser('u', { startDate: '2026-07-01', toWebhook: 'false' } as never),
      'toWebhook',
      /true or false/,
    );
    await invalid(() => client.getSleepForUser('u', undefined as never), 'startDate', /startDate is required/);
    await invalid(
      () => client.getAthleteForUser('u', { towebhook: false } as never),
      'towebhook',
      /did you mean toWebhook/,
    );
  });

  it('users: empty, padded or missing ids', async () => {
    await invalid(() => client.getUserInfo(''), 'user', /non-empty string/);
    await invalid(() => client.getUserInfo(' u1'), 'user', /whitespace/);
    await invalid(() => client.deauthenticateUser(undefined as never), 'user', /non-empty string/);
    await invalid(() => client.fromUserId(''), 'userId', /non-empty/);
    await invalid(() => client.getUsersByReferenceId(''), 'referenceId', /non-empty/);
    await invalid(() => client.getUsersInfo([]), 'userIds', /non-empty array/);
    await invalid(() => client.getUsersInfo(['a', ''] as never), 'userIds[]', /non-empty/);
  });

  it('auth options: resource, URLs and providers', async () => {
    await invalid(() => client.generateAuthenticationUrl({} as never), 'resource', /non-empty string/);
    await invalid(
      () => client.generateAuthenticationUrl({ resource: 'FITBIT', authSuccessRedirectUrl: '/done' }),
      'authSuccessRedirectUrl',
      /absolute URL/,
    );
    await invalid(() => client.generateWidgetSession({ providers: 'GARMIN' as never }), 'providers', /array/);
    await invalid(() => client.generateWidgetSession({ providers: ['GARMIN,OURA'] }), 'providers[]', /comma/);
    await invalid(
      () => client.generateWidgetSession({ reference_id: 'x' } as never),
      'reference_id',
      /did you mean referenceId/,
    );
  });

  it('paging and request options', async () => {
    await invalid(() => client.listUsers({ page: -1 }), 'page', /at least 0/);
    await invalid(() => client.listUsers({ perPage: 10 } as never), 'perPage', /needs page/);
    await invalid(() => client.listUsers({ page: 0, perPage: 0 }), 'perPage', /at least 1/);
    await invalid(() => client.listProviders({ timeout: -1 }), 'timeout', /milliseconds/);
    await invalid(() => client.listProviders({ maxRetries: 11 }), 'maxRetries', /0 to 10/);
    await invalid(() => client.listProviders({ signal: 'stop' } as never), 'signal', /AbortSignal/);
    await invalid(() => client.listProviders({ retries: 1 } as never), 'retries', /unknown option retries/);
    const iterator = client.iterateUsers({ perPage: 0 });
    await invalid(() => iterator.next(), 'perPage', /at least 1/);
  });

  it('accepts a User or a TerraUser-shaped object as the user', async () => {
    const calls = record('get', '/userInfo', () => json({ user: USER }));
    await client.getUserInfo(new User(client, USER));
    await client.getUserInfo(USER as never);
    expect(calls.map((c) => c.query.user_id)).toEqual([USER.user_id, USER.user_id]);
  });
});
