/**
 * No effect lost to a drifting answer (issue 20, item 7). A call that changed something at Terra
 * (create, plan, upload, modify, write, delete, deauthenticate, generate a session) used to throw
 * `TerraValidationError` when its answer differed from its schema, after Terra had done the work:
 * `workouts.plan` lost the id of a workout already on the person's watch. Now each returns the answer
 * with `response.drift`; only an answer that is not JSON is an error, which says the request was sent.
 * Against msw, as the client tests.
 */
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { type Terra, TerraUnreadableResponseError, TerraValidationError } from '../../src/index.js';
import { StepBlockSchema, WorkoutTemplateSchema } from '../../src/models/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { BASE, json, record, server, terra } from '../client/support.js';
import { PLANNED_WORKOUT_ID, TEMPLATE, USER, WORKOUT_ID } from '../support/payloads.js';

const USER_ID = USER.user_id;
/** Past 2^53: a number this long loses its last digits in JavaScript. */
const BIG_ID = '12345678901234567890123';
const PDF = new TextEncoder().encode('%PDF-1.4 test');

interface Effect {
  name: string;
  method: 'post' | 'patch' | 'delete';
  path: string;
  call: (t: Terra) => Promise<{ drift: readonly unknown[]; getParsedResponse(): unknown }>;
  /** An answer that differs from the schema; `status` defaults to 200. */
  drifted: unknown;
  status?: number;
  /** Where the drift is expected (JSON paths), when the parser reads the body. */
  driftAt?: string[];
}

const EFFECTS: Effect[] = [
  {
    name: 'workouts.create',
    method: 'post',
    path: '/workouts',
    call: (t) => t.workouts.create(TEMPLATE),
    drifted: { status: 1, workout_id: `<${BIG_ID}>` },
    driftAt: ['$.status'],
  },
  {
    name: 'workouts.plan',
    method: 'post',
    path: `/workouts/${WORKOUT_ID}/plan`,
    call: (t) => t.workouts.plan(WORKOUT_ID, { user: USER_ID, plannedDate: '2026-07-14' }),
    drifted: { status: 'success', provider_workout_id: { garmin: 1 }, coercion_warnings: 42 },
    status: 201,
    driftAt: ['$.provider_workout_id', '$.coercion_warnings'],
  },
  {
    name: 'workouts.delete (207)',
    method: 'delete',
    path: `/workouts/${WORKOUT_ID}`,
    call: (t) => t.workouts.delete(WORKOUT_ID),
    drifted: { message: ['garmin', 'wahoo'] },
    status: 207,
    driftAt: ['$.message'],
  },
  {
    name: 'plannedWorkouts.reschedule',
    method: 'patch',
    path: `/plannedWorkouts/${PLANNED_WORKOUT_ID}`,
    call: (t) => t.plannedWorkouts.reschedule(USER_ID, PLANNED_WORKOUT_ID, '2026-07-15'),
    drifted: { planned_date: 20260715, is_external: 'no' },
    driftAt: ['$.planned_date', '$.is_external'],
  },
  {
    name: 'plannedWorkouts.delete',
    method: 'delete',
    path: `/plannedWorkouts/${PLANNED_WORKOUT_ID}`,
    call: (t) => t.plannedWorkouts.delete(USER_ID, PLANNED_WORKOUT_ID),
    drifted: { deleted: 'maybe' },
  },
  {
    name: 'labReports.upload',
    method: 'post',
    path: '/lab-reports',
    call: (t) => t.labReports.upload(PDF, { filename: 'r.pdf' }),
    drifted: { upload_id: null, current_status: 3 },
    status: 202,
    driftAt: ['$.upload_id', '$.current_status'],
  },
  {
    name: 'labReports.delete',
    method: 'delete',
    path: '/lab-reports/session-1',
    call: (t) => t.labReports.delete('session-1'),
    drifted: [{ deleted: true }],
  },
  {
    name: 'modifyUser',
    method: 'patch',
    path: `/users/${USER_ID}`,
    call: (t) => t.modifyUser(USER_ID, { referenceId: 'ref-2' }),
    drifted: { status: 'success', user: { provider: 7 } },
    driftAt: ['$.user.user_id', '$.user.provider'],
  },
  {
    name: 'deauthenticateUser',
    method: 'delete',
    path: '/auth/deauthenticateUser',
    call: (t) => t.deauthenticateUser(USER_ID),
    drifted: { status: false },
    driftAt: ['$.status'],
  },
  {
    name: 'postActivity',
    method: 'post',
    path: '/activity',
    call: (t) => t.postActivity([fixtures.activity({ samples: 1 })], { extraQuery: { user_id: USER_ID } }),
    drifted: { log_ids: [1, 2], message: null },
    driftAt: ['$.log_ids[0]', '$.log_ids[1]', '$.message'],
  },
  {
    name: 'postBody',
    method: 'post',
    path: '/body',
    call: (t) => t.postBody([fixtures.body()], { extraQuery: { user_id: USER_ID } }),
    drifted: { log_ids: 'l-1' },
    driftAt: ['$.log_ids'],
  },
  {
    name: 'postNutrition',
    method: 'post',
    path: '/nutrition',
    call: (t) => t.postNutrition([fixtures.nutrition()], { extraQuery: { user_id: USER_ID } }),
    drifted: { message: 5 },
    driftAt: ['$.message'],
  },
  {
    name: 'deleteBody',
    method: 'delete',
    path: '/body',
    call: (t) => t.deleteBody(USER_ID, ['l-1']),
    drifted: { processed_data: { id: 'l-1' } },
    driftAt: ['$.processed_data'],
  },
  {
    name: 'deleteNutrition',
    method: 'delete',
    path: '/nutrition',
    call: (t) => t.deleteNutrition(USER_ID, ['n-1']),
    drifted: { processed_data: 'done' },
    driftAt: ['$.processed_data'],
  },
  {
    name: 'generateAuthenticationUrl',
    method: 'post',
    path: '/auth/authenticateUser',
    call: (t) => t.generateAuthenticationUrl({ resource: 'GARMIN' }),
    drifted: { status: 'success', user_id: USER_ID, url: 'https://auth.example/x' },
    driftAt: ['$.auth_url'],
  },
  {
    name: 'generateWidgetSession',
    method: 'post',
    path: '/auth/generateWidgetSession',
    call: (t) => t.generateWidgetSession({ referenceId: 'ref' }),
    drifted: { session_id: 'w-1', link: 'https://widget.example/x', expires_in: '900' },
    driftAt: ['$.url', '$.expires_in'],
  },
  {
    name: 'generateAuthToken',
    method: 'post',
    path: '/auth/generateAuthToken',
    call: (t) => t.generateAuthToken(),
    drifted: { status: 'success', auth_token: 'tok' },
    driftAt: ['$.token'],
  },
];

