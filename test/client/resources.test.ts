/**
 * The namespaces (`terra.workouts`, `terra.plannedWorkouts`, `terra.labReports`) beyond the request
 * each sends (operations.test.ts): ids as exact path segments, the partial delete a caller must see,
 * what each error status means, coercion warnings in both shapes, multipart uploads from every kind
 * of file, waiting for a lab report, and what is never retried.
 */
import { Readable } from 'node:stream';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  LAB_REPORT_MAX_BYTES,
  TerraAbortError,
  TerraForbiddenError,
  TerraInvalidArgumentError,
  TerraPayloadTooLargeError,
  TerraProviderError,
  TerraServerError,
  TerraWaitTimeoutError,
  User,
} from '../../src/index.js';
import { PLANNED_WORKOUT_ID, SESSION_ID, TEMPLATE, USER, WORKOUT_ID } from '../support/payloads.js';
import { BASE, json, record, server, terra } from './support.js';

const USER_ID = USER.user_id;
const problem = (status: number, detail: string) =>
  json({ type: 'about:blank', title: 'error', instance: '/x', detail }, { status });

afterEach(() => {
  vi.useRealTimers();
});

describe('ids', () => {
  const NASTY = 'a/../b ?c=1&d #e %41\r\nf';

  it('go into the path as one segment, every special character encoded', async () => {
    const seen: string[] = [];
    server.use(
      http.all(`${BASE}/*`, ({ request }) => {
        seen.push(new URL(request.url).pathname.slice('/api/v2'.length));
        return request.method === 'DELETE' ? new HttpResponse(null, { status: 204 }) : json({});
      }),
    );
    const client = terra();
    await client.workouts.delete(NASTY);
    await client.plannedWorkouts.delete(USER_ID, NASTY);
    await client.labReports.delete(NASTY);
    await client.labReports.files(NASTY).catch(() => undefined);
    const encoded = 'a%2F..%2Fb%20%3Fc%3D1%26d%20%23e%20%2541%0D%0Af';
    expect(encoded).toBe(encodeURIComponent(NASTY));
    expect(seen).toEqual([
      `/workouts/${encoded}`,
      `/plannedWorkouts/${encoded}`,
      `/lab-reports/${encoded}`,
      `/lab-reports/${encoded}/files`,
    ]);
  });

  it('ids above 2^53 travel unchanged as strings; numbers and . or .. are refused before any request', async () => {
    const calls = record('get', `/workouts/${WORKOUT_ID}`, () => json({ ...TEMPLATE, workout_id: WORKOUT_ID }));
    const template = (await terra().workouts.get(WORKOUT_ID)).getParsedResponse();
    expect(template.workout_id).toBe('9007199254740993');
    for (const id of [Number(WORKOUT_ID), BigInt(WORKOUT_ID), '..', '.', '', ' 1 ']) {
      const error = await terra()
        .workouts.get(id as string)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TerraInvalidArgumentError);
      expect((error as TerraInvalidArgumentError).argument).toBe('workoutId');
    }
    const numeric = await terra()
      .labReports.get(Number(SESSION_ID) as unknown as string)
      .catch((e: unknown) => e);
    expect((numeric as Error).message).toContain('ids can exceed 2^53');
    expect(calls).toHaveLength(1);
  });
});

