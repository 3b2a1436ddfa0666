/**
 * "A client for every call of Terra's API", checked against the spec: every operation (method and
 * path) of Terra's dist/v2-bundled.yaml (as test/fixtures/spec/operations.json lists it) has a method,
 * listed in OPERATIONS below, that sends exactly that request (method, encoded path, query, body) over
 * msw. The test fails when the bundle gains an operation the table does not cover. For each operation
 * it also answers with every success status the spec documents (200, 201, 202, 204, 207) and every
 * error status, and checks the result and the typed error.
 */
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  type Terra,
  type TerraApiError,
  TerraAuthenticationError,
  TerraBadRequestError,
  TerraForbiddenError,
  TerraNotFoundError,
  TerraPayloadTooLargeError,
  TerraProviderError,
  TerraRateLimitError,
  TerraServerError,
} from '../../src/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { PLANNED_WORKOUT_ID, SESSION_ID, TEMPLATE, USER, WORKOUT_ID } from '../support/payloads.js';
import { type Json, type SpecOperation, specOperations } from '../support/spec.js';
import { BASE, server, terra } from './support.js';

const USER_ID = USER.user_id;
const PDF = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a, 0x25, 0xe2, 0xe3]);

const planned = {
  planned_workout_id: PLANNED_WORKOUT_ID,
  workout_id: WORKOUT_ID,
  planned_date: '2026-07-14',
  provider_workout_id: '88112233',
  is_external: false,
};
const session = {
  session_id: SESSION_ID,
  upload_id: 'f3d1c2b0-1111-4aaa-8bbb-123456789abc',
  report_type: 'lab',
  current_status: 'sent',
};

/** What a method must send. `body` is JSON; `file` is the one multipart part, named `file`. */
interface Expected {
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  file?: { filename: string; type: string; bytes: Uint8Array };
}

/** One operation of the spec, the method that makes it, what it must send, and valid answers. */
interface Operation {
  /** The client method, as a user calls it. */
  method: string;
  call: (client: Terra) => Promise<{ status: number; getParsedResponse(): unknown }>;
  sends: Expected;
  /** A valid body for each success status the spec documents (`undefined`: an empty answer). */
  answers: Record<number, unknown>;
}

/**
 * Every operation of the spec and the method that makes it. Operations that more than one method
 * makes (`GET /userInfo`, by user id or by reference id) list each.
 */
