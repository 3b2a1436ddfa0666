/**
 * Every payload of the corpus (real and quoted Terra payloads, see SOURCES.md) through the path a user
 * takes: webhooks signed as Terra signs them and POSTed to `createFetchHandler(createWebhookHandler())`,
 * API responses served by msw to the client. Each must reach the listener of its type (or the call
 * must resolve) with no field lost, and drift must be reported exactly where the SDK's schema differs
 * from the payload, as `manifest.json` records. Then the cases issue 10 names: a deauth with
 * `provider: null`, the connection guide's three examples, and one error per identifying field.
 */
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { EVIDENCE, OVERRIDES } from '../../scripts/generate-models.js';
import { createFetchHandler } from '../../src/adapters/fetch.js';
import type { TerraApiResponse } from '../../src/index.js';
import { TerraValidationError } from '../../src/index.js';
import type { SchemaDrift } from '../../src/models/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { KNOWN_WEBHOOK_EVENT_TYPES, type TerraWebhookEvent } from '../../src/webhooks/events.js';
import {
  createWebhookHandler,
  type WebhookDriftContext,
  type WebhookErrorContext,
} from '../../src/webhooks/handler.js';
import type { WebhookDelivery } from '../../src/webhooks/index.js';
import { signWebhook } from '../../src/webhooks/sign.js';
import { BASE, server, terra } from '../client/support.js';
import { type CorpusEntry, readManifest, readPayload, specIssues } from './support.js';

const SECRET = 'corpus-test-secret-5b1e';
const manifest = readManifest();
const webhooks = manifest.filter((entry) => entry.kind === 'webhook');
const responses = manifest.filter((entry) => entry.kind === 'response');
const byFile = (file: string) => {
  const entry = manifest.find((e) => e.file === file);
  if (!entry) throw new Error(`${file} is not in the corpus manifest`);
  return entry;
};

/** What one delivery did: which listeners ran with what, what went to onDrift and onError. */
interface Outcome {
  status: number;
  calls: { listener: string; event: TerraWebhookEvent; delivery: WebhookDelivery }[];
  drifts: { drift: readonly SchemaDrift[]; context: WebhookDriftContext }[];
  errors: { error: unknown; context: WebhookErrorContext }[];
}

/** Signs `body` (bytes as given) and POSTs it through a handler with a listener on every type. */
async function deliver(body: string | object): Promise<Outcome> {
  const outcome: Outcome = { status: 0, calls: [], drifts: [], errors: [] };
  const handler = createWebhookHandler({
    secret: SECRET,
    onError: (error, context) => void outcome.errors.push({ error, context }),
    onDrift: (drift, context) => void outcome.drifts.push({ drift, context }),
  });
  for (const type of [...KNOWN_WEBHOOK_EVENT_TYPES, 'unknown' as const]) {
    handler.on(
      type,
      (event: TerraWebhookEvent, delivery) => void outcome.calls.push({ listener: type, event, delivery }),
    );
  }
  const signed = await signWebhook({ payload: typeof body === 'string' ? body : JSON.stringify(body), secret: SECRET });
  const response = await createFetchHandler(handler)(
    new Request('https://app.test/webhooks/terra', { method: 'POST', body: signed.body, headers: signed.headers }),
  );
  outcome.status = response.status;
  // onDrift and onError are not awaited by the response; let them run.
  await new Promise((resolve) => setTimeout(resolve, 0));
  return outcome;
}

const driftKeys = (drift: readonly SchemaDrift[]) => drift.map((d) => `${d.path} ${d.code}`);

describe('the corpus', () => {
  it('holds the payloads the manifest lists, each with a source', () => {
    expect(webhooks.length).toBeGreaterThanOrEqual(12);
    expect(responses.length).toBeGreaterThanOrEqual(18);
    for (const entry of manifest) {
      const { source } = entry;
      expect(source.repository ?? source.url ?? source.quotedIn, entry.file).toBeTruthy();
      expect(readPayload(entry).json, entry.file).toBeTypeOf('object');
    }
  });
});