describe('workouts', () => {
  it('delete: 204 is Deleted, 207 is a PartlyDeleted the caller must handle, with Terra’s message', async () => {
    let status = 204;
    record('delete', `/workouts/${WORKOUT_ID}`, () =>
      status === 204 ? new HttpResponse(null, { status }) : json({ message: 'GARMIN failed; kept' }, { status }),
    );
    const done = await terra().workouts.delete(WORKOUT_ID);
    expect(done.status).toBe(204);
    expect(done.rawBody).toBe('');
    expect(done.getJson()).toBeUndefined();
    expect(done.getParsedResponse()).toEqual({ kind: 'Deleted' });
    status = 207;
    const partly = await terra().workouts.delete(WORKOUT_ID);
    const result = partly.getParsedResponse();
    expect(partly.status).toBe(207);
    expect(result).toEqual({ kind: 'PartlyDeleted', message: 'GARMIN failed; kept' });
    // The type makes the caller look: only after the check is `message` there.
    if (result.kind === 'PartlyDeleted') expect(result.message).toContain('kept');
  });

  it('delete: 424 says the template is kept and to retry later', async () => {
    record('delete', `/workouts/${WORKOUT_ID}`, () => problem(424, 'provider deletion not possible'));
    const error = await terra()
      .workouts.delete(WORKOUT_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraProviderError);
    expect((error as Error).message).toContain('the template is kept: retry later');
  });

  it('plan: 403 names the Planned Workouts add-on, 424 the provider', async () => {
    let status = 403;
    record('post', `/workouts/${WORKOUT_ID}/plan`, () => problem(status, 'no'));
    const plan = () =>
      terra()
        .workouts.plan(WORKOUT_ID, { user: USER_ID, plannedDate: '2026-07-14' })
        .catch((e: unknown) => e);
    const forbidden = await plan();
    expect(forbidden).toBeInstanceOf(TerraForbiddenError);
    expect((forbidden as Error).message).toContain('Planned Workouts add-on is not enabled');
    expect((forbidden as Error).message).not.toContain('TERRA_API_KEY');
    status = 424;
    const rejected = await plan();
    expect(rejected).toBeInstanceOf(TerraProviderError);
    expect((rejected as Error).message).toContain('The provider rejected the workout');
  });

  it('plan: coercion_warnings parse as Terra sends them (a list of {path, message}) and as the spec says (a string)', async () => {
    const warnings = [{ path: 'step_blocks[0].steps[1].intensity_targets[0]', message: 'rpe not supported' }];
    let body: unknown = { status: 'success', planned_workout_id: PLANNED_WORKOUT_ID, coercion_warnings: warnings };
    record('post', `/workouts/${WORKOUT_ID}/plan`, () => json(body, { status: 201 }));
    const plan = () => terra().workouts.plan(WORKOUT_ID, { user: new User(terra(), USER), plannedDate: '2026-07-14' });
    const listed = (await plan()).getParsedResponse().coercion_warnings;
    expect(Array.isArray(listed) ? listed[0]?.path : undefined).toBe(warnings[0]?.path);
    body = { status: 'success', planned_workout_id: PLANNED_WORKOUT_ID, coercion_warnings: 'power target dropped' };
    expect((await plan()).getParsedResponse().coercion_warnings).toBe('power target dropped');
    // The workout is planned whatever the answer's shape: a drifted answer comes back with its drift.
    body = { status: 'success', coercion_warnings: 42 };
    const drifted = await plan();
    expect(drifted.drift.map((d) => d.path)).toEqual(['$.coercion_warnings']);
  });

  it('create checks the template against WorkoutTemplate before sending, naming the path', async () => {
    const calls = record('post', '/workouts', () => json({ status: 'success', workout_id: WORKOUT_ID }));
    const broken = { ...TEMPLATE, step_blocks: [{ completion_condition: { type: 'reps' } }] };
    const error = await terra()
      .workouts.create(broken as never)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    expect(error).toMatchObject({ argument: 'template.step_blocks[0].steps' });
    expect((error as Error).message).toContain('is not a WorkoutTemplate');
    expect(calls).toHaveLength(0);
  });

  it('plan refuses a planned date that is not YYYY-MM-DD, and athlete numbers that are not positive', async () => {
    const calls = record('post', `/workouts/${WORKOUT_ID}/plan`, () => json({}, { status: 201 }));
    for (const options of [
      { user: USER_ID, plannedDate: '2026-07-14T10:00:00Z' },
      { user: USER_ID, plannedDate: '2026-02-30' },
      { user: USER_ID, plannedDate: new Date() },
      { user: USER_ID, plannedDate: '2026-07-14', ftp: -1 },
      { user: '', plannedDate: '2026-07-14' },
    ]) {
      expect(
        await terra()
          .workouts.plan(WORKOUT_ID, options as never)
          .catch((e: unknown) => e),
      ).toBeInstanceOf(TerraInvalidArgumentError);
    }
    expect(calls).toHaveLength(0);
  });
});