describe('a call with an effect at Terra never throws for the shape of its answer', () => {
  it.each(EFFECTS)('$name returns a drifted answer with its drift', async (effect) => {
    const calls = record(effect.method, effect.path, () => json(effect.drifted, { status: effect.status ?? 200 }));
    const response = await effect.call(terra());
    expect(calls).toHaveLength(1);
    if (effect.driftAt) expect(response.drift.map((d) => (d as { path: string }).path)).toEqual(effect.driftAt);
    expect(response.getParsedResponse()).toBeDefined();
  });

  it.each(EFFECTS)(
    '$name given an answer that is not JSON: the error says it was sent, with status and request id',
    async (effect) => {
      server.use(
        http[effect.method](`${BASE}${effect.path}`, async ({ request }) => {
          // Read, as a server does: a multipart body left unread holds the upload open.
          await request.arrayBuffer();
          return new HttpResponse('<html>upstream reset</html>', {
            status: effect.status ?? 200,
            headers: { 'content-type': 'text/html', 'x-request-id': 'req-77' },
          });
        }),
      );
      const error = await effect.call(terra()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TerraUnreadableResponseError);
      expect(error).toBeInstanceOf(TerraValidationError);
      expect(error).toMatchObject({ status: effect.status ?? 200, requestId: 'req-77' });
      expect((error as Error).message).toContain('was sent');
      expect((error as Error).message).toContain('req-77');
    },
  );

  it('a JSON answer of another kind altogether (a list, a number) is drift too', async () => {
    record('post', `/workouts/${WORKOUT_ID}/plan`, () => json([PLANNED_WORKOUT_ID], { status: 201 }));
    const response = await terra().workouts.plan(WORKOUT_ID, { user: USER_ID, plannedDate: '2026-07-14' });
    expect(response.drift.length).toBeGreaterThan(0);
    expect(response.getJson()).toEqual([PLANNED_WORKOUT_ID]);
  });
});