describe('every webhook of the corpus, signed and sent through createFetchHandler', () => {
  it.each(webhooks.map((entry) => [entry.file, entry] as const))(
    '%s reaches the listener of its type, whole, with the drift the manifest records',
    async (_, entry) => {
      const { text, json } = readPayload(entry);
      const { status, calls, drifts, errors } = await deliver(text);
      expect(status).toBe(200);
      expect(errors).toEqual([]);
      expect(calls.map((c) => c.listener)).toEqual([entry.eventType]);
      const [call] = calls;
      // No field lost or rewritten: the event is the body, as JSON, exactly.
      expect(call?.event).toStrictEqual(json);
      expect(driftKeys(call?.delivery.drift ?? [])).toEqual(entry.sdkDrift);
      expect(drifts).toHaveLength(entry.sdkDrift.length > 0 ? 1 : 0);
    },
  );

  it.each(webhooks.map((entry) => [entry.file, entry] as const))(
    '%s: a best-effort field of another kind is reported as drift at its path, and the event still delivered',
    async (_, entry) => {
      const json = readPayload(entry).json as Record<string, unknown>;
      // A field of the event's own schema that is not identifying: `occurred_at` for lab reports, else `status`.
      const field = entry.eventType?.startsWith('lab_report.') ? 'occurred_at' : 'status';
      const drifted = { ...json, [field]: 404 };
      const { status, calls, drifts, errors } = await deliver(drifted);
      expect(status).toBe(200);
      expect(errors).toEqual([]);
      expect(calls.map((c) => c.listener)).toEqual([entry.eventType]);
      expect(calls[0]?.event).toStrictEqual(drifted);
      const expected = [...entry.sdkDrift, `$.${field} invalid_type`].sort();
      expect(driftKeys(calls[0]?.delivery.drift ?? []).sort()).toEqual(expected);
      expect(drifts).toHaveLength(1);
      expect(drifts[0]?.context.eventType).toBe(entry.eventType);
      expect(drifts[0]?.drift).toBe(calls[0]?.delivery.drift);
      expect(JSON.stringify(drifts[0]?.drift)).not.toContain('404');
    },
  );

  it.each(webhooks.filter((entry) => entry.specModel).map((entry) => [entry.file, entry] as const))(
    '%s differs from Terra’s spec only where the manifest says, each place covered by an override of the generator',
    (_, entry) => {
      const found = specIssues(entry);
      const recorded = entry.specDrift ?? [];
      expect(found.map((i) => `${i.path} ${i.keyword}`).sort()).toEqual(
        recorded.map((d) => `${d.path} ${d.keyword}`).sort(),
      );
      for (const { keyword, override } of recorded) {
        const change = OVERRIDES[override];
        expect(change, override).toBeDefined();
        expect(EVIDENCE[change?.evidence as keyof typeof EVIDENCE], override).toBeDefined();
        // The override relaxes exactly what the payload breaks: a missing field, a null, another word.
        if (keyword === 'required') expect(change?.presence, override).toBe('optional');
        if (keyword === 'type') expect(change?.nullable, override).toBe(true);
        if (keyword === 'const') expect(change?.open, override).toBe(true);
      }
    },
  );
});