describe('planned workouts', () => {
  it('list: both dates or neither, refused before any request otherwise', async () => {
    const calls = record('get', '/plannedWorkouts', () => json([]));
    await terra().plannedWorkouts.list(USER_ID);
    await terra().plannedWorkouts.list(USER_ID, { startDate: '2026-07-01', endDate: '2026-07-01' });
    expect(calls.map((c) => c.query)).toEqual([
      { user_id: USER_ID },
      { user_id: USER_ID, start_date: '2026-07-01', end_date: '2026-07-01' },
    ]);
    for (const options of [{ startDate: '2026-07-01' }, { endDate: '2026-07-08' }]) {
      const error = await terra()
        .plannedWorkouts.list(USER_ID, options)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TerraInvalidArgumentError);
      expect((error as Error).message).toContain('pass both startDate and endDate, or neither');
    }
    const reversed = await terra()
      .plannedWorkouts.list(USER_ID, { startDate: '2026-07-08', endDate: '2026-07-01' })
      .catch((e: unknown) => e);
    expect((reversed as Error).message).toContain('endDate is before startDate');
    expect(calls).toHaveLength(2);
  });

  it('reschedule: 403 names the add-on', async () => {
    record('patch', `/plannedWorkouts/${PLANNED_WORKOUT_ID}`, () => problem(403, 'no'));
    const error = await terra()
      .plannedWorkouts.reschedule(USER_ID, PLANNED_WORKOUT_ID, '2026-07-20')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraForbiddenError);
    expect((error as Error).message).toContain('Planned Workouts add-on');
  });
});

describe('never retried: POST, PATCH and uploads; GET and DELETE are', () => {
  it('a 503 on reschedule (PATCH), plan (POST) and upload (multipart) is tried once', async () => {
    const patch = record('patch', `/plannedWorkouts/${PLANNED_WORKOUT_ID}`, () => problem(503, 'down'));
    const post = record('post', `/workouts/${WORKOUT_ID}/plan`, () => problem(503, 'down'));
    const upload = record('post', '/lab-reports', () => problem(503, 'down'));
    const client = terra({ maxRetries: 2 });
    const errors = await Promise.all([
      client.plannedWorkouts.reschedule(USER_ID, PLANNED_WORKOUT_ID, '2026-07-20').catch((e: unknown) => e),
      client.workouts.plan(WORKOUT_ID, { user: USER_ID, plannedDate: '2026-07-14' }).catch((e: unknown) => e),
      client.labReports.upload(new Uint8Array([1, 2, 3])).catch((e: unknown) => e),
    ]);
    for (const error of errors) expect(error).toBeInstanceOf(TerraServerError);
    expect([patch.length, post.length, upload.length]).toEqual([1, 1, 1]);
  });

  it('a 503 on a lab-report GET is retried', async () => {
    const calls = record('get', `/lab-reports/${SESSION_ID}`, (_, n) =>
      n === 1 ? problem(503, 'down') : json({ session_id: SESSION_ID, report_type: 'lab', current_status: 'sent' }),
    );
    await terra({ maxRetries: 1 }).labReports.get(SESSION_ID);
    expect(calls).toHaveLength(2);
  });
});

