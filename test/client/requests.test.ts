/**
 * What the client sends: method, path, headers, query and body of every call, as Terra expects them
 * (terra-api-facts.md section 2).
 */
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { User } from '../../src/index.js';
import { VERSION } from '../../src/internal/version.js';
import { USER } from '../support/payloads.js';
import { API_KEY, DEV_ID, json, record, terra } from './support.js';

const USER_ID = USER.user_id;

describe('credentials and common headers', () => {
  it('sends x-api-key, dev-id, a JSON accept and a User-Agent naming the SDK and its version', async () => {
    const calls = record('get', '/userInfo', () => json({ user: USER, status: 'success', is_authenticated: true }));
    await terra().getUserInfo(USER_ID);
    expect(calls[0]?.headers).toMatchObject({
      'x-api-key': API_KEY,
      'dev-id': DEV_ID,
      accept: 'application/json',
      'user-agent': `terra-sdk/${pkg.version}`,
    });
    expect(VERSION).toBe(pkg.version);
  });

  it('sends only dev-id to the integrations endpoints, which need no key', async () => {
    const plain = record('get', '/integrations', () => json({ providers: ['GARMIN'], sdk_providers: ['APPLE'] }));
    const detailed = record('get', '/integrations/detailed', () => json({ providers: [] }));
    await terra().listProviders();
    await terra().listProvidersDetailed();
    for (const call of [...plain, ...detailed]) {
      expect(call.headers['dev-id']).toBe(DEV_ID);
      expect(call.headers).not.toHaveProperty('x-api-key');
    }
  });
});

describe('integrations', () => {
  it('listProviders: GET /integrations', async () => {
    const calls = record('get', '/integrations', () =>
      json({ providers: ['GARMIN'], sdk_providers: [], status: 'success' }),
    );
    const response = await terra().listProviders();
    expect(calls).toMatchObject([{ method: 'GET', path: '/integrations', query: {}, body: undefined }]);
    expect(response.getParsedResponse().providers).toEqual(['GARMIN']);
    expect(response.dtype).toBe('providers');
  });

  it('listProvidersDetailed: GET /integrations/detailed, sdk sent as true/false only when given', async () => {
    const calls = record('get', '/integrations/detailed', () =>
      json({ providers: [{ provider: 'OURA', enabled: true, types: { sleep: true } }] }),
    );
    await terra().listProvidersDetailed();
    await terra().listProvidersDetailed({ sdk: true });
    const response = await terra().listProvidersDetailed({ sdk: false });
    expect(calls.map((c) => c.query)).toEqual([{}, { sdk: 'true' }, { sdk: 'false' }]);
    expect(response.getParsedResponse().providers?.[0]?.types?.sleep).toBe(true);
  });
});

describe('connecting users', () => {
  it('generateAuthenticationUrl: resource in the query, the rest in the JSON body, absent options left out', async () => {
    const calls = record('post', '/auth/authenticateUser', () =>
      json({ status: 'success', user_id: USER_ID, auth_url: 'https://www.fitbit.com/oauth2/authorize?x=1' }),
    );
    await terra().generateAuthenticationUrl({ resource: 'FITBIT' });
    const response = await terra().generateAuthenticationUrl({
      resource: 'GARMIN',
      referenceId: 'user-123',
      authSuccessRedirectUrl: 'https://app.example/ok',
      authFailureRedirectUrl: 'myapp://failed',
      language: 'fr',
    });
    expect(calls[0]).toMatchObject({ method: 'POST', query: { resource: 'FITBIT' }, body: {} });
    expect(calls[0]?.headers['content-type']).toBe('application/json');
    expect(calls[1]).toMatchObject({
      query: { resource: 'GARMIN' },
      body: {
        reference_id: 'user-123',
        auth_success_redirect_url: 'https://app.example/ok',
        auth_failure_redirect_url: 'myapp://failed',
        language: 'fr',
      },
    });
    expect(response.getParsedResponse().auth_url).toContain('fitbit.com');
  });

  it('generateWidgetSession: providers joined with commas; an empty list or no options send none', async () => {
    const calls = record('post', '/auth/generateWidgetSession', () =>
      json({ session_id: 's1', url: 'https://widget.tryterra.co/session/s1', status: 'success', expires_in: 900 }),
    );
    await terra().generateWidgetSession({ providers: ['GARMIN', 'OURA', 'WHOOP'], referenceId: 'user-123' });
    await terra().generateWidgetSession({ providers: [] });
    const response = await terra().generateWidgetSession();
    expect(calls.map((c) => c.body)).toEqual([{ providers: 'GARMIN,OURA,WHOOP', reference_id: 'user-123' }, {}, {}]);
    expect(calls[0]?.query).toEqual({});
    expect(response.getParsedResponse()).toMatchObject({ session_id: 's1', expires_in: 900 });
  });

  it('generateAuthToken: POST with no body', async () => {
    const calls = record('post', '/auth/generateAuthToken', () =>
      json({ status: 'success', token: 't0k', expires_in: 180 }),
    );
    const response = await terra().generateAuthToken();
    expect(calls).toMatchObject([{ method: 'POST', body: undefined, query: {} }]);
    expect(response.getParsedResponse().token).toBe('t0k');
  });

  it('deauthenticateUser: DELETE with user_id in the query, from an id or a User', async () => {
    const calls = record('delete', '/auth/deauthenticateUser', () => json({ status: 'success' }));
    const client = terra();
    await client.deauthenticateUser(USER_ID);
    await client.deauthenticateUser(new User(client, USER));
    expect(calls.map((c) => [c.method, c.query])).toEqual([
      ['DELETE', { user_id: USER_ID }],
      ['DELETE', { user_id: USER_ID }],
    ]);
  });
});

