/**
 * The emulator's workouts, planned workouts, lab reports, user changes and data writes, driven
 * through the real client (and once through the msw handlers): Terra's status codes and shapes, the
 * lab-report lifecycle on the emulator's clock, and the webhooks each step sends.
 */
import { setupServer } from 'msw/node';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  parseEvent,
  Terra,
  TerraBadRequestError,
  TerraForbiddenError,
  TerraInvalidArgumentError,
  TerraNotFoundError,
  TerraProviderError,
  type WorkoutTemplate,
} from '../../src/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { TerraEmulator, type TerraEmulatorOptions } from '../../src/testing/index.js';
import { terraHandlers } from '../../src/testing/msw.js';
import { TEMPLATE } from '../support/payloads.js';

const START = Date.parse('2026-07-10T09:00:00Z');

/** An emulator on a clock the test moves, and a client that reaches it. */
function setup(options: TerraEmulatorOptions = {}) {
  let now = START;
  const emulator = new TerraEmulator({ now: () => now, labReportStepMs: 1_000, ...options });
  const terra = new Terra({
    apiKey: 'key',
    devId: 'dev',
    maxRetries: 0,
    fetch: (input, init) => emulator.handle(new Request(input, init)),
  });
  const types = () => emulator.deliveries.map((d) => d.payload.type);
  return { emulator, terra, types, advance: (ms: number) => (now += ms) };
}

/** A PDF the emulator reads as a four-biomarker report (at least 1 kB). */
function pdf(bytes = 2_048): Uint8Array<ArrayBuffer> {
  const file = new Uint8Array(bytes);
  file.set(new TextEncoder().encode('%PDF-1.7\n'));
  return file;
}

const RPE_TEMPLATE: WorkoutTemplate = {
  name: 'Easy by feel',
  sport: 'running',
  step_blocks: [
    {
      completion_condition: { type: 'reps', value: 1 },
      steps: [
        {
          intensity_type: 'active',
          completion_condition: { type: 'time', value: 1_800 },
          intensity_targets: [{ target_type: 'rpe', value: 4 }],
        },
      ],
    },
  ],
};

afterEach(() => {
  vi.useRealTimers();
});