describe('lab-report uploads', () => {
  interface Part {
    name: string;
    filename: string;
    type: string;
    bytes: number[];
  }
  /** Records each upload's multipart part and the raw body. */
  function uploads(): { parts: Part[]; raw: string[]; query: Record<string, string>[] } {
    const seen = { parts: [] as Part[], raw: [] as string[], query: [] as Record<string, string>[] };
    server.use(
      http.post(`${BASE}/lab-reports`, async ({ request }) => {
        seen.raw.push(await request.clone().text());
        seen.query.push(Object.fromEntries(new URL(request.url).searchParams));
        const form = await request.formData();
        for (const [name, value] of form.entries()) {
          if (value instanceof File) {
            const bytes = [...new Uint8Array(await value.arrayBuffer())];
            seen.parts.push({ name, filename: value.name, type: value.type, bytes });
          }
        }
        return json({ upload_id: 'u-1', current_status: 'processing' }, { status: 202 });
      }),
    );
    return seen;
  }
  const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
  const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x34];

  it('bytes on the wire: one part named file, with the filename and content type', async () => {
    const seen = uploads();
    const response = await terra().labReports.upload(new Uint8Array(PDF), { referenceId: 'patient-456' });
    expect(response.status).toBe(202);
    expect(response.getParsedResponse()).toEqual({ upload_id: 'u-1', current_status: 'processing' });
    expect(seen.parts).toEqual([{ name: 'file', filename: 'lab-report.pdf', type: 'application/pdf', bytes: PDF }]);
    expect(seen.raw[0]).toContain('Content-Disposition: form-data; name="file"; filename="lab-report.pdf"');
    expect(seen.raw[0]).toContain('Content-Type: application/pdf');
    expect(seen.query[0]).toEqual({ reference_id: 'patient-456' });
  });

  it('takes a Blob or File (its type and name), a Buffer, an ArrayBuffer, a Web stream and a Node Readable', async () => {
    const seen = uploads();
    const client = terra();
    await client.labReports.upload(new File([new Uint8Array(PNG)], 'scan.png', { type: 'image/png' }));
    await client.labReports.upload(new Blob([new Uint8Array(PDF)]), { filename: 'report.pdf' });
    await client.labReports.upload(Buffer.from(PNG));
    await client.labReports.upload(new Uint8Array(PDF).buffer);
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(PDF.slice(0, 3)));
        controller.enqueue(new Uint8Array(PDF.slice(3)));
        controller.close();
      },
    });
    await client.labReports.upload(web, { filename: 'streamed.pdf' });
    await client.labReports.upload(Readable.from([Buffer.from(PNG.slice(0, 5)), Buffer.from(PNG.slice(5))]), {
      contentType: 'image/png',
      filename: 'node.png',
    });
    expect(seen.parts.map(({ filename, type }) => `${filename} ${type}`)).toEqual([
      'scan.png image/png',
      'report.pdf application/pdf',
      'lab-report.png image/png',
      'lab-report.pdf application/pdf',
      'streamed.pdf application/pdf',
      'node.png image/png',
    ]);
    expect(seen.parts[4]?.bytes).toEqual(PDF);
    expect(seen.parts[5]?.bytes).toEqual(PNG);
  });

  it('an unknown kind of file goes as application/octet-stream, or as its name says', async () => {
    const seen = uploads();
    await terra().labReports.upload(new Uint8Array([1, 2, 3]));
    await terra().labReports.upload(new Uint8Array([1, 2, 3]), { filename: 'photo.JPG' });
    expect(seen.parts.map((p) => `${p.filename} ${p.type}`)).toEqual([
      'lab-report application/octet-stream',
      'photo.JPG image/jpeg',
    ]);
  });

  it('refuses, before any request: no file, an empty one, one over 20 MiB, a stream of text, a failing stream', async () => {
    const seen = uploads();
    const tooBig = new Uint8Array(LAB_REPORT_MAX_BYTES + 1);
    const chunks = async function* () {
      for (let i = 0; i < 21; i++) yield new Uint8Array(1024 * 1024);
    };
    const failing = new ReadableStream({
      pull(controller) {
        controller.error(
          Object.assign(new Error('EACCES: permission denied, open /home/x/secret.pdf'), { code: 'EACCES' }),
        );
      },
    });
    const cases: [unknown, string][] = [
      [undefined, 'must be a Blob or File'],
      ['%PDF-1.7', 'must be a Blob or File'],
      [new Uint8Array(0), 'file is empty'],
      [tooBig, 'larger than 20 MiB'],
      [new Blob([tooBig]), 'larger than 20 MiB'],
      [chunks(), 'larger than 20 MiB'],
      [Readable.from(['text, not bytes']), 'not text'],
      [failing, 'could not be read (EACCES)'],
    ];
    for (const [file, message] of cases) {
      const error = await terra()
        .labReports.upload(file as never)
        .catch((e: unknown) => e);
      expect(error, message).toBeInstanceOf(TerraInvalidArgumentError);
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toContain('/home/x');
    }
    expect(seen.parts).toHaveLength(0);
  });

  it('403 says lab reports are not enabled; 413 that the file is over 20 MB', async () => {
    let status = 403;
    record('post', '/lab-reports', () => problem(status, 'no'));
    const forbidden = await terra()
      .labReports.upload(new Uint8Array(PDF))
      .catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(TerraForbiddenError);
    expect((forbidden as Error).message).toContain('Lab reports are not enabled');
    status = 413;
    const large = await terra()
      .labReports.upload(new Uint8Array(PDF))
      .catch((e: unknown) => e);
    expect(large).toBeInstanceOf(TerraPayloadTooLargeError);
    expect((large as Error).message).toContain('20 MB limit');
  });
});

