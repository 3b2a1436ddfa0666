/**
 * The sandbox's API through the real client over loopback: every endpoint of the client, with
 * Terra's semantics and error bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Terra,
  TerraAuthenticationError,
  TerraBadRequestError,
  TerraNotFoundError,
  TerraRateLimitError,
} from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { until } from '../support/wait.js';
import { type Endpoint, SECRET, startEndpoint } from './support.js';

let sandbox: Sandbox;
let endpoint: Endpoint;
let terra: Terra;
const credentials = { apiKey: 'sandbox-key', devId: 'sandbox-dev' };

beforeAll(async () => {
  endpoint = await startEndpoint();
  sandbox = await startSandbox({ ...credentials, webhookUrl: endpoint.url, secret: SECRET });
  terra = new Terra({ ...credentials, baseUrl: sandbox.baseUrl, maxRetries: 0 });
});
afterAll(async () => {
  await sandbox.close();
  await endpoint.close();
});

/** Completes a widget session or authentication link as a person's browser would. */
async function authorize(url: string, provider: string, action = 'authorize') {
  const response = await fetch(url, {
    method: 'POST',
    body: new URLSearchParams({ provider, action }),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location') ?? '' };
}

const problemOf = async (response: Response) => ({
  status: response.status,
  type: response.headers.get('content-type'),
  body: (await response.json()) as Record<string, unknown>,
});

describe('the sandbox API', () => {
  it('listens on 127.0.0.1 and serves the API under /api/v2', () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.baseUrl).toBe(`${sandbox.url}/api/v2`);
    expect(sandbox.emulator.baseUrl).toBe(sandbox.baseUrl);
  });

  it('checks credentials: 401 without them, 403 with the wrong ones, as Problem bodies', async () => {
    const missing = await problemOf(await fetch(`${sandbox.baseUrl}/userInfo?user_id=x`));
    expect(missing).toEqual({
      status: 401,
      type: 'application/problem+json',
      body: {
        type: 'about:blank',
        title: 'unauthorized',
        instance: '/api/v2/userInfo?user_id=x',
        detail: 'dev-id or x-api-key headers are missing',
      },
    });
    const wrong = new Terra({ ...credentials, apiKey: 'other', baseUrl: sandbox.baseUrl, maxRetries: 0 });
    const error = await wrong.getUserInfo('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraAuthenticationError);
    expect((error as TerraAuthenticationError).status).toBe(403);
  });

  it('lists providers, and the detailed list with or without SDK-only ones, with only a dev-id', async () => {
    const providers = (await terra.listProviders()).getParsedResponse();
    expect(providers.providers).toEqual(expect.arrayContaining(['GARMIN', 'FITBIT', 'OURA', 'WHOOP']));
    expect(providers.sdk_providers).toEqual(['APPLE']);
    const detailed = (await terra.listProvidersDetailed({ sdk: true })).getParsedResponse();
    expect(detailed.providers?.find((p) => p.provider === 'APPLE')).toMatchObject({ setup: 'SDK', enabled: true });
    const strava = (await terra.listProvidersDetailed())
      .getParsedResponse()
      .providers?.find((p) => p.provider === 'STRAVA');
    expect(strava?.types).toMatchObject({ activity: true, sleep: false });
    const devOnly = await fetch(`${sandbox.baseUrl}/integrations`, { headers: { 'dev-id': credentials.devId } });
    expect(devOnly.status).toBe(200);
  });

  it('widget session: a page to pick a provider, its consent page, then a redirect to the success URL', async () => {
    const session = (
      await terra.generateWidgetSession({
        referenceId: 'widget-person',
        providers: ['GARMIN', 'WHOOP'],
        authSuccessRedirectUrl: 'https://app.example/connected',
        authFailureRedirectUrl: 'https://app.example/failed',
      })
    ).getParsedResponse();
    expect(session.url).toBe(`${sandbox.url}/widget/${session.session_id}`);
    expect(session.expires_in).toBe(900);
    const picker = await fetch(session.url as string);
    expect(picker.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const page = await picker.text();
    expect(page).toContain('value="GARMIN"');
    expect(page).toContain('value="WHOOP"');
    expect(page).not.toContain('value="OURA"');
    expect(await (await fetch(`${session.url}?provider=WHOOP`)).text()).toContain('<h1>Authorize WHOOP</h1>');
    expect((await fetch(`${session.url}?provider=OURA`)).status).toBe(400);

    const done = await authorize(session.url as string, 'WHOOP');
    expect(done.status).toBe(303);
    const location = new URL(done.location);
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example/connected');
    expect(location.searchParams.get('resource')).toBe('WHOOP');
    expect(location.searchParams.get('reference_id')).toBe('widget-person');
    const user = await terra.fromUserId(location.searchParams.get('user_id') as string);
    expect(user).toMatchObject({ provider: 'WHOOP', reference_id: 'widget-person', active: true });
    expect((await fetch(session.url as string)).status).toBe(410);
  });

  it('widget session: refusing redirects to the failure URL and connects nothing', async () => {
    const session = (
      await terra.generateWidgetSession({
        referenceId: 'refusing-person',
        authFailureRedirectUrl: 'https://app.example/failed',
      })
    ).getParsedResponse();
    const done = await authorize(session.url as string, 'GARMIN', 'cancel');
    const location = new URL(done.location);
    expect(`${location.origin}${location.pathname}`).toBe('https://app.example/failed');
    expect(location.searchParams.get('reason')).toBe('access_denied');
    expect((await terra.getUsersByReferenceId('refusing-person')).getParsedResponse()).toEqual([]);
    await until(
      () => endpoint.verified.some((v) => v.event.type === 'auth_cancelled'),
      2_000,
      'the auth_cancelled webhook',
    );
  });

  it('widget session: unknown providers are a 400 with the reason', async () => {
    const error = await terra.generateWidgetSession({ providers: ['GARMIN', 'NOKIA3310'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraBadRequestError);
    expect((error as Error).message).toContain('unknown providers: NOKIA3310');
    expect((await fetch(`${sandbox.url}/widget/no-such-session`)).status).toBe(404);
  });

  it('authenticateUser: an auth URL on the sandbox whose consent creates the promised user', async () => {
    const link = (
      await terra.generateAuthenticationUrl({ resource: 'FITBIT', referenceId: 'direct-person' })
    ).getParsedResponse();
    expect(link.auth_url).toMatch(new RegExp(`^${sandbox.url}/connect/[0-9a-f-]{36}$`));
    expect(await (await fetch(link.auth_url as string)).text()).toContain('<h1>Authorize Fitbit</h1>');
    const done = await authorize(link.auth_url as string, 'FITBIT');
    expect(done.status).toBe(200); // no redirect URL was given: the page says it is connected
    const info = (await terra.getUserInfo(link.user_id as string)).getParsedResponse();
    expect(info).toMatchObject({ is_authenticated: true, user: { provider: 'FITBIT', reference_id: 'direct-person' } });
    const error = await terra.generateAuthenticationUrl({ resource: 'APPLE' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraBadRequestError);
    expect((error as Error).message).toContain('unknown resource: APPLE');
  });

  it('generateAuthToken: a short-lived token for the mobile SDKs', async () => {
    const token = (await terra.generateAuthToken()).getParsedResponse();
    expect(token.token).toMatch(/^[0-9a-f]{32}$/);
    expect(token.expires_in).toBe(180);
  });

  it('users: by id, by reference id (every provider), in bulk, paged and iterated', async () => {
    const a = sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'users-person' });
    const b = sandbox.emulator.connect({ provider: 'OURA', referenceId: 'users-person' });
    expect((await terra.getUserInfo(a.user_id)).getParsedResponse().user?.user_id).toBe(a.user_id);
    const byReference = (await terra.getUsersByReferenceId('users-person')).getParsedResponse();
    expect(byReference.map((u) => u.provider).sort()).toEqual(['GARMIN', 'OURA']);
    const bulk = (await terra.getUsersInfo([a.user_id, 'unknown', b.user_id])).getParsedResponse();
    expect(bulk.map((u) => u.user_id)).toEqual([a.user_id, b.user_id]);
    await expect(terra.getUsersInfo(['unknown'])).rejects.toBeInstanceOf(TerraNotFoundError);

    const all = sandbox.emulator.users().map((u) => u.user_id);
    const legacy = (await terra.listUsers()).getParsedResponse();
    expect(legacy.users?.map((u) => u.user_id)).toEqual(all);
    const page = (await terra.listUsers({ page: 0, perPage: 2 })).getParsedResponse();
    expect(page.data?.results).toHaveLength(2);
    expect(page.data?.max_page).toBe(Math.ceil(all.length / 2) - 1);
    const iterated: string[] = [];
    for await (const user of terra.iterateUsers({ perPage: 2 })) iterated.push(user.user_id);
    expect(iterated).toEqual(all);
  });

  it('deauthenticateUser: the connection is gone, and a second time is a 404', async () => {
    const user = sandbox.emulator.connect({ provider: 'WITHINGS', referenceId: 'leaving-person' });
    expect((await terra.deauthenticateUser(user.user_id)).getParsedResponse().status).toBe('success');
    await expect(terra.getUserInfo(user.user_id)).rejects.toBeInstanceOf(TerraNotFoundError);
    await expect(terra.deauthenticateUser(user.user_id)).rejects.toBeInstanceOf(TerraNotFoundError);
  });

  it('unknown endpoints and bad parameters get Problem bodies', async () => {
    const headers = { 'x-api-key': credentials.apiKey, 'dev-id': credentials.devId };
    const user = sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'bad-params' });
    expect(await problemOf(await fetch(`${sandbox.baseUrl}/nope`, { headers }))).toMatchObject({
      status: 404,
      type: 'application/problem+json',
      body: { title: 'not found', detail: 'no such endpoint: GET /nope' },
    });
    const badDate = await fetch(`${sandbox.baseUrl}/daily?user_id=${user.user_id}&start_date=2026-02-30`, { headers });
    expect(await problemOf(badDate)).toMatchObject({ status: 400, body: { detail: 'invalid start_date' } });
    const backwards = await fetch(
      `${sandbox.baseUrl}/daily?user_id=${user.user_id}&start_date=2026-07-02&end_date=2026-07-01`,
      { headers },
    );
    expect(await problemOf(backwards)).toMatchObject({
      status: 400,
      body: { detail: 'end_date is before start_date' },
    });
    const bulk = await fetch(`${sandbox.baseUrl}/bulkUserInfo`, { method: 'POST', headers, body: '{"ids": 1}' });
    expect(await problemOf(bulk)).toMatchObject({ status: 400 });
    const noId = await fetch(`${sandbox.baseUrl}/userInfo`, { headers });
    expect(await problemOf(noId)).toMatchObject({
      status: 400,
      body: { detail: 'user_id or reference_id is required' },
    });
  });

  it('serves a short status page at its root', async () => {
    const root = await fetch(`${sandbox.url}/`);
    expect(await root.text()).toContain(`API base URL: ${sandbox.baseUrl}`);
  });
});

describe('data endpoints', () => {
  const range = { startDate: '2026-07-01', endDate: '2026-07-08' } as const;

  it('return deterministic records of the user and range when toWebhook is false', async () => {
    const user = sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'data-person' });
    const cases = [
      ['daily', terra.getDailyForUser.bind(terra)],
      ['sleep', terra.getSleepForUser.bind(terra)],
      ['body', terra.getBodyForUser.bind(terra)],
      ['menstruation', terra.getMenstruationForUser.bind(terra)],
    ] as const;
    for (const [type, get] of cases) {
      const result = (await get(user.user_id, { ...range, toWebhook: false })).getParsedResponse();
      expect(result.kind, type).toBe('DataReturned');
      if (result.kind !== 'DataReturned') continue;
      expect(result.data, type).toHaveLength(7);
      expect(result.user?.user_id).toBe(user.user_id);
      const again = (await get(user.user_id, { ...range, toWebhook: false })).getJson();
      expect(again, type).toEqual((await get(user.user_id, { ...range, toWebhook: false })).getJson());
    }
  });

  it('activity: some days have a workout; each starts inside the range, samples only when asked', async () => {
    const user = sandbox.emulator.connect({ provider: 'STRAVA', referenceId: 'runner' });
    const full = (
      await terra.getActivityForUser(user.user_id, { ...range, toWebhook: false, withSamples: true })
    ).getParsedResponse();
    if (full.kind !== 'DataReturned') throw new Error(`expected data, got ${full.kind}`);
    expect(full.data.length).toBeGreaterThan(0);
    expect(full.data.length).toBeLessThanOrEqual(7);
    for (const activity of full.data) expect(activity.metadata.start_time.slice(0, 10) >= '2026-07-01').toBe(true);
    expect(full.data[0]?.heart_rate_data?.detailed?.hr_samples?.length).toBeGreaterThan(1000);
    const lean = (
      await terra.getActivityForUser(user.user_id, { ...range, toWebhook: false, withSamples: false })
    ).getParsedResponse();
    if (lean.kind !== 'DataReturned') throw new Error(`expected data, got ${lean.kind}`);
    expect(lean.data.map((a) => a.metadata.summary_id)).toEqual(full.data.map((a) => a.metadata.summary_id));
    expect(lean.data[0]?.heart_rate_data?.detailed?.hr_samples).toBeUndefined();
  });

  it('nutrition and athlete', async () => {
    const user = sandbox.emulator.connect({ provider: 'FITBIT', referenceId: 'eater' });
    const meals = (
      await terra.getNutritionForUser(user.user_id, { startDate: '2026-07-01', toWebhook: false })
    ).getParsedResponse();
    expect(meals.kind === 'DataReturned' && meals.data[0]?.meals?.length).toBe(4);
    const profile = (await terra.getAthleteForUser(user.user_id, { toWebhook: false })).getParsedResponse();
    expect(profile.kind).toBe('DataReturned');
    if (profile.kind === 'DataReturned') expect(profile.data.first_name).toEqual(expect.any(String));
  });

  it('the same seed gives the same data in another sandbox; another seed, other data', async () => {
    const read = async (seed: number) => {
      const other = await startSandbox({ seed });
      try {
        const user = other.emulator.connect({ provider: 'OURA', referenceId: 'seeded' });
        const client = new Terra({ ...credentials, baseUrl: other.baseUrl, maxRetries: 0 });
        const body = (await client.getSleepForUser(user.user_id, { ...range, toWebhook: false })).getJson();
        return { userId: user.user_id, data: (body as { data: unknown }).data };
      } finally {
        await other.close();
      }
    };
    const [a, b, c] = [await read(5), await read(5), await read(6)];
    expect(b).toEqual(a);
    expect(c.userId).not.toBe(a.userId);
    expect(c.data).not.toEqual(a.data);
  });

  it('a data type the provider does not have is a 400; an unknown user a 404', async () => {
    const user = sandbox.emulator.connect({ provider: 'STRAVA', referenceId: 'strava-only' });
    const error = await terra.getSleepForUser(user.user_id, { ...range, toWebhook: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraBadRequestError);
    expect((error as Error).message).toContain('connection does not support requested data type');
    await expect(terra.getDailyForUser('no-such-user', { ...range, toWebhook: false })).rejects.toBeInstanceOf(
      TerraNotFoundError,
    );
  });
});