describe('workouts and planned workouts', () => {
  it('create, list, get, plan (201, with coercion warnings and a planned_workout webhook), reschedule, delete', async () => {
    const { emulator, terra, types } = setup();
    const garmin = emulator.connect({ provider: 'GARMIN', referenceId: 'runner' });
    const created = await terra.workouts.create(RPE_TEMPLATE);
    const workoutId = created.getParsedResponse().workout_id as string;
    expect(workoutId).toMatch(/^\d{18}$/);
    expect(Number(workoutId)).toBeGreaterThan(2 ** 53);
    expect((await terra.workouts.list()).getParsedResponse().map((w) => w.workout_id)).toEqual([workoutId]);
    expect((await terra.workouts.get(workoutId)).getParsedResponse().name).toBe('Easy by feel');

    const plan = await terra.workouts.plan(workoutId, { user: garmin.user_id, plannedDate: '2026-07-14', ftp: 250 });
    expect(plan.status).toBe(201);
    const planned = plan.getParsedResponse();
    expect(planned.provider_workout_id).toMatch(/^\d+$/);
    expect(planned.coercion_warnings).toEqual([
      {
        path: 'step_blocks[0].steps[0].intensity_targets[0]',
        message: 'rpe targets are not supported by GARMIN; the step was sent without this target',
      },
    ]);
    const plannedId = planned.planned_workout_id as string;
    const event = parseEvent(emulator.deliveries.at(-1)?.payload);
    expect(event.type).toBe('planned_workout');
    if (event.type === 'planned_workout') {
      expect(event.data[0]).toMatchObject({ planned_workout_id: plannedId, planned_date: '2026-07-14' });
      expect(event.data[0]?.athlete_metrics?.ftp).toBe(250);
    }

    // endDate is inclusive.
    const on = await terra.plannedWorkouts.list(garmin.user_id, { startDate: '2026-07-14', endDate: '2026-07-14' });
    expect(on.getParsedResponse().map((p) => p.planned_workout_id)).toEqual([plannedId]);
    const after = await terra.plannedWorkouts.list(garmin.user_id, { startDate: '2026-07-15', endDate: '2026-07-20' });
    expect(after.getParsedResponse()).toEqual([]);

    const moved = await terra.plannedWorkouts.reschedule(garmin.user_id, plannedId, '2026-07-16');
    expect(moved.getParsedResponse()).toMatchObject({ planned_date: '2026-07-16', workout_id: workoutId });
    expect((await terra.plannedWorkouts.get(garmin.user_id, plannedId)).getParsedResponse().planned_date).toBe(
      '2026-07-16',
    );
    expect(types().filter((t) => t === 'planned_workout')).toHaveLength(2);

    const removed = await terra.plannedWorkouts.delete(garmin.user_id, plannedId);
    expect(removed.status).toBe(204);
    await expect(terra.plannedWorkouts.get(garmin.user_id, plannedId)).rejects.toBeInstanceOf(TerraNotFoundError);
    expect((await terra.workouts.delete(workoutId)).status).toBe(204);
    await expect(terra.workouts.get(workoutId)).rejects.toBeInstanceOf(TerraNotFoundError);
  });

  it('one date alone is ignored by Terra (the client refuses it); the window is inclusive at both ends', async () => {
    const { emulator, terra } = setup();
    const user = emulator.connect({ provider: 'WAHOO' });
    const { workout_id } = (await terra.workouts.create(TEMPLATE)).getParsedResponse();
    for (const day of ['2026-07-13', '2026-07-14', '2026-07-20', '2026-07-21']) {
      await terra.workouts.plan(workout_id as string, { user: user.user_id, plannedDate: day });
    }
    const window = await terra.plannedWorkouts.list(user.user_id, { startDate: '2026-07-14', endDate: '2026-07-20' });
    expect(window.getParsedResponse().map((p) => p.planned_date)).toEqual(['2026-07-14', '2026-07-20']);
    const alone = await terra.request({
      method: 'GET',
      path: '/plannedWorkouts',
      query: { user_id: user.user_id, start_date: '2026-07-21' },
    });
    expect((alone.getParsedResponse() as unknown[]).length).toBe(4);
  });

  it('deleting a template while a provider is down: 207 with the template kept, then 204 once it is back', async () => {
    const { emulator, terra } = setup();
    const garmin = emulator.connect({ provider: 'GARMIN' });
    const wahoo = emulator.connect({ provider: 'WAHOO' });
    const workoutId = (await terra.workouts.create(TEMPLATE)).getParsedResponse().workout_id as string;
    const onGarmin = (
      await terra.workouts.plan(workoutId, { user: garmin.user_id, plannedDate: '2026-07-14' })
    ).getParsedResponse().planned_workout_id as string;
    const onWahoo = (
      await terra.workouts.plan(workoutId, { user: wahoo.user_id, plannedDate: '2026-07-14' })
    ).getParsedResponse().planned_workout_id as string;

    emulator.setProviderOutage('garmin', true);
    const partly = await terra.workouts.delete(workoutId);
    expect(partly.status).toBe(207);
    const result = partly.getParsedResponse();
    expect(result.kind).toBe('PartlyDeleted');
    expect(result.kind === 'PartlyDeleted' && result.message).toContain('GARMIN');
    // The template and the plan the provider kept are still there; the other plan is gone.
    expect((await terra.workouts.get(workoutId)).status).toBe(200);
    expect((await terra.plannedWorkouts.get(garmin.user_id, onGarmin)).status).toBe(200);
    await expect(terra.plannedWorkouts.get(wahoo.user_id, onWahoo)).rejects.toBeInstanceOf(TerraNotFoundError);
    // Every remaining deletion failing is a 424.
    const error = await terra.workouts.delete(workoutId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraProviderError);
    // Planning for a user of the provider that is down: 424 too.
    const push = await terra.workouts
      .plan(workoutId, { user: garmin.user_id, plannedDate: '2026-07-15' })
      .catch((e: unknown) => e);
    expect(push).toBeInstanceOf(TerraProviderError);

    emulator.setProviderOutage('GARMIN', false);
    const done = await terra.workouts.delete(workoutId);
    expect(done.getParsedResponse()).toEqual({ kind: 'Deleted' });
    expect(() => emulator.setProviderOutage('NOKIA', true)).toThrow(TerraInvalidArgumentError);
  });

  it('Terra’s 400s: targets out of range, a percentage as one value, a provider without planned workouts', async () => {
    const { emulator, terra } = setup();
    const outOfRange = structuredClone(TEMPLATE);
    const target = outOfRange.step_blocks[1]?.steps[0]?.intensity_targets?.[0];
    if (target) Object.assign(target, { target_type: 'heart_rate', value_low: 20, value_high: 150 });
    const refused = await terra.workouts.create(outOfRange).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TerraBadRequestError);
    expect((refused as Error).message).toContain('outside 30–250 for heart_rate');
    const single = structuredClone(TEMPLATE);
    const percentage = single.step_blocks[1]?.steps[0]?.intensity_targets?.[0];
    if (percentage) Object.assign(percentage, { value: 90, value_low: undefined, value_high: undefined });
    expect(((await terra.workouts.create(single).catch((e: unknown) => e)) as Error).message).toContain(
      'needs value_low and value_high',
    );

    const workoutId = (await terra.workouts.create(TEMPLATE)).getParsedResponse().workout_id as string;
    const oura = emulator.connect({ provider: 'OURA' });
    const unsupported = await terra.workouts
      .plan(workoutId, { user: oura.user_id, plannedDate: '2026-07-14' })
      .catch((e: unknown) => e);
    expect(unsupported).toBeInstanceOf(TerraBadRequestError);
    // Apple gets its plans through the mobile SDK: no provider id.
    const apple = emulator.connect({ provider: 'APPLE' });
    const queued = await terra.workouts.plan(workoutId, { user: apple.user_id, plannedDate: '2026-07-14' });
    expect(queued.getParsedResponse()).not.toHaveProperty('provider_workout_id');
    await expect(
      terra.workouts.plan(workoutId, { user: 'no-such-user', plannedDate: '2026-07-14' }),
    ).rejects.toBeInstanceOf(TerraNotFoundError);
  });

  it('without the Planned Workouts add-on, planning and rescheduling answer 403', async () => {
    const { emulator, terra } = setup({ plannedWorkouts: false });
    const user = emulator.connect({ provider: 'GARMIN' });
    const workoutId = (await terra.workouts.create(TEMPLATE)).getParsedResponse().workout_id as string;
    const error = await terra.workouts
      .plan(workoutId, { user: user.user_id, plannedDate: '2026-07-14' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraForbiddenError);
    expect((error as Error).message).toContain('Planned Workouts add-on is not enabled');
    await expect(terra.plannedWorkouts.reschedule(user.user_id, '1', '2026-07-15')).rejects.toBeInstanceOf(
      TerraForbiddenError,
    );
  });
});