describe('labReports.waitForResult', () => {
  const sessionIn = (status: string) => ({ session_id: SESSION_ID, report_type: 'lab', current_status: status });

  /** Answers the session's GETs with `statuses` in turn, recording the (fake) time of each. */
  function statuses(...list: string[]): number[] {
    const times: number[] = [];
    record('get', `/lab-reports/${SESSION_ID}`, () => {
      times.push(Date.now());
      return json(sessionIn(list[Math.min(times.length, list.length) - 1] as string));
    });
    return times;
  }

  /** Runs `promise` to its end with the fake clock moved on in 1 s steps. */
  async function settle<T>(promise: Promise<T>): Promise<T | unknown> {
    let done = false;
    const outcome = promise.then(
      (value) => value,
      (error: unknown) => error,
    );
    void outcome.finally(() => {
      done = true;
    });
    for (let i = 0; i < 2_000 && !done; i++) await vi.advanceTimersByTimeAsync(1_000);
    return outcome;
  }

  it('polls every 5 s (Terra’s floor) until a terminal status, and resolves with that session', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const times = statuses('processing', 'standardizing', 'sending', 'sent');
    const response = (await settle(terra().labReports.waitForResult(SESSION_ID))) as {
      getParsedResponse(): { current_status: string };
    };
    expect(response.getParsedResponse().current_status).toBe('sent');
    expect(times).toHaveLength(4);
    for (let i = 1; i < times.length; i++) expect((times[i] as number) - (times[i - 1] as number)).toBe(5_000);
  });

  it('stops at every terminal status, a failed report included', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    for (const end of ['sent', 'failed', 'cancelled', 'deleted']) {
      server.resetHandlers();
      const times = statuses('processing', end, 'processing');
      const response = (await settle(terra().labReports.waitForResult(SESSION_ID, { pollIntervalMs: 7_000 }))) as {
        getParsedResponse(): { current_status: string };
      };
      expect(response.getParsedResponse().current_status).toBe(end);
      expect(times).toHaveLength(2);
      expect((times[1] as number) - (times[0] as number)).toBe(7_000);
    }
  });

  it('gives up at timeout with TerraWaitTimeoutError, naming the last status', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const times = statuses('processing', 'standardizing');
    const error = await settle(terra().labReports.waitForResult(SESSION_ID, { timeout: 12_000 }));
    expect(error).toBeInstanceOf(TerraWaitTimeoutError);
    expect(error).toMatchObject({ lastStatus: 'standardizing', timeoutMs: 12_000 });
    // Polls at 0, 5 and 10 s, then once more at the deadline.
    expect(times.map((t) => t - (times[0] as number))).toEqual([0, 5_000, 10_000, 12_000]);
  });

  it('stops at once when the signal fires, during a wait', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const times = statuses('processing');
    const controller = new AbortController();
    const waiting = terra().labReports.waitForResult(SESSION_ID, { signal: controller.signal });
    const outcome = waiting.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2_000);
    controller.abort();
    const error = await outcome;
    expect(error).toBeInstanceOf(TerraAbortError);
    expect(times).toHaveLength(1);
  });

  it('refuses a poll interval under 5 s, before any request', async () => {
    const times = statuses('sent');
    for (const pollIntervalMs of [4_999, 1_000, 0, Number.NaN]) {
      const error = await terra()
        .labReports.waitForResult(SESSION_ID, { pollIntervalMs })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TerraInvalidArgumentError);
      expect((error as Error).message).toContain('Terra asks clients not to poll a session faster');
    }
    const twice = await terra()
      .labReports.waitForResult(SESSION_ID, { signal: AbortSignal.timeout(1_000) }, { signal: AbortSignal.timeout(1) })
      .catch((e: unknown) => e);
    expect((twice as Error).message).toContain('pass signal once');
    for (const request of [42, 'fast', { timeout: 0 }]) {
      const error = await terra()
        .labReports.waitForResult(SESSION_ID, {}, request as never)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TerraInvalidArgumentError);
    }
    expect(times).toHaveLength(0);
  });
});