const OPERATIONS: Record<string, Operation[]> = {
  // Connecting users
  'POST /auth/authenticateUser': [
    {
      method: 'terra.generateAuthenticationUrl({ resource, referenceId })',
      call: (t) => t.generateAuthenticationUrl({ resource: 'GARMIN', referenceId: 'user-123' }),
      sends: { path: '/auth/authenticateUser', query: { resource: 'GARMIN' }, body: { reference_id: 'user-123' } },
      answers: { 200: { status: 'success', user_id: USER_ID, auth_url: 'https://connect.garmin.com/oauth' } },
    },
  ],
  'POST /auth/generateWidgetSession': [
    {
      method: 'terra.generateWidgetSession({ providers, referenceId })',
      call: (t) => t.generateWidgetSession({ providers: ['GARMIN', 'OURA'], referenceId: 'user-123' }),
      sends: { path: '/auth/generateWidgetSession', body: { providers: 'GARMIN,OURA', reference_id: 'user-123' } },
      answers: { 200: { session_id: 's-1', url: 'https://widget.tryterra.co/session/s-1', status: 'success' } },
    },
  ],
  'DELETE /auth/deauthenticateUser': [
    {
      method: 'terra.deauthenticateUser(user)',
      call: (t) => t.deauthenticateUser(USER_ID),
      sends: { path: '/auth/deauthenticateUser', query: { user_id: USER_ID } },
      answers: { 200: { status: 'success' } },
    },
  ],
  'POST /auth/generateAuthToken': [
    {
      method: 'terra.generateAuthToken()',
      call: (t) => t.generateAuthToken(),
      sends: { path: '/auth/generateAuthToken' },
      answers: { 200: { status: 'success', token: 'tok', expires_in: 180 } },
    },
  ],
  // Data
  ...Object.fromEntries(
    (['activity', 'body', 'daily', 'menstruation', 'nutrition', 'sleep'] as const).map((type) => {
      const name = `get${type[0]?.toUpperCase()}${type.slice(1)}ForUser` as 'getActivityForUser';
      return [
        `GET /${type}`,
        [
          {
            method: `terra.${name}(user, { startDate, endDate, toWebhook: false })`,
            call: (t: Terra) => t[name](USER_ID, { startDate: '2026-07-01', endDate: '2026-07-08', toWebhook: false }),
            sends: {
              path: `/${type}`,
              query: {
                user_id: USER_ID,
                start_date: '2026-07-01',
                end_date: '2026-07-08',
                to_webhook: 'false',
                with_samples: 'true',
              },
            },
            answers: { 200: { user: USER, data: [], type } },
          },
        ],
      ];
    }),
  ),
  'GET /athlete': [
    {
      method: 'terra.getAthleteForUser(user, { toWebhook: false })',
      call: (t) => t.getAthleteForUser(USER_ID, { toWebhook: false }),
      sends: { path: '/athlete', query: { user_id: USER_ID, to_webhook: 'false' } },
      answers: { 200: { user: USER, athlete: fixtures.athlete(), type: 'athlete' } },
    },
  ],
  // Workouts
  'POST /workouts': [
    {
      method: 'terra.workouts.create(template)',
      call: (t) => t.workouts.create(TEMPLATE),
      sends: { path: '/workouts', body: TEMPLATE },
      answers: { 200: { status: 'success', workout_id: WORKOUT_ID } },
    },
  ],
  'GET /workouts': [
    {
      method: 'terra.workouts.list()',
      call: (t) => t.workouts.list(),
      sends: { path: '/workouts' },
      answers: { 200: [{ ...TEMPLATE, workout_id: WORKOUT_ID }] },
    },
  ],
  'GET /workouts/{workout_id}': [
    {
      method: 'terra.workouts.get(workoutId)',
      call: (t) => t.workouts.get(WORKOUT_ID),
      sends: { path: `/workouts/${WORKOUT_ID}` },
      answers: { 200: { ...TEMPLATE, workout_id: WORKOUT_ID } },
    },
  ],
  'DELETE /workouts/{workout_id}': [
    {
      method: 'terra.workouts.delete(workoutId)',
      call: (t) => t.workouts.delete(WORKOUT_ID),
      sends: { path: `/workouts/${WORKOUT_ID}` },
      answers: { 204: undefined, 207: { message: 'deletion failed on GARMIN; template kept' } },
    },
  ],
  'POST /workouts/{workout_id}/plan': [
    {
      method: 'terra.workouts.plan(workoutId, { user, plannedDate, ftp, maxHeartRate, ... })',
      call: (t) =>
        t.workouts.plan(WORKOUT_ID, {
          user: USER_ID,
          plannedDate: '2026-07-14',
          ftp: 250,
          maxHeartRate: 190,
          thresholdHeartRate: 172,
          thresholdSpeed: 4.2,
          poolLengthMeters: 25,
        }),
      sends: {
        path: `/workouts/${WORKOUT_ID}/plan`,
        query: { user_id: USER_ID },
        body: {
          planned_date: '2026-07-14',
          ftp: 250,
          max_heart_rate: 190,
          threshold_heart_rate: 172,
          threshold_speed: 4.2,
          pool_length_meters: 25,
        },
      },
      answers: { 201: { status: 'success', planned_workout_id: PLANNED_WORKOUT_ID, provider_workout_id: '881' } },
    },
  ],
  // Planned workouts
  'GET /plannedWorkouts': [
    {
      method: 'terra.plannedWorkouts.list(user, { startDate, endDate })',
      call: (t) => t.plannedWorkouts.list(USER_ID, { startDate: '2026-07-13', endDate: '2026-07-19' }),
      sends: {
        path: '/plannedWorkouts',
        query: { user_id: USER_ID, start_date: '2026-07-13', end_date: '2026-07-19' },
      },
      answers: { 200: [planned] },
    },
  ],
  'GET /plannedWorkouts/{planned_workout_id}': [
    {
      method: 'terra.plannedWorkouts.get(user, plannedWorkoutId)',
      call: (t) => t.plannedWorkouts.get(USER_ID, PLANNED_WORKOUT_ID),
      sends: { path: `/plannedWorkouts/${PLANNED_WORKOUT_ID}`, query: { user_id: USER_ID } },
      answers: { 200: planned },
    },
  ],
  'PATCH /plannedWorkouts/{planned_workout_id}': [
    {
      method: 'terra.plannedWorkouts.reschedule(user, plannedWorkoutId, plannedDate)',
      call: (t) => t.plannedWorkouts.reschedule(USER_ID, PLANNED_WORKOUT_ID, '2026-07-16'),
      sends: {
        path: `/plannedWorkouts/${PLANNED_WORKOUT_ID}`,
        query: { user_id: USER_ID },
        body: { planned_date: '2026-07-16' },
      },
      answers: { 200: { ...planned, planned_date: '2026-07-16' } },
    },
  ],
  'DELETE /plannedWorkouts/{planned_workout_id}': [
    {
      method: 'terra.plannedWorkouts.delete(user, plannedWorkoutId)',
      call: (t) => t.plannedWorkouts.delete(USER_ID, PLANNED_WORKOUT_ID),
      sends: { path: `/plannedWorkouts/${PLANNED_WORKOUT_ID}`, query: { user_id: USER_ID } },
      answers: { 204: undefined },
    },
  ],
  // Users
  'GET /userInfo': [
    {
      method: 'terra.getUserInfo(user) (also terra.fromUserId)',
      call: (t) => t.getUserInfo(USER_ID),
      sends: { path: '/userInfo', query: { user_id: USER_ID } },
      answers: { 200: { user: USER, status: 'success', is_authenticated: true } },
    },
    {
      method: 'terra.getUsersByReferenceId(referenceId)',
      call: (t) => t.getUsersByReferenceId('user-123'),
      sends: { path: '/userInfo', query: { reference_id: 'user-123' } },
      answers: { 200: [USER] },
    },
  ],
  'GET /subscriptions': [
    {
      method: 'terra.listUsers({ page, perPage }) (also terra.iterateUsers)',
      call: (t) => t.listUsers({ page: 0, perPage: 50 }),
      sends: { path: '/subscriptions', query: { page: '0', per_page: '50' } },
      answers: { 200: { data: { results: [USER], next: null, max_page: 0 } } },
    },
  ],
  'POST /bulkUserInfo': [
    {
      method: 'terra.getUsersInfo(userIds)',
      call: (t) => t.getUsersInfo([USER_ID]),
      sends: { path: '/bulkUserInfo', body: [USER_ID] },
      answers: { 200: [USER] },
    },
  ],
  // Integrations
  'GET /integrations': [
    {
      method: 'terra.listProviders()',
      call: (t) => t.listProviders(),
      sends: { path: '/integrations' },
      answers: { 200: { providers: ['GARMIN'], sdk_providers: ['APPLE'], status: 'success' } },
    },
  ],
  'GET /integrations/detailed': [
    {
      method: 'terra.listProvidersDetailed({ sdk })',
      call: (t) => t.listProvidersDetailed({ sdk: true }),
      sends: { path: '/integrations/detailed', query: { sdk: 'true' } },
      answers: { 200: { providers: [] } },
    },
  ],
  // Lab reports
  'POST /lab-reports': [
    {
      method: 'terra.labReports.upload(file, { referenceId, filename })',
      call: (t) => t.labReports.upload(PDF, { referenceId: 'patient-456', filename: 'panel.pdf' }),
      sends: {
        path: '/lab-reports',
        query: { reference_id: 'patient-456' },
        file: { filename: 'panel.pdf', type: 'application/pdf', bytes: PDF },
      },
      answers: { 202: { upload_id: session.upload_id, current_status: 'processing' } },
    },
  ],
  'GET /lab-reports': [
    {
      method: 'terra.labReports.list(filters)',
      call: (t) =>
        t.labReports.list({
          referenceId: 'patient-456',
          uploadId: session.upload_id,
          reportDateFrom: '2026-06-01',
          reportDateTo: '2026-06-30',
          uploadedAtFrom: '2026-07-01',
          uploadedAtTo: '2026-07-10',
        }),
      sends: {
        path: '/lab-reports',
        query: {
          reference_id: 'patient-456',
          upload_id: session.upload_id,
          report_date_from: '2026-06-01',
          report_date_to: '2026-06-30',
          uploaded_at_from: '2026-07-01',
          uploaded_at_to: '2026-07-10',
        },
      },
      answers: { 200: { sessions: [session] } },
    },
  ],
  'GET /lab-reports/{session_id}': [
    {
      method: 'terra.labReports.get(sessionId) (also waitForResult)',
      call: (t) => t.labReports.get(SESSION_ID),
      sends: { path: `/lab-reports/${SESSION_ID}` },
      answers: { 200: session },
    },
  ],
  'DELETE /lab-reports/{session_id}': [
    {
      method: 'terra.labReports.delete(sessionId)',
      call: (t) => t.labReports.delete(SESSION_ID),
      sends: { path: `/lab-reports/${SESSION_ID}` },
      answers: { 204: undefined },
    },
  ],
  'GET /lab-reports/{session_id}/deliveries': [
    {
      method: 'terra.labReports.deliveries(sessionId)',
      call: (t) => t.labReports.deliveries(SESSION_ID),
      sends: { path: `/lab-reports/${SESSION_ID}/deliveries` },
      answers: {
        200: { deliveries: [{ destination_id: 'd-1', status: 'delivered', attempt_count: 1 }] },
      },
    },
  ],
  'GET /lab-reports/{session_id}/files': [
    {
      method: 'terra.labReports.files(sessionId)',
      call: (t) => t.labReports.files(SESSION_ID),
      sends: { path: `/lab-reports/${SESSION_ID}/files` },
      answers: { 200: { files: [{ filename: 'panel.pdf', presigned_url: 'https://s3.example/panel.pdf?sig=1' }] } },
    },
  ],
};