describe('what issue 10 says must be delivered', () => {
  it('a deauth whose user.provider is null (Terra’s own test data) reaches the deauth listener', async () => {
    const entry = byFile('webhooks/deauth--terra-client-js--2.json');
    const { text, json } = readPayload(entry);
    expect((json as { user: { provider: unknown } }).user.provider).toBeNull();
    const { calls, errors } = await deliver(text);
    expect(errors).toEqual([]);
    expect(calls.map((c) => c.listener)).toEqual(['deauth']);
    const event = calls[0]?.event;
    expect(event?.type === 'deauth' && event.user.provider).toBeNull();
    expect(calls[0]?.delivery.drift).toEqual([]);
  });

  it.each([
    ['webhooks/auth--connection-guide--1.json', 'auth'],
    ['webhooks/deauth--connection-guide--1.json', 'deauth'],
    ['webhooks/connection_error--connection-guide--1.json', 'connection_error'],
  ])('the connection guide’s example %s reaches the %s listener', async (file, type) => {
    const { text, json } = readPayload(byFile(file));
    const { calls, errors } = await deliver(text);
    expect(errors).toEqual([]);
    expect(calls.map((c) => c.listener)).toEqual([type]);
    expect(calls[0]?.event).toStrictEqual(json);
  });

  it('a real sleep test delivery without version reaches the sleep listener', async () => {
    const { text } = readPayload(byFile('webhooks/sleep--cannes-eth--1.json'));
    const { calls, errors } = await deliver(text);
    expect(errors).toEqual([]);
    expect(calls.map((c) => [c.listener, 'version' in c.event])).toEqual([['sleep', false]]);
  });
});

describe('only a broken identifying field is an error (answered 200, given to onError, no listener)', () => {
  const payload = (file: string) => readPayload(byFile(file)).json as Record<string, unknown>;
  const guideDeauth = () => payload('webhooks/deauth--connection-guide--1.json');
  const sleep = () => payload('webhooks/sleep--cannes-eth--1.json');
  const lab = () => payload('webhooks/lab_report.completed--agent-skills--1.json');
  const cases: [string, () => unknown, string][] = [
    ['the body is not an object', () => ['deauth'], '$'],
    ['type is missing', () => ({ ...guideDeauth(), type: undefined }), '$.type'],
    ['type is not a string', () => ({ ...guideDeauth(), type: 7 }), '$.type'],
    ['user is missing', () => ({ ...guideDeauth(), user: undefined }), '$.user'],
    ['user is not an object', () => ({ ...guideDeauth(), user: 'someone' }), '$.user'],
    ['user.user_id is missing', () => ({ ...guideDeauth(), user: { provider: 'OURA' } }), '$.user.user_id'],
    ['user.user_id is empty', () => ({ ...guideDeauth(), user: { user_id: '' } }), '$.user.user_id'],
    ['user.user_id is a number', () => ({ ...guideDeauth(), user: { user_id: 42 } }), '$.user.user_id'],
    ['data is missing', () => ({ ...sleep(), data: undefined }), '$.data'],
    ['data is not an array', () => ({ ...sleep(), data: { night: 1 } }), '$.data'],
    ['a data record is not an object', () => ({ ...sleep(), data: [...(sleep().data as []), null] }), '$.data[1]'],
    [
      'new_user.user_id of a user_reauth is missing',
      () => ({ ...fixtures.event('user_reauth'), new_user: { provider: 'GARMIN' } }),
      '$.new_user.user_id',
    ],
    ['event_id of a lab report is missing', () => ({ ...lab(), event_id: undefined }), '$.event_id'],
    ['event_id of a lab report is empty', () => ({ ...lab(), event_id: '' }), '$.event_id'],
    [
      'athlete of an athlete event is not an object',
      () => ({ ...fixtures.event('athlete'), athlete: [] }),
      '$.athlete',
    ],
    ['url of an s3_payload is missing', () => ({ ...fixtures.event('s3_payload'), url: undefined }), '$.url'],
  ];

  it.each(cases)('%s', async (_, make, path) => {
    const json = make();
    const { status, calls, drifts, errors } = await deliver(JSON.stringify(json));
    expect(status).toBe(200);
    expect(calls).toEqual([]);
    expect(drifts).toEqual([]);
    expect(errors).toHaveLength(1);
    const [{ error, context } = { error: undefined, context: undefined }] = errors;
    expect(error).toBeInstanceOf(TerraValidationError);
    expect((error as TerraValidationError).issues.map((i) => i.path)).toEqual([path]);
    expect(context).toMatchObject({
      phase: 'event',
      status: 200,
      afterResponse: false,
      json: JSON.parse(JSON.stringify(json)),
    });
  });
});