describe('lab reports', () => {
  it('upload (202) and a session that moves through every status on the emulator’s clock, then one webhook', async () => {
    const { emulator, terra, types, advance } = setup();
    const upload = await terra.labReports.upload(pdf(), { referenceId: 'patient-456', filename: 'panel.pdf' });
    expect(upload.status).toBe(202);
    const { upload_id } = upload.getParsedResponse();
    const [listed] = (await terra.labReports.list({ uploadId: upload_id })).getParsedResponse().sessions;
    const sessionId = listed?.session_id as string;
    expect(sessionId).toMatch(/^\d{18}$/);
    expect(listed).toMatchObject({ current_status: 'processing', reference_id: 'patient-456', report_type: 'lab' });

    const seen: string[] = [];
    for (let step = 0; step < 6; step++) {
      const session = (await terra.labReports.get(sessionId)).getParsedResponse();
      seen.push(session.current_status);
      advance(1_000);
    }
    expect(seen).toEqual(['processing', 'processed', 'standardizing', 'standardized', 'sending', 'sent']);
    const done = (await terra.labReports.get(sessionId)).getParsedResponse();
    expect(done.status_history?.map((h) => h.status)).toEqual(seen);
    expect(done.results?.length).toBe(5);
    expect(done.panels?.length).toBe(2);
    // List items carry no results.
    const item = (await terra.labReports.list({ referenceId: 'patient-456' })).getParsedResponse().sessions[0];
    expect(item).not.toHaveProperty('results');
    expect(item?.results_count).toBe(5);

    expect(types().filter((t) => t.startsWith('lab_report'))).toEqual(['lab_report.completed']);
    const delivery = emulator.deliveries.at(-1);
    expect(delivery?.reference).toBe(sessionId);
    const event = parseEvent(delivery?.payload);
    expect(event.type === 'lab_report.completed' && event.data.session_id).toBe(sessionId);

    expect((await terra.labReports.deliveries(sessionId)).getParsedResponse().deliveries[0]).toMatchObject({
      status: 'delivered',
      attempt_count: 1,
    });
    const files = (await terra.labReports.files(sessionId)).getParsedResponse();
    expect(files.files[0]?.filename).toBe('panel.pdf');
    expect(Date.parse(files.expires_at as string)).toBeGreaterThan(START);

    expect((await terra.labReports.delete(sessionId)).status).toBe(204);
    expect((await terra.labReports.get(sessionId)).getParsedResponse().current_status).toBe('deleted');
    expect((await terra.labReports.list()).getParsedResponse().sessions).toEqual([]);
    advance(60_000);
    emulator.tick();
    expect(types().filter((t) => t.startsWith('lab_report'))).toHaveLength(1);
  });

  it('an unreadable file fails with lab_report.failed; a wrong type, no file part or lab reports off are refused', async () => {
    const { emulator, terra, types, advance } = setup();
    const { upload_id } = (await terra.labReports.upload(pdf(200))).getParsedResponse();
    const sessionId = (await terra.labReports.list({ uploadId: upload_id })).getParsedResponse().sessions[0]
      ?.session_id as string;
    advance(1_000);
    emulator.tick();
    expect(types().at(-1)).toBe('lab_report.failed');
    const event = parseEvent(emulator.deliveries.at(-1)?.payload);
    expect(event.type === 'lab_report.failed' && event.data.error.code).toBe('unreadable_document');
    expect((await terra.labReports.get(sessionId)).getParsedResponse().current_status).toBe('failed');
    expect((await terra.labReports.deliveries(sessionId)).getParsedResponse().deliveries[0]?.status).toBe('failed');

    const text = await terra.labReports
      .upload(new TextEncoder().encode('just text'), { contentType: 'text/plain' })
      .catch((e: unknown) => e);
    expect((text as Error).message).toContain('must be a PDF, PNG, JPEG, GIF or WebP');
    const noPart = await terra
      .request({ method: 'POST', path: '/lab-reports', body: { file: 'x' } })
      .catch((e: unknown) => e);
    expect(noPart).toBeInstanceOf(TerraBadRequestError);
    await expect(terra.labReports.get('999')).rejects.toBeInstanceOf(TerraNotFoundError);
    await expect(terra.labReports.get('not-a-snowflake')).rejects.toBeInstanceOf(TerraBadRequestError);

    const off = setup({ labReports: false });
    await expect(off.terra.labReports.upload(pdf())).rejects.toBeInstanceOf(TerraForbiddenError);
  });

  it('waitForResult follows the session to `sent` on the emulator’s clock, polling every 5 s', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: START });
    const emulator = new TerraEmulator({ now: () => Date.now(), labReportStepMs: 3_000 });
    const terra = new Terra({
      apiKey: 'key',
      devId: 'dev',
      fetch: (input, init) => emulator.handle(new Request(input, init)),
    });
    const { upload_id } = (await terra.labReports.upload(pdf())).getParsedResponse();
    const sessionId = (await terra.labReports.list({ uploadId: upload_id })).getParsedResponse().sessions[0]
      ?.session_id as string;
    const waiting = terra.labReports.waitForResult(sessionId);
    let settled = false;
    void waiting.finally(() => {
      settled = true;
    });
    for (let i = 0; i < 30 && !settled; i++) await vi.advanceTimersByTimeAsync(1_000);
    const session = (await waiting).getParsedResponse();
    expect(session.current_status).toBe('sent');
    // Sent at 15 s; polls at 0, 5, 10 and 15 s.
    expect(Date.now() - START).toBeGreaterThanOrEqual(15_000);
    expect(Date.now() - START).toBeLessThan(20_000);
    expect(emulator.deliveries.map((d) => d.payload.type)).toContain('lab_report.completed');
  });
});