/** Every operation of the bundle by `METHOD /path`. */
const SPEC = new Map<string, SpecOperation>(specOperations().map((op) => [`${op.method} ${op.path}`, op]));

interface Sent {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | null;
  json: unknown;
  file: { name: string; filename: string; type: string; bytes: Uint8Array } | undefined;
  parts: number;
}

/** Answers every request with `reply`, and records what the client sent. */
function answerWith(reply: () => Response): Sent[] {
  const sent: Sent[] = [];
  server.use(
    http.all(`${BASE}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const contentType = request.headers.get('content-type');
      let json: unknown;
      let file: Sent['file'];
      let parts = 0;
      if (contentType?.startsWith('multipart/form-data')) {
        const form = await request.formData();
        for (const [name, value] of form.entries()) {
          parts++;
          if (value instanceof File) {
            file = { name, filename: value.name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) };
          }
        }
      } else {
        const text = await request.text();
        json = text === '' ? undefined : JSON.parse(text);
      }
      sent.push({
        method: request.method,
        path: url.pathname.slice(new URL(BASE).pathname.length),
        query: Object.fromEntries(url.searchParams),
        contentType,
        json,
        file,
        parts,
      });
      return reply();
    }),
  );
  return sent;
}

const asResponse = (status: number, body: unknown) =>
  body === undefined ? new HttpResponse(null, { status }) : HttpResponse.json(body as Json, { status });

/** The path template with its `{parameters}` as one segment each. */
const templatePattern = (path: string) => new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);

describe("every operation of Terra's spec has a method", () => {
  it('the spec has the 31 operations the table covers, no more, no fewer', () => {
    expect(SPEC.size).toBe(31);
    expect([...SPEC.keys()].filter((op) => !(op in OPERATIONS))).toEqual([]);
    expect(Object.keys(OPERATIONS).filter((op) => !SPEC.has(op))).toEqual([]);
  });

  const rows = Object.entries(OPERATIONS).flatMap(([op, methods]) => methods.map((m) => [op, m.method, m] as const));

  describe.each(rows)('%s: %s', (op, _label, operation) => {
    const [verb, template] = op.split(' ') as [string, string];
    const spec = SPEC.get(op);

    it('sends exactly the request the spec describes', async () => {
      const [status, body] = Object.entries(operation.answers)[0] as [string, unknown];
      const sent = answerWith(() => asResponse(Number(status), body));
      await operation.call(terra());
      expect(sent).toHaveLength(1);
      const request = sent[0] as Sent;
      expect(request.method).toBe(verb);
      expect(request.path).toBe(operation.sends.path);
      expect(request.path).toMatch(templatePattern(template));
      expect(request.query).toEqual(operation.sends.query ?? {});
      // Every query parameter sent is one the spec declares, and every required one is sent.
      const queryParams = (spec?.parameters ?? []).filter((p) => p.in === 'query');
      for (const key of Object.keys(request.query)) expect(queryParams.map((p) => p.name)).toContain(key);
      for (const p of queryParams.filter((p) => p.required === true))
        expect(request.query).toHaveProperty(String(p.name));
      const requestBody = spec?.requestBody;
      if (operation.sends.file) {
        expect(request.contentType).toMatch(/^multipart\/form-data; boundary=/);
        expect(request.parts).toBe(1);
        expect(request.file).toEqual({ name: 'file', ...operation.sends.file });
      } else if (operation.sends.body !== undefined) {
        expect(requestBody?.mediaTypes).toContain('application/json');
        expect(request.contentType).toBe('application/json');
        expect(request.json).toEqual(operation.sends.body);
      } else {
        expect(requestBody?.required === true).toBe(false);
        expect(request.json).toBeUndefined();
      }
    });

    const documented = (spec?.responses ?? []).map(Number);

    it('has an answer for each success status the spec documents', () => {
      expect(Object.keys(operation.answers).map(Number).sort()).toEqual(documented.filter((s) => s < 300).sort());
    });

    for (const [status, body] of Object.entries(operation.answers)) {
      it(`a ${status} answer resolves with that status and a validated result`, async () => {
        answerWith(() => asResponse(Number(status), body));
        const response = await operation.call(terra());
        expect(response.status).toBe(Number(status));
        const parsed = response.getParsedResponse();
        if (status === '204') expect(parsed).toEqual({ kind: 'Deleted' });
        if (status === '207') {
          expect(parsed).toEqual({ kind: 'PartlyDeleted', message: (body as { message: string }).message });
        }
      });
    }

    const ERRORS: Record<number, new (...args: never[]) => TerraApiError> = {
      400: TerraBadRequestError,
      401: TerraAuthenticationError,
      403: TerraForbiddenError,
      404: TerraNotFoundError,
      413: TerraPayloadTooLargeError,
      424: TerraProviderError,
      429: TerraRateLimitError,
    };
    for (const status of documented.filter((s) => s >= 400)) {
      it(`a ${status} answer rejects with ${(ERRORS[status] ?? TerraServerError).name}`, async () => {
        const problem = {
          type: 'about:blank',
          title: 'error',
          instance: operation.sends.path,
          detail: 'what Terra said',
        };
        answerWith(() => HttpResponse.json(problem, { status }));
        const error = await operation.call(terra()).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ERRORS[status] ?? TerraServerError);
        expect(error).toMatchObject({ status, method: verb, path: operation.sends.path, detail: 'what Terra said' });
      });
    }
  });
});