/** How the client is called for each endpoint of the corpus. */
const CALLS: Record<string, ((entry: CorpusEntry) => Promise<TerraApiResponse<unknown>>) | null> = {
  'GET /integrations': () => terra().listProviders(),
  'GET /integrations/detailed': () => terra().listProvidersDetailed(),
  'POST /auth/authenticateUser': () => terra().generateAuthenticationUrl({ resource: 'FITBIT' }),
  'POST /auth/generateWidgetSession': () => terra().generateWidgetSession(),
  'POST /auth/generateAuthToken': () => terra().generateAuthToken(),
  'DELETE /auth/deauthenticateUser': () => terra().deauthenticateUser('user-1'),
  'GET /userInfo': () => terra().getUserInfo('user-1'),
  'GET /subscriptions': () => terra().listUsers(),
  'POST /bulkUserInfo': () => terra().getUsersInfo(['user-1']),
  'GET /activity': (e) => terra().getActivityForUser('user-1', { startDate: '2024-01-01', toWebhook: inline(e) }),
  'GET /sleep': (e) => terra().getSleepForUser('user-1', { startDate: '2024-01-01', toWebhook: inline(e) }),
  'GET /menstruation': (e) =>
    terra().getMenstruationForUser('user-1', { startDate: '2024-01-01', toWebhook: inline(e) }),
  'GET /athlete': (e) => terra().getAthleteForUser('user-1', { toWebhook: inline(e) }),
  // Not a method of the client (yet): PATCH /users/{user_id} is in Terra's Fern definition, not in the spec.
  'PATCH /users/{user_id}': null,
};
const inline = (entry: CorpusEntry) => entry.request?.toWebhook ?? true;

describe('every API response of the corpus, served by msw to the client', () => {
  const callable = responses.filter((entry) => CALLS[entry.endpoint ?? ''] !== null);

  it('has a client call for every endpoint but the ones listed as without one', () => {
    for (const entry of responses) expect(Object.hasOwn(CALLS, entry.endpoint ?? ''), entry.file).toBe(true);
    expect(responses.filter((e) => CALLS[e.endpoint ?? ''] === null).map((e) => e.endpoint)).toEqual([
      'PATCH /users/{user_id}',
    ]);
  });

  it.each(callable.map((entry) => [entry.file, entry] as const))(
    '%s: the call resolves, getJson() is the body as sent, and the parsed result holds it',
    async (_, entry) => {
      const { text, json } = readPayload(entry);
      const [method, path] = (entry.endpoint as string).split(' ') as [string, string];
      server.use(
        http[method.toLowerCase() as 'get' | 'post' | 'delete'](`${BASE}${path}`, () =>
          HttpResponse.text(text, { headers: { 'content-type': 'application/json' } }),
        ),
      );
      const response = await (CALLS[entry.endpoint as string] as NonNullable<(typeof CALLS)[string]>)(entry);
      expect(response.rawBody).toBe(text);
      expect(response.getJson()).toStrictEqual(json);
      expect(driftKeys(response.drift)).toEqual(entry.sdkDrift);
      const parsed = response.getParsedResponse() as Record<string, unknown>;
      const body = json as Record<string, unknown>;
      if (entry.endpoint === 'GET /athlete' && !inline(entry)) {
        expect(parsed.kind).toBe('DataReturned');
        expect(parsed.data).toStrictEqual(body.athlete);
      } else if (['GET /activity', 'GET /sleep', 'GET /menstruation'].includes(entry.endpoint as string)) {
        expect(parsed.kind).toBe(inline(entry) ? 'SentToWebhook' : 'DataReturned');
        if (!inline(entry)) expect(parsed.data).toStrictEqual(body.data);
        else expect(parsed).toMatchObject(body);
      } else {
        expect(parsed).toMatchObject(body as object);
      }
    },
  );
});