describe('rate limits', () => {
  it('r1: a range over 1,825 days is a 429 naming r1, without Retry-After', async () => {
    const user = sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'greedy' });
    const error = await terra
      .getDailyForUser(user.user_id, { startDate: '2020-01-01', endDate: '2025-01-01', toWebhook: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraRateLimitError);
    expect(error).toMatchObject({
      status: 429,
      rule: 'r1',
      retryAfterMs: undefined,
      body: { detail: 'rate limit exceeded' },
    });
  });

  it('r1 boundary and r2: the rolling hour of requested days, with the X-Terra-RateLimit headers', async () => {
    const limited = await startSandbox({ maxSpanDays: 10, daysPerHour: 12 });
    try {
      const client = new Terra({ ...credentials, baseUrl: limited.baseUrl, maxRetries: 0 });
      const user = limited.emulator.connect({ provider: 'OURA', referenceId: 'limited' });
      const ten = await client.getDailyForUser(user.user_id, {
        startDate: '2026-07-01',
        endDate: '2026-07-11',
        toWebhook: false,
      });
      expect(ten.rateLimit).toMatchObject({ limit: 12, remaining: 2 });
      expect(ten.headers.get('x-terra-ratelimit-reset-after')).toMatch(/^\d+$/);
      const eleven = await client
        .getDailyForUser(user.user_id, { startDate: '2026-07-01', endDate: '2026-07-12', toWebhook: false })
        .catch((e: unknown) => e);
      expect(eleven).toMatchObject({ rule: 'r1' });
      const three = await client
        .getDailyForUser(user.user_id, { startDate: '2026-07-01', endDate: '2026-07-04', toWebhook: false })
        .catch((e: unknown) => e);
      expect(three).toBeInstanceOf(TerraRateLimitError);
      expect(three).toMatchObject({ rule: 'r2', limit: 12, remaining: 2 });
      expect((three as TerraRateLimitError).retryAfterMs).toBeGreaterThan(3_500_000);
      // Another user has a budget of its own.
      const other = limited.emulator.connect({ provider: 'OURA', referenceId: 'other' });
      const fine = await client.getDailyForUser(other.user_id, { startDate: '2026-07-01', toWebhook: false });
      expect(fine.rateLimit?.remaining).toBe(11);
    } finally {
      await limited.close();
    }
  });
});
