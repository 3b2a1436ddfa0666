/**
 * Bound users from every listing, changing a user, the data writes and deletes, the escape hatch
 * (`terra.request`) and `extraQuery`.
 */

import { describe, expect, it } from 'vitest';
import * as zod from 'zod';
import * as z from 'zod/mini';
import {
  LabReportSessionSchema,
  TerraInvalidArgumentError,
  TerraNotFoundError,
  TerraServerError,
  TerraValidationError,
  User,
} from '../../src/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { SESSION_ID, USER, WORKOUT_ID } from '../support/payloads.js';
import { API_KEY, DEV_ID, json, record, terra } from './support.js';

const USER_ID = USER.user_id;
const OTHER = fixtures.user({ provider: 'OURA', referenceId: 'user-123', seed: 2 });

describe('methods that return users give bound User objects; getJson() stays the wire JSON', () => {
  it('listUsers(), with and without paging, and iterateUsers', async () => {
    record('get', '/subscriptions', (request) =>
      new URL(request.url).searchParams.has('page')
        ? json({ data: { results: [USER, OTHER], next: null, max_page: 0 } })
        : json({ users: [USER, OTHER] }),
    );
    const client = terra();
    const all = await client.listUsers();
    const users = all.getParsedResponse().users ?? [];
    expect(users.map((u) => u instanceof User)).toEqual([true, true]);
    expect(users.map((u) => u.user_id)).toEqual([USER_ID, OTHER.user_id]);
    expect(all.getJson()).toEqual({ users: [USER, OTHER] });
    expect((all.getJson() as { users: unknown[] }).users[0]).not.toBeInstanceOf(User);

    const page = await client.listUsers({ page: 0 });
    const data = page.getParsedResponse().data;
    expect(data?.results?.every((u) => u instanceof User)).toBe(true);
    expect(data?.next).toBeNull();
    expect(page.getJson()).toEqual({ data: { results: [USER, OTHER], next: null, max_page: 0 } });

    const iterated: User[] = [];
    for await (const user of client.iterateUsers()) iterated.push(user);
    expect(iterated.map((u) => u.provider)).toEqual(['GARMIN', 'OURA']);
  });

  it('getUsersByReferenceId and getUsersInfo, whose users call the API bound to the client', async () => {
    record('get', '/userInfo', (request) =>
      new URL(request.url).searchParams.has('reference_id')
        ? json([USER, OTHER])
        : json({ user: USER, status: 'success', is_authenticated: true }),
    );
    record('post', '/bulkUserInfo', () => json([OTHER]));
    const client = terra();
    const byReference = await client.getUsersByReferenceId('user-123');
    const [first] = byReference.getParsedResponse();
    expect(first).toBeInstanceOf(User);
    expect(byReference.getJson()).toEqual([USER, OTHER]);
    expect((await (first as User).getInfo()).getParsedResponse().is_authenticated).toBe(true);
    const bulk = (await client.getUsersInfo([OTHER.user_id])).getParsedResponse();
    expect(bulk[0]).toBeInstanceOf(User);
    expect(bulk[0]?.scopeList.length).toBeGreaterThan(0);
  });
});

describe('modifyUser', () => {
  it('PATCH /users/{user_id} with only the fields given; the answer’s user is bound', async () => {
    const calls = record('patch', `/users/${USER_ID}`, () =>
      json({ user: { ...USER, reference_id: 'user-456', active: false }, status: 'success' }),
    );
    const client = terra();
    const response = await client.modifyUser(USER_ID, { referenceId: 'user-456', active: false });
    const { user, status } = response.getParsedResponse();
    expect(status).toBe('success');
    expect(user).toBeInstanceOf(User);
    expect(user?.reference_id).toBe('user-456');
    await new User(client, USER).modify({ active: true });
    expect(calls.map((c) => [c.method, c.body])).toEqual([
      ['PATCH', { reference_id: 'user-456', active: false }],
      ['PATCH', { active: true }],
    ]);
  });

  it('refuses an empty change before any request; 404 for an unknown user', async () => {
    const calls = record('patch', `/users/${USER_ID}`, () =>
      json({ type: 'about:blank', title: 'not found', instance: '/x', detail: 'user not found' }, { status: 404 }),
    );
    const empty = await terra()
      .modifyUser(USER_ID, {})
      .catch((e: unknown) => e);
    expect(empty).toBeInstanceOf(TerraInvalidArgumentError);
    expect((empty as Error).message).toContain('nothing to change');
    expect(calls).toHaveLength(0);
    expect(
      await terra()
        .modifyUser(USER_ID, { active: true })
        .catch((e: unknown) => e),
    ).toBeInstanceOf(TerraNotFoundError);
  });
});