describe('users', () => {
  it('getUserInfo: GET /userInfo?user_id', async () => {
    const calls = record('get', '/userInfo', () =>
      json({ user: { ...USER, last_polled_at: '2026-07-01T10:00:00Z' }, status: 'success', is_authenticated: true }),
    );
    const info = (await terra().getUserInfo(USER_ID)).getParsedResponse();
    expect(calls[0]?.query).toEqual({ user_id: USER_ID });
    expect(info.user?.last_polled_at).toBe('2026-07-01T10:00:00Z');
  });

  it('getUsersByReferenceId: GET /userInfo?reference_id, answered with an array', async () => {
    const calls = record('get', '/userInfo', () =>
      json([USER, { ...USER, user_id: 'u2', provider: 'OURA', active: false }]),
    );
    const users = (await terra().getUsersByReferenceId('user-123')).getParsedResponse();
    expect(calls[0]?.query).toEqual({ reference_id: 'user-123' });
    expect(users.map((u) => [u.provider, u.active])).toEqual([
      ['GARMIN', true],
      ['OURA', false],
    ]);
  });

  it('getUsersInfo: POST /bulkUserInfo with a bare JSON array', async () => {
    const calls = record('post', '/bulkUserInfo', () => json([USER]));
    const users = (await terra().getUsersInfo([USER_ID, 'u2'])).getParsedResponse();
    expect(calls[0]).toMatchObject({ method: 'POST', body: [USER_ID, 'u2'] });
    expect(users).toHaveLength(1);
  });

  it('listUsers: no paging sends no page; with paging, page and per_page', async () => {
    const calls = record('get', '/subscriptions', (request) =>
      new URL(request.url).searchParams.has('page')
        ? json({ data: { next: null, max_page: 0, results: [USER] } })
        : json({ users: [USER] }),
    );
    const all = await terra().listUsers();
    const page = await terra().listUsers({ page: 2, perPage: 50 });
    expect(calls.map((c) => c.query)).toEqual([{}, { page: '2', per_page: '50' }]);
    expect(all.getParsedResponse().users).toHaveLength(1);
    expect(page.getParsedResponse().data?.results).toHaveLength(1);
  });

  it('iterateUsers: walks zero-based pages until next is null, yielding bound Users', async () => {
    const pages = [
      { next: 1, max_page: 2, results: [{ ...USER, user_id: 'a' }] },
      {
        next: 2,
        max_page: 2,
        results: [
          { ...USER, user_id: 'b' },
          { ...USER, user_id: 'c' },
        ],
      },
      { next: null, max_page: 2, results: [{ ...USER, user_id: 'd' }] },
    ];
    const calls = record('get', '/subscriptions', (request) =>
      json({ data: pages[Number(new URL(request.url).searchParams.get('page'))] }),
    );
    const ids: string[] = [];
    for await (const user of terra().iterateUsers({ perPage: 2 })) {
      expect(user).toBeInstanceOf(User);
      ids.push(user.user_id);
    }
    expect(ids).toEqual(['a', 'b', 'c', 'd']);
    expect(calls.map((c) => c.query)).toEqual([
      { page: '0', per_page: '2' },
      { page: '1', per_page: '2' },
      { page: '2', per_page: '2' },
    ]);
  });

  it('iterateUsers: stops when next does not move forward instead of looping', async () => {
    const calls = record('get', '/subscriptions', () => json({ data: { next: 0, max_page: 0, results: [USER] } }));
    const users = [];
    for await (const user of terra().iterateUsers()) users.push(user);
    expect(users).toHaveLength(1);
    expect(calls).toHaveLength(1);
  });

  it('fromUserId: fills a User from /userInfo, bound to the client', async () => {
    record('get', '/userInfo', () => json({ user: USER, status: 'success', is_authenticated: true }));
    const calls = record('get', '/sleep', () => json({ status: 'success', reference: 'ref-1' }));
    const user = await terra().fromUserId(USER_ID);
    expect(user.toJSON()).toEqual(USER);
    expect(user.scopeList).toEqual(['ACTIVITY_EXPORT', 'HEALTH_EXPORT']);
    await user.getSleep({ startDate: '2026-07-01' });
    expect(calls[0]?.query.user_id).toBe(USER_ID);
  });

  it('a User reads its own record and disconnects itself', async () => {
    const info = record('get', '/userInfo', () => json({ user: USER, status: 'success', is_authenticated: true }));
    const deauth = record('delete', '/auth/deauthenticateUser', () => json({ status: 'success' }));
    const client = terra();
    const user = new User(client, USER);
    expect((await user.getInfo()).getParsedResponse().is_authenticated).toBe(true);
    expect((await user.deauthenticate()).getParsedResponse().status).toBe('success');
    expect(info[0]?.query).toEqual({ user_id: USER_ID });
    expect(deauth[0]?.query).toEqual({ user_id: USER_ID });
  });
});