describe('users and data writes', () => {
  it('modifyUser changes the reference id and active flag Terra holds', async () => {
    const { emulator, terra } = setup();
    const user = emulator.connect({ provider: 'FITBIT', referenceId: 'old-id' });
    const changed = (
      await terra.modifyUser(user.user_id, { referenceId: 'new-id', active: false })
    ).getParsedResponse();
    expect(changed.user).toMatchObject({ user_id: user.user_id, reference_id: 'new-id', active: false });
    const found = (await terra.getUsersByReferenceId('new-id')).getParsedResponse();
    expect(found.map((u) => u.user_id)).toEqual([user.user_id]);
    await expect(terra.modifyUser('nobody', { active: true })).rejects.toBeInstanceOf(TerraNotFoundError);
  });

  it('writes go to the provider Terra supports for each type; deletes take their own key and report each id', async () => {
    const { emulator, terra } = setup();
    const fitbit = emulator.connect({ provider: 'FITBIT' });
    const google = emulator.connect({ provider: 'GOOGLE' });
    const wahoo = emulator.connect({ provider: 'WAHOO' });
    const activity = await terra.postActivity([fixtures.activity({ samples: 5 })], {
      extraQuery: { user_id: wahoo.user_id },
    });
    expect(activity.getParsedResponse().user?.provider).toBe('WAHOO');
    const wrong = await terra
      .postActivity([fixtures.activity({ samples: 5 })], { extraQuery: { user_id: fitbit.user_id } })
      .catch((e: unknown) => e);
    expect((wrong as Error).message).toContain('writing activity data is supported for Wahoo connections only');
    // As Terra's own SDKs send it, without a user id.
    expect((await terra.postActivity([fixtures.activity({ samples: 5 })])).getParsedResponse().log_ids).toHaveLength(1);

    const body = (await terra.postBody([fixtures.body(), fixtures.body({ seed: 2 })])).getParsedResponse();
    const deleted = await terra.deleteBody(google.user_id, [...(body.log_ids ?? []), 'never-written']);
    expect(deleted.getParsedResponse().processed_data?.map((p) => p.response_code)).toEqual([200, 200, 404]);
    const meal = (await terra.postNutrition([fixtures.nutrition()])).getParsedResponse();
    const gone = await terra.deleteNutrition(fitbit.user_id, meal.log_ids ?? []);
    expect(gone.getParsedResponse().processed_data?.[0]?.response_code).toBe(200);
    const wrongKey = await terra
      .request({ method: 'DELETE', path: '/nutrition', query: { user_id: fitbit.user_id }, body: { log_ids: ['1'] } })
      .catch((e: unknown) => e);
    expect((wrongKey as Error).message).toContain('{"data": [...]}');
  });
});

describe('the msw handlers answer the new endpoints too', () => {
  it('multipart upload, 204 delete and 201 plan through msw', async () => {
    const emulator = new TerraEmulator();
    const server = setupServer(...terraHandlers(emulator));
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const terra = new Terra({ apiKey: 'key', devId: 'dev' });
      const user = emulator.connect({ provider: 'GARMIN' });
      const upload = await terra.labReports.upload(new Blob([pdf()], { type: 'application/pdf' }));
      expect(upload.status).toBe(202);
      const workoutId = (await terra.workouts.create(TEMPLATE)).getParsedResponse().workout_id as string;
      const plan = await terra.workouts.plan(workoutId, { user: user.user_id, plannedDate: '2026-07-14' });
      expect(plan.status).toBe(201);
      expect((await terra.workouts.delete(workoutId)).status).toBe(204);
    } finally {
      server.close();
    }
  });
});