describe('data writes and deletes', () => {
  it('postActivity, postBody, postNutrition send {data: [...]} and no user_id, as Terra’s own SDKs do', async () => {
    const answer = () => json({ log_ids: ['l-1'], message: 'Data posted successfully' });
    const calls = [
      record('post', '/activity', answer),
      record('post', '/body', answer),
      record('post', '/nutrition', answer),
    ];
    const activity = fixtures.activity({ samples: 10 });
    const body = fixtures.body();
    const meal = fixtures.nutrition();
    const client = terra();
    const written = await client.postActivity([activity]);
    await client.postBody([body]);
    await client.postNutrition([meal]);
    expect(written.getParsedResponse().log_ids).toEqual(['l-1']);
    expect(calls.map((c) => [c[0]?.query, c[0]?.body])).toEqual([
      [{}, { data: [activity] }],
      [{}, { data: [body] }],
      [{}, { data: [meal] }],
    ]);
  });

  it('extraQuery adds a user_id to a write if Terra asks for one', async () => {
    const calls = record('post', '/activity', () => json({ log_ids: ['l-1'] }));
    await terra().postActivity([fixtures.activity({ samples: 1 })], { extraQuery: { user_id: USER_ID } });
    expect(calls[0]?.query).toEqual({ user_id: USER_ID });
  });

  it('each record is checked before anything is sent, naming its path', async () => {
    const calls = record('post', '/activity', () => json({}));
    const broken = { ...fixtures.activity({ samples: 1 }), metadata: { type: 'run' } };
    const error = await terra()
      .postActivity([fixtures.activity({ samples: 1 }), broken as never])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    expect((error as TerraInvalidArgumentError).argument).toMatch(/^activities\[1\]\.metadata/);
    expect(
      await terra()
        .postBody([])
        .catch((e: unknown) => e),
    ).toBeInstanceOf(TerraInvalidArgumentError);
    expect(calls).toHaveLength(0);
  });

  it('deleteBody sends {log_ids}, deleteNutrition {data}: Terra’s two keys for the same list', async () => {
    const answer = () => json({ user: USER, processed_data: [{ id: 'l-1', response_code: 200 }] });
    const body = record('delete', '/body', answer);
    const nutrition = record('delete', '/nutrition', answer);
    const deleted = await terra().deleteBody(USER_ID, ['l-1']);
    await terra().deleteNutrition(new User(terra(), USER), ['n-1', 'n-2']);
    expect(deleted.getParsedResponse().processed_data).toEqual([{ id: 'l-1', response_code: 200 }]);
    expect(body[0]).toMatchObject({ query: { user_id: USER_ID }, body: { log_ids: ['l-1'] } });
    expect(nutrition[0]).toMatchObject({ query: { user_id: USER_ID }, body: { data: ['n-1', 'n-2'] } });
  });
});