describe('data requests', () => {
  const endpoints = [
    ['activity', 'getActivityForUser', 'getActivity'],
    ['body', 'getBodyForUser', 'getBody'],
    ['daily', 'getDailyForUser', 'getDaily'],
    ['sleep', 'getSleepForUser', 'getSleep'],
    ['nutrition', 'getNutritionForUser', 'getNutrition'],
    ['menstruation', 'getMenstruationForUser', 'getMenstruation'],
  ] as const;

  for (const [type, clientMethod, userMethod] of endpoints) {
    it(`${clientMethod}: GET /${type} with dates, and to_webhook/with_samples always sent as true or false`, async () => {
      const calls = record('get', `/${type}`, () => json({ status: 'success', reference: 'r', type }));
      const client = terra();
      await client[clientMethod](USER_ID, { startDate: '2026-07-01' });
      await client[clientMethod](USER_ID, {
        startDate: new Date('2026-07-01T00:00:00Z'),
        endDate: 1782950400,
        toWebhook: false,
        withSamples: false,
      }).catch(() => undefined);
      await new User(client, USER)[userMethod]({ startDate: '2026-07-01', endDate: '2026-07-08', toWebhook: true });
      expect(calls.map((c) => c.query)).toEqual([
        { user_id: USER_ID, start_date: '2026-07-01', to_webhook: 'true', with_samples: 'true' },
        {
          user_id: USER_ID,
          start_date: '1782864000',
          end_date: '1782950400',
          to_webhook: 'false',
          with_samples: 'false',
        },
        {
          user_id: USER_ID,
          start_date: '2026-07-01',
          end_date: '2026-07-08',
          to_webhook: 'true',
          with_samples: 'true',
        },
      ]);
      expect(calls.every((c) => c.method === 'GET' && c.body === undefined)).toBe(true);
    });
  }

  it('getAthleteForUser: GET /athlete with user_id and to_webhook only', async () => {
    const calls = record('get', '/athlete', () => json({ status: 'success', reference: 'r' }));
    const client = terra();
    await client.getAthleteForUser(USER_ID);
    await new User(client, USER).getAthlete({ toWebhook: true });
    expect(calls.map((c) => c.query)).toEqual([
      { user_id: USER_ID, to_webhook: 'true' },
      { user_id: USER_ID, to_webhook: 'true' },
    ]);
  });

  it('encodes ids in queries', async () => {
    const calls = record('get', '/userInfo', () => json([]));
    await terra().getUsersByReferenceId('a&b=c d/é');
    expect(calls[0]?.query).toEqual({ reference_id: 'a&b=c d/é' });
  });
});
