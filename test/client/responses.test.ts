/**
 * What the client makes of Terra's answers: the parsed kind of a data response, chosen from the
 * request and the body's keys, and none of the legacy parser's mistakes (terra-api-facts.md 5.6).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type Activity,
  type Athlete,
  type DataResult,
  type DataResultFor,
  type DataReturned,
  type InlineDataResult,
  type NoDataReturned,
  type RequestProcessing,
  type SentToWebhook,
  TerraApiError,
  TerraNotFoundError,
  TerraValidationError,
  type WebhookDataResult,
} from '../../src/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { USER } from '../support/payloads.js';
import { json, record, terra } from './support.js';

const USER_ID = USER.user_id;
const range = { startDate: '2026-07-01', endDate: '2026-07-02' } as const;

describe('data responses', () => {
  it('toWebhook omitted: the acknowledgement is SentToWebhook and keeps its reference (not an empty DataReturned)', async () => {
    record('get', '/activity', () =>
      json({ status: 'success', type: 'activity', reference: 'ref-123', trace_id: 'ref-123', user: USER }),
    );
    const parsed = (await terra().getActivityForUser(USER_ID, range)).getParsedResponse();
    expectTypeOf(parsed).toEqualTypeOf<WebhookDataResult>();
    expect(parsed.kind).toBe('SentToWebhook');
    if (parsed.kind === 'SentToWebhook') {
      expect(parsed.reference).toBe('ref-123');
      expect(parsed.user?.user_id).toBe(USER_ID);
    }
  });

  it('keeps the message of a large request that will arrive in chunks', async () => {
    record('get', '/sleep', () =>
      json({ status: 'success', reference: 'ref-9', message: 'Large request: data will be sent in chunks' }),
    );
    const parsed = (
      await terra().getSleepForUser(USER_ID, { startDate: '2026-01-01', endDate: '2026-03-01' })
    ).getParsedResponse();
    expect(parsed).toMatchObject({
      kind: 'SentToWebhook',
      reference: 'ref-9',
      message: expect.stringContaining('chunks'),
    });
  });

  it('toWebhook: false: DataReturned with typed records, unknown keys kept at every depth', async () => {
    const record1 = { ...fixtures.activity({ samples: 5 }), brand_new_field: { kept: true } };
    record('get', '/activity', () => json({ user: USER, data: [record1], type: 'activity', extra_top: 1 }));
    const response = await terra().getActivityForUser(USER_ID, { ...range, toWebhook: false });
    const parsed = response.getParsedResponse();
    expectTypeOf(parsed).toEqualTypeOf<InlineDataResult<Activity[]>>();
    expect(parsed.kind).toBe('DataReturned');
    if (parsed.kind === 'DataReturned') {
      expectTypeOf(parsed.data).toEqualTypeOf<Activity[]>();
      expect(parsed.data[0]?.metadata.type).toBe(8);
      expect(parsed.data[0]).toHaveProperty('brand_new_field', { kept: true });
      expect(parsed.user?.provider).toBe('GARMIN');
      expect(parsed.extra_top).toBe(1);
    }
    expect(response.getJson()).toEqual({ user: USER, data: [record1], type: 'activity', extra_top: 1 });
  });

  it('toWebhook: false with no records: DataReturned with an empty list', async () => {
    record('get', '/daily', () => json({ user: USER, data: [], type: 'daily' }));
    const parsed = (await terra().getDailyForUser(USER_ID, { ...range, toWebhook: false })).getParsedResponse();
    expect(parsed).toMatchObject({ kind: 'DataReturned', data: [] });
  });

  it('athlete: DataReturned holds the one profile from `athlete` (not an empty data list)', async () => {
    record('get', '/athlete', () =>
      json({ athlete: { first_name: 'Ada', last_name: 'L', age: 36 }, type: 'athlete', user: USER }),
    );
    const parsed = (await terra().getAthleteForUser(USER_ID, { toWebhook: false })).getParsedResponse();
    expect(parsed.kind).toBe('DataReturned');
    if (parsed.kind === 'DataReturned') {
      expectTypeOf(parsed.data).toEqualTypeOf<Athlete>();
      expect(parsed.data.first_name).toBe('Ada');
    }
  });

  it('athlete: a body without the profile is a TerraValidationError', async () => {
    record('get', '/athlete', () => json({ type: 'athlete', user: USER }));
    await expect(terra().getAthleteForUser(USER_ID, { toWebhook: false })).rejects.toThrow(
      /at \$\.athlete: expected object, but it is missing/,
    );
  });

  it('"not available" is NoDataReturned, whichever toWebhook was asked', async () => {
    record('get', '/nutrition', () =>
      json({ status: 'not_available', message: 'Not available from provider', user: USER }),
    );
    for (const toWebhook of [true, false]) {
      const parsed = (await terra().getNutritionForUser(USER_ID, { ...range, toWebhook })).getParsedResponse();
      expect(parsed).toMatchObject({ kind: 'NoDataReturned', status: 'not_available' });
      if (parsed.kind === 'NoDataReturned') expectTypeOf(parsed).toEqualTypeOf<NoDataReturned>();
    }
  });

  it('"request is processing" is RequestProcessing and keeps the retry hint, in either spelling', async () => {
    let body: Record<string, unknown> = { retry_after_seconds: 30, message: 'processing', type: 'body', user: USER };
    record('get', '/body', () => json(body));
    const first = (await terra().getBodyForUser(USER_ID, { ...range, toWebhook: false })).getParsedResponse();
    expect(first).toMatchObject({ kind: 'RequestProcessing', retry_after_seconds: 30 });
    body = { retry_after: 12, message: 'processing' };
    const second = (await terra().getBodyForUser(USER_ID, range)).getParsedResponse();
    expect(second).toMatchObject({ kind: 'RequestProcessing', retry_after_seconds: 12 });
    expect(second).not.toHaveProperty('retry_after');
    if (second.kind === 'RequestProcessing') expectTypeOf(second).toEqualTypeOf<RequestProcessing>();
  });

  it('toWebhook as a boolean variable gives the full union', async () => {
    record('get', '/menstruation', () => json({ status: 'success', reference: 'r' }));
    const toWebhook = Math.random() < 2;
    const parsed = (await terra().getMenstruationForUser(USER_ID, { ...range, toWebhook })).getParsedResponse();
    expectTypeOf(parsed.kind).toEqualTypeOf<
      'DataReturned' | 'SentToWebhook' | 'NoDataReturned' | 'RequestProcessing'
    >();
    expectTypeOf<Extract<typeof parsed, { kind: 'SentToWebhook' }>>().toEqualTypeOf<SentToWebhook>();
    expectTypeOf<Extract<typeof parsed, { kind: 'DataReturned' }>>().toMatchTypeOf<DataReturned<unknown>>();
  });

  it('an acknowledgement where data was asked inline is a TerraValidationError, not a half-parsed object', async () => {
    record('get', '/activity', () => json({ status: 'success', reference: 'ref-1' }));
    await expect(terra().getActivityForUser(USER_ID, { ...range, toWebhook: false })).rejects.toThrow(
      /toWebhook: false.*send it to the webhook/,
    );
  });

  it('a record that drifts from its schema comes back with the drift (paths, never values); getJson() is the body as sent', async () => {
    const drifted = fixtures.activity({ samples: 3 }) as unknown as { metadata: Record<string, unknown> };
    drifted.metadata.start_time = 1_782_864_000;
    const body = { user: USER, data: [drifted], type: 'activity' };
    record('get', '/activity', () => json(body));
    const response = await terra().getActivityForUser(USER_ID, { ...range, toWebhook: false });
    expect(response.drift).toEqual([
      {
        path: '$.data[0].metadata.start_time',
        pathSegments: ['data', 0, 'metadata', 'start_time'],
        code: 'invalid_type',
        message: 'expected string, received number',
      },
    ]);
    expect(JSON.stringify(response.drift)).not.toContain('1782864000');
    expect(response.getJson()).toEqual(body);
    const parsed = response.getParsedResponse();
    expect(parsed.kind).toBe('DataReturned');
    if (parsed.kind === 'DataReturned') expect(parsed.data).toEqual([drifted]);
  });

  it('a body that matches its schema has no drift; neither has any answer other than data', async () => {
    record('get', '/activity', () => json({ user: USER, data: [fixtures.activity({ samples: 3 })] }));
    expect((await terra().getActivityForUser(USER_ID, { ...range, toWebhook: false })).drift).toEqual([]);
    record('get', '/userInfo', () => json({ status: 'success', user: USER, is_authenticated: true }));
    expect((await terra().getUserInfo(USER_ID)).drift).toEqual([]);
  });

  it('a record that is not an object rejects the call: `data` is what identifies the answer', async () => {
    record('get', '/activity', () => json({ user: USER, data: [fixtures.activity({ samples: 3 }), 'oops'] }));
    const error = await terra()
      .getActivityForUser(USER_ID, { ...range, toWebhook: false })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraValidationError);
    expect((error as Error).message).toBe(
      'The GET /activity response does not match the ActivityCollection schema (1 issue): ' +
        'at $.data[1]: expected object, received string',
    );
    expect((error as Error).message).not.toContain('oops');
  });

  it('`data` that is not an array rejects the call', async () => {
    record('get', '/sleep', () => json({ user: USER, data: { not: 'a list' } }));
    await expect(terra().getSleepForUser(USER_ID, { ...range, toWebhook: false })).rejects.toThrow(
      /at \$\.data: expected array, received object/,
    );
  });
});

describe('result types', () => {
  it('narrow from the toWebhook of the options', () => {
    type R = number[];
    expectTypeOf<DataResultFor<{ readonly startDate: '2026-07-01' }, R>>().toEqualTypeOf<WebhookDataResult>();
    expectTypeOf<DataResultFor<{ startDate: string; toWebhook: true }, R>>().toEqualTypeOf<WebhookDataResult>();
    expectTypeOf<DataResultFor<{ startDate: string; toWebhook: undefined }, R>>().toEqualTypeOf<WebhookDataResult>();
    expectTypeOf<DataResultFor<{ startDate: string; toWebhook: false }, R>>().toEqualTypeOf<InlineDataResult<R>>();
    expectTypeOf<DataResultFor<{ startDate: string; toWebhook: boolean }, R>>().toEqualTypeOf<DataResult<R>>();
    expectTypeOf<DataResultFor<{ startDate: string; toWebhook?: boolean }, R>>().toEqualTypeOf<DataResult<R>>();
    expectTypeOf<DataResultFor<Record<never, never>, R>>().toEqualTypeOf<WebhookDataResult>();
  });
});

describe('other responses', () => {
  it('a 200 whose body is not JSON is a TerraValidationError', async () => {
    record('get', '/integrations', () => new Response('<html>maintenance</html>', { status: 200 }));
    const error = await terra()
      .listProviders()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraValidationError);
    expect((error as Error).message).toBe(
      'The GET /integrations response does not match its schema (1 issue): at $: expected a JSON body',
    );
  });

  it('a 200 with {"status": "error", message} is a TerraApiError carrying the message', async () => {
    record('post', '/auth/generateWidgetSession', () => json({ status: 'error', message: 'no providers enabled' }));
    const error = await terra()
      .generateWidgetSession()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraApiError);
    expect((error as TerraApiError).detail).toBe('no providers enabled');
    expect((error as Error).message).toBe('POST /auth/generateWidgetSession failed with 200: no providers enabled');
  });

  it('fromUserId: an unknown id is TerraNotFoundError, whether Terra answers 404, 200 with status error, or no user', async () => {
    const bodies: [number, unknown][] = [
      [404, { type: 'about:blank', title: 'not found', instance: '/userInfo', detail: 'user not found' }],
      [200, { status: 'error', message: 'User not found' }],
      [200, { status: 'success', is_authenticated: false }],
    ];
    let i = 0;
    record('get', '/userInfo', () => {
      const [status, body] = bodies[i++] as [number, unknown];
      return json(body, { status });
    });
    for (const detail of ['user not found', 'User not found', 'Terra returned no user for this user id']) {
      const error = await terra()
        .fromUserId('nobody')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TerraNotFoundError);
      expect((error as TerraNotFoundError).detail).toBe(detail);
    }
  });

  it('getUsersByReferenceId also accepts a {users: [...]} wrapper', async () => {
    record('get', '/userInfo', () => json({ users: [USER] }));
    expect((await terra().getUsersByReferenceId('user-123')).getParsedResponse()).toHaveLength(1);
  });

  it('exposes status, headers, request id, raw body, dtype and rate-limit state', async () => {
    const body = JSON.stringify({ status: 'success', reference: 'r' });
    record(
      'get',
      '/daily',
      () =>
        new Response(body, {
          headers: {
            'content-type': 'application/json',
            'x-request-id': 'req-42',
            'X-Terra-RateLimit-Limit': '6000',
            'X-Terra-RateLimit-Remaining': '5990',
            'X-Terra-RateLimit-Reset-After': '1800',
          },
        }),
    );
    const response = await terra().getDailyForUser(USER_ID, range);
    expect(response).toMatchObject({ status: 200, requestId: 'req-42', rawBody: body, dtype: 'daily' });
    expect(response.headers.get('x-terra-ratelimit-remaining')).toBe('5990');
    expect(response.rateLimit).toEqual({ limit: 6000, remaining: 5990, resetAfterMs: 1_800_000 });
  });

  it('reports no rate-limit state when Terra sent none', async () => {
    record('get', '/integrations', () => json({ providers: [] }));
    expect((await terra().listProviders()).rateLimit).toBeUndefined();
  });
});