describe('ids Terra sends as JSON numbers', () => {
  const numeric = (body: string, status = 200) =>
    new HttpResponse(body, { status, headers: { 'content-type': 'application/json' } });

  it('plan: a numeric planned_workout_id comes back as a string with every digit, no drift', async () => {
    server.use(
      http.post(`${BASE}/workouts/${WORKOUT_ID}/plan`, () =>
        numeric(`{"status":"success","planned_workout_id": ${BIG_ID},"provider_workout_id":-42}`, 201),
      ),
    );
    const response = await terra().workouts.plan(WORKOUT_ID, { user: USER_ID, plannedDate: '2026-07-14' });
    expect(response.drift).toEqual([]);
    expect(response.getParsedResponse()).toMatchObject({ planned_workout_id: BIG_ID, provider_workout_id: '-42' });
  });

  it('create, reschedule and the workout reads: numeric ids as strings; other numbers and string contents untouched', async () => {
    server.use(
      http.post(`${BASE}/workouts`, () => numeric(`{"status":"success","workout_id":${BIG_ID}}`)),
      http.patch(`${BASE}/plannedWorkouts/${PLANNED_WORKOUT_ID}`, () =>
        numeric(
          `{"planned_workout_id":${BIG_ID},"workout_id":7,"planned_date":"2026-07-15","note":"\\"workout_id\\": 9"}`,
        ),
      ),
      http.get(`${BASE}/workouts/${WORKOUT_ID}`, () =>
        numeric(JSON.stringify({ ...TEMPLATE, workout_id: 0 }).replace('"workout_id":0', `"workout_id":${BIG_ID}`)),
      ),
    );
    const client = terra();
    expect((await client.workouts.create(TEMPLATE)).getParsedResponse().workout_id).toBe(BIG_ID);
    const moved = await client.plannedWorkouts.reschedule(USER_ID, PLANNED_WORKOUT_ID, '2026-07-15');
    expect(moved.drift).toEqual([]);
    expect(moved.getParsedResponse()).toMatchObject({
      planned_workout_id: BIG_ID,
      workout_id: '7',
      note: '"workout_id": 9',
    });
    const template = await client.workouts.get(WORKOUT_ID);
    expect(template.getParsedResponse().workout_id).toBe(BIG_ID);
    expect(template.getParsedResponse().step_blocks).toEqual(TEMPLATE.step_blocks);
  });
});

describe('completion_condition is optional (Terra: "omitted: execute once")', () => {
  const block = { steps: TEMPLATE.step_blocks[0]?.steps ?? [] };

  it('a documented template whose block has no completion_condition is sent, and read back', async () => {
    const template = { ...TEMPLATE, step_blocks: [block] };
    expect(StepBlockSchema).toBeDefined();
    const calls = record('post', '/workouts', () => json({ status: 'success', workout_id: WORKOUT_ID }));
    record('get', `/workouts/${WORKOUT_ID}`, () => json({ ...template, workout_id: WORKOUT_ID }));
    const client = terra();
    await client.workouts.create(template);
    expect(calls[0]?.body).toMatchObject({ step_blocks: [block] });
    const read = await client.workouts.get(WORKOUT_ID);
    expect(read.getParsedResponse().step_blocks[0]?.completion_condition).toBeUndefined();
    expect(() => WorkoutTemplateSchema).not.toThrow();
  });
});

describe('which keys are ids', () => {
  it('no generated model declares a number under an id key other than panel_id (kept a number)', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const dir = new URL('../../src/models/generated/', import.meta.url);
    const numeric = new Set<string>();
    for (const file of await readdir(dir)) {
      const text = await readFile(new URL(file, dir), 'utf8');
      for (const match of text.matchAll(/\b(\w+_id)\??: (?:number|z\.(?:optional|nullish|nullable)\(z\.number)/g))
        numeric.add(match[1] as string);
    }
    expect([...numeric]).toEqual(['panel_id']);
  });
});