describe('terra.request, the escape hatch', () => {
  it('sends any method, path, query and JSON body with the credentials; validates with a schema when given', async () => {
    const calls = record('post', `/lab-reports/${SESSION_ID}/reprocess`, () =>
      json({ session_id: SESSION_ID, current_status: 'processing' }, { status: 202 }),
    );
    const schema = z.object({ session_id: z.string(), current_status: z.string() });
    const response = await terra().request({
      method: 'POST',
      path: `/lab-reports/${SESSION_ID}/reprocess`,
      query: { dry_run: false, priority: 2, note: 'again' },
      body: { reason: 'new template' },
      schema,
    });
    expect(response.status).toBe(202);
    expect(response.dtype).toBe('request');
    const parsed: { session_id: string } = response.getParsedResponse();
    expect(parsed.session_id).toBe(SESSION_ID);
    expect(calls[0]).toMatchObject({
      method: 'POST',
      query: { dry_run: 'false', priority: '2', note: 'again' },
      body: { reason: 'new template' },
      headers: { 'x-api-key': API_KEY, 'dev-id': DEV_ID, 'content-type': 'application/json' },
    });
  });

  it('without a schema gives the JSON; with one that does not match, a TerraValidationError; full zod schemas work too', async () => {
    record('get', `/workouts/${WORKOUT_ID}`, () => json({ name: 'x' }));
    const raw = await terra().request({ method: 'GET', path: `/workouts/${WORKOUT_ID}` });
    expect(raw.getParsedResponse()).toEqual({ name: 'x' });
    const mismatch = await terra()
      .request({ method: 'GET', path: `/workouts/${WORKOUT_ID}`, schema: LabReportSessionSchema })
      .catch((e: unknown) => e);
    expect(mismatch).toBeInstanceOf(TerraValidationError);
    expect((mismatch as TerraValidationError).model).toBe('LabReportSession');
    const full = await terra().request({
      method: 'GET',
      path: `/workouts/${WORKOUT_ID}`,
      schema: zod.object({ name: zod.string() }),
    });
    expect(full.getParsedResponse().name).toBe('x');
  });

  it('retries a GET, never a POST; errors are typed', async () => {
    const get = record('get', '/things', (_, n) => json({}, { status: n === 1 ? 503 : 200 }));
    const post = record('post', '/things', () => json({}, { status: 503 }));
    await terra({ maxRetries: 1 }).request({ method: 'GET', path: '/things' });
    const error = await terra({ maxRetries: 1 })
      .request({ method: 'POST', path: '/things', body: {} })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraServerError);
    expect([get.length, post.length]).toEqual([2, 1]);
  });

  it('refuses, before any request, paths that leave the base URL, queries in the path, and a body on a GET', async () => {
    const calls = record('get', '/workouts', () => json([]));
    const bad = [
      { method: 'GET', path: 'workouts' },
      { method: 'GET', path: 'https://evil.example/steal' },
      { method: 'GET', path: '//evil.example/steal' },
      { method: 'GET', path: '/workouts/../../admin' },
      { method: 'GET', path: '/workouts/%2e%2e/admin' },
      { method: 'GET', path: '/workouts?user_id=1' },
      { method: 'GET', path: '/workouts#x' },
      { method: 'GET', path: '/work outs' },
      { method: 'GET', path: '/workouts\r\nx-api-key: 1' },
      { method: 'get', path: '/workouts' },
      { method: 'TRACE', path: '/workouts' },
      { method: 'GET', path: '/workouts', body: {} },
      { method: 'GET', path: '/workouts', query: { a: {} } },
      { method: 'GET', path: '/workouts', schema: { parse: () => 1 } },
    ];
    for (const options of bad) {
      const error = await terra()
        .request(options as never)
        .catch((e: unknown) => e);
      expect(error, JSON.stringify(options)).toBeInstanceOf(TerraInvalidArgumentError);
    }
    expect(calls).toHaveLength(0);
  });
});

describe('extraQuery', () => {
  it('adds parameters to any method: strings, numbers and booleans (as true/false)', async () => {
    const activity = record('get', '/activity', () => json({ status: 'success', reference: 'r' }));
    const planned = record('get', '/plannedWorkouts', () => json([]));
    const raw = record('get', '/custom', () => json({}));
    const extraQuery = { retry_if_rate_limited: true, beta: 'x', limit: 5 };
    await terra().getActivityForUser(USER_ID, { startDate: '2026-07-01' }, { extraQuery });
    await terra().plannedWorkouts.list(USER_ID, {}, { extraQuery });
    await terra().request({ method: 'GET', path: '/custom', query: { a: 1 } }, { extraQuery });
    expect(activity[0]?.query).toMatchObject({
      retry_if_rate_limited: 'true',
      beta: 'x',
      limit: '5',
      user_id: USER_ID,
    });
    expect(planned[0]?.query).toEqual({ user_id: USER_ID, retry_if_rate_limited: 'true', beta: 'x', limit: '5' });
    expect(raw[0]?.query).toEqual({ a: '1', retry_if_rate_limited: 'true', beta: 'x', limit: '5' });
  });

  it('refuses keys the method sets (even when left out this time) and values that are not scalars', async () => {
    const calls = record('get', '/plannedWorkouts', () => json([]));
    const refused: [unknown, string][] = [
      [{ user_id: 'other' }, 'extraQuery.user_id is a parameter this method sets itself'],
      [{ start_date: '2026-07-01' }, 'extraQuery.start_date is a parameter this method sets itself'],
      [{ nested: { a: 1 } }, 'extraQuery.nested must be a string, a finite number or a boolean'],
      [{ n: Number.POSITIVE_INFINITY }, 'extraQuery.n must be'],
      [{ ' padded': 'x' }, 'empty or padded'],
      [['a'], 'extraQuery must be an object'],
    ];
    for (const [extraQuery, message] of refused) {
      const error = await terra()
        .plannedWorkouts.list(USER_ID, {}, { extraQuery: extraQuery as never })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TerraInvalidArgumentError);
      expect((error as Error).message).toContain(message);
    }
    await terra().plannedWorkouts.list(USER_ID, {}, { extraQuery: { skipped: undefined } as never });
    expect(calls.map((c) => c.query)).toEqual([{ user_id: USER_ID }]);
  });
});
