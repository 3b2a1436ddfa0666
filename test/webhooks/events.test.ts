import { describe, expect, expectTypeOf, it } from 'vitest';
import { TerraValidationError } from '../../src/errors.js';
import {
  DATA_EVENT_TYPES,
  EVENT_REGISTRY,
  EVENT_SCHEMAS,
  eventKind,
  type IdentifyingRules,
  LARGE_REQUEST_EVENT_TYPES,
  LIFECYCLE_EVENT_TYPES,
  REGISTERED_EVENT_TYPES,
} from '../../src/models/event-registry.js';
import { IDENTIFYING_FIELDS } from '../../src/models/identifying.js';
import type { AthleteEvent, AuthSuccessEvent, SchemaDrift, WebhookEventType } from '../../src/models/index.js';
import {
  isAuthFailure,
  isKnownEventType,
  KNOWN_WEBHOOK_EVENT_TYPES,
  type LegacyAuthErrorEvent,
  parseEvent,
  type TerraWebhookEvent,
  type TerraWebhookEventOf,
  type UnknownWebhookEvent,
} from '../../src/webhooks/events.js';
import { USER } from '../support/payloads.js';
import { specWebhooks } from '../support/spec.js';
import { activityEvent, webhookSectionExamples } from '../support/webhooks.js';

/** Reads one field of every event type: compiles only if `switch` narrows each case and covers them all. */
function summarize(event: TerraWebhookEvent): string {
  switch (event.type) {
    case 'auth':
      return isAuthFailure(event) ? `auth failed: ${event.reason}` : `auth ${event.user.user_id}`;
    case 'auth_cancelled':
      return `cancelled: ${event.reason}`;
    case 'deauth':
    case 'access_revoked':
    case 'connection_error':
    case 'google_no_datasource':
      return `${event.type} ${event.user.user_id}`;
    case 'user_reauth':
      return `reauth ${event.old_user?.user_id} -> ${event.new_user.user_id}`;
    case 'permission_change':
      return `scopes +${event.scopes_added} -${event.scopes_removed}`;
    case 'large_request_processing':
      return `processing ${event.reference}`;
    case 'large_request_sending':
      return `sending ${event.expected_payloads}`;
    case 'activity':
    case 'body':
    case 'daily':
    case 'menstruation':
    case 'nutrition':
    case 'sleep':
      return `${event.type} x${event.data.length} for ${event.user.user_id}`;
    case 'athlete':
      return `athlete ${event.athlete.first_name}`;
    case 'planned_workout':
      return `planned x${event.data.length}`;
    case 'hormone':
      return `hormone ${event.data[0]?.timestamp}`;
    case 'health_observation':
      return `observation ${event.data[0]?.metadata.summary_id}`;
    case 'lab_report.completed':
    case 'lab_report.failed':
      return `${event.type} ${event.event_id}`;
    case 's3_payload':
      return `s3 ${event.expires_in}`;
    case 'healthcheck':
      return `healthcheck ${event.sent_webhooks_last_hour}`;
    case 'processing':
      return `processing ${event.user.user_id} ${event.retry_after_seconds}`;
    case 'rate_limit_hit':
      return `rate limited until ${event.retrying_at}`;
    case 'request_processing':
      return `request processing for ${event.user.user_id}`;
    case 'request_completed':
      return `request ${event.reference} completed for ${event.user.user_id}`;
    case 'unknown':
      return `unknown ${event.receivedType}`;
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/** The `type` constant of each arm of the spec's WebhookEventType union (test/fixtures/spec/webhooks.json). */
function specEventTypes(): string[] {
  return specWebhooks().eventTypes.map((t) => t.type);
}

/** An event for each spec type: the bundle's webhook examples, then field examples for the rest. */
function specEvents(): { where: string; value: Record<string, unknown> }[] {
  const events = webhookSectionExamples().map((e) => ({ where: `webhooks.${e.entry} ${e.name}`, value: e.value }));
  const built = specWebhooks().fromFieldExamples;
  for (const name of ['PlannedWorkoutEvent', 'HormoneEvent', 'HealthObservationEvent']) {
    const event = built.find((e) => e.model === name);
    events.push({ where: `components.schemas.${name} (field examples)`, value: event?.value ?? {} });
  }
  return events;
}

describe('every event type of the spec', () => {
  it('is known to the SDK, along with the four Terra sends outside the spec and terra-python’s two', () => {
    const spec = specEventTypes();
    expect(spec).toHaveLength(22);
    expect(new Set(spec).size).toBe(22);
    expect([...KNOWN_WEBHOOK_EVENT_TYPES].sort()).toEqual(
      [
        ...spec,
        'healthcheck',
        'processing',
        'rate_limit_hit',
        'google_no_datasource',
        'request_processing',
        'request_completed',
      ].sort(),
    );
    for (const type of spec) expect(isKnownEventType(type)).toBe(true);
    expect(isKnownEventType('route')).toBe(false);
    expect(isKnownEventType('toString')).toBe(false);
  });

  it('parses from the spec examples, in place, and narrows to its own type', () => {
    const seen = new Set<string>();
    for (const { where, value } of specEvents()) {
      const event = parseEvent(value);
      expect(event, where).toBe(value);
      expect(event.type, where).toBe(value.type);
      expect(summarize(event), where).not.toMatch(/undefined x|unknown/);
      seen.add(event.type);
    }
    expect([...seen].sort()).toEqual(specEventTypes().sort());
  });

  it('covers each entry of the bundle webhooks: section, s3_upload carrying an s3_payload body', () => {
    const entries = new Set(webhookSectionExamples().map((e) => e.entry));
    expect(entries.size).toBe(specWebhooks().entries.length);
    const s3 = webhookSectionExamples().find((e) => e.entry === 's3_upload');
    expect(parseEvent(s3?.value).type).toBe('s3_payload');
  });
});

describe('auth events', () => {
  const success = { type: 'auth', status: 'success', user: USER, reference_id: 'user-123', widget_session_id: 'w1' };
  const legacyFailure = {
    type: 'auth',
    status: 'error',
    reason: 'access_denied',
    reference_id: 'user-123',
    widget_session_id: 'w1',
    message: 'User denied access',
    provider: 'FITBIT',
    user: null,
  };
  const cancelled = { type: 'auth_cancelled', status: 'error', reason: 'access_denied', reference_id: 'user-123' };

  it('tells the two failure shapes apart from a success', () => {
    const ok = parseEvent(success);
    const failed = parseEvent(legacyFailure);
    const cancel = parseEvent(cancelled);
    expect(isAuthFailure(ok)).toBe(false);
    expect(isAuthFailure(failed)).toBe(true);
    expect(isAuthFailure(cancel)).toBe(true);
    expect(summarize(ok)).toBe(`auth ${USER.user_id}`);
    expect(summarize(failed)).toBe('auth failed: access_denied');
    expect(summarize(cancel)).toBe('cancelled: access_denied');
    // A success must carry a user; a failure need not.
    expect(() => parseEvent({ ...success, user: undefined })).toThrow(TerraValidationError);
    expect(parseEvent({ ...legacyFailure, user: undefined }).type).toBe('auth');
  });

  it('delivers an auth event with another status word (the connection guide’s "authenticated") as a success', () => {
    expect(parseEvent({ ...success, status: 'authenticated' })).toMatchObject({
      type: 'auth',
      status: 'authenticated',
    });
  });

  it('types the listener argument of auth as success or legacy failure', () => {
    expectTypeOf<TerraWebhookEventOf<'auth'>>().toEqualTypeOf<AuthSuccessEvent | LegacyAuthErrorEvent>();
  });
});

describe('events outside the spec', () => {
  it.each([
    [
      {
        type: 'healthcheck',
        creation_timestamp: '2026-07-01T09:00:00Z',
        trend_percentage: -3,
        sent_webhooks_last_hour: 12,
      },
    ],
    [{ type: 'healthcheck' }],
    [{ type: 'processing', status: 'success', message: 'Processing', user: USER, retry_after_seconds: 30 }],
    [
      {
        type: 'rate_limit_hit',
        user: USER,
        start_date: '2026-01-01',
        end_date: '2026-02-01',
        retrying_at: '2026-07-01T10:00:00Z',
        message: 'Rate limited',
      },
    ],
    [{ type: 'google_no_datasource', status: 'warning', message: 'No data source', user: USER }],
  ])('parses %j', (value) => {
    expect(parseEvent(value)).toBe(value);
  });

  it('requires the user of user-scoped ones', () => {
    for (const type of ['processing', 'rate_limit_hit', 'google_no_datasource']) {
      expect(catchError(() => parseEvent({ type })).issues.map((i) => i.path)).toContain('$.user');
    }
  });
});

describe('unknown event types', () => {
  it.each(['route', 'foo', 's3_upload', 'unknown', 'constructor'])(
    'delivers %s as an unknown event with its JSON',
    (type) => {
      const json = { type, user: USER, data: [{ anything: true }] };
      const event = parseEvent(json);
      expect(event).toEqual({ type: 'unknown', receivedType: type, json });
      expect((event as UnknownWebhookEvent).json).toBe(json);
      expect(summarize(event)).toBe(`unknown ${type}`);
    },
  );
});

describe('malformed events', () => {
  it('rejects a value that is not an object with a string type', () => {
    for (const value of [null, 42, 'activity', [], {}, { type: 7 }]) {
      const error = catchError(() => parseEvent(value));
      expect(error.message).toMatch(/^The webhook event does not match the WebhookEvent schema/);
    }
    expect(catchError(() => parseEvent({ type: 7 })).issues[0]?.path).toBe('$.type');
  });

  it('gives the JSON path of a broken identifying field, never the values', () => {
    const event = activityEvent(3) as { user: Record<string, unknown>; data: Record<string, unknown>[] };
    const noUser = catchError(() => parseEvent({ ...event, user: undefined }));
    expect(noUser.issues.map((i) => i.path)).toEqual(['$.user']);
    expect(noUser.model).toBe('ActivityEvent');
    expect(noUser.message).toMatch(/^The activity webhook event does not match the ActivityEvent schema/);
    const noUserId = catchError(() =>
      parseEvent({ ...event, user: { provider: 'GARMIN', reference_id: 'secret-ref' } }),
    );
    expect(noUserId.issues.map((i) => i.path)).toEqual(['$.user.user_id']);
    expect(noUserId.message).not.toContain('secret-ref');
  });

  it('delivers a known event that drifts elsewhere, as the same object, and gives the drift to onDrift once', () => {
    const event = activityEvent(3) as { data: { metadata: Record<string, unknown> }[] };
    const drifted = structuredClone(event);
    (drifted.data[0] as { metadata: Record<string, unknown> }).metadata.summary_id = 1234567;
    const reports: (readonly SchemaDrift[])[] = [];
    const parsed = parseEvent(drifted, { onDrift: (drift) => reports.push(drift) });
    expect(parsed).toBe(drifted);
    expect(parsed.type).toBe('activity');
    expect(reports).toHaveLength(1);
    expect(reports[0]?.map((d) => [d.path, d.code])).toEqual([['$.data[0].metadata.summary_id', 'invalid_type']]);
    expect(JSON.stringify(reports)).not.toContain('1234567');
    // Without drift, onDrift is not called.
    parseEvent(event, { onDrift: (drift) => reports.push(drift) });
    expect(reports).toHaveLength(1);
  });

  it('reads athlete events from athlete, not data', () => {
    const athlete = {
      type: 'athlete',
      user: USER,
      version: '2022-03-16',
      athlete: { first_name: 'Ada', sex: 'female' },
    };
    const event = parseEvent(athlete);
    expect(summarize(event)).toBe('athlete Ada');
    const withData = catchError(() =>
      parseEvent({ type: 'athlete', user: USER, version: '2022-03-16', data: [athlete.athlete] }),
    );
    expect(withData.issues.map((i) => i.path)).toEqual(['$.athlete']);
    expectTypeOf<AthleteEvent>().not.toHaveProperty('data');
    expectTypeOf<TerraWebhookEventOf<'athlete'>>().toEqualTypeOf<AthleteEvent>();
  });

  it('accepts empty data and keeps fields it does not know', () => {
    const empty = { type: 'sleep', user: USER, version: '2022-03-16', data: [], new_field: { nested: 1 } };
    expect(parseEvent(empty)).toEqual(empty);
    expect(summarize(parseEvent(empty))).toBe(`sleep x0 for ${USER.user_id}`);
  });

  it('reads a user_reauth whose old user is null, and one whose old user is missing', () => {
    const reauth = { type: 'user_reauth', status: 'warning', message: 'Re-authenticated', new_user: USER };
    expect(summarize(parseEvent({ ...reauth, old_user: null }))).toBe(`reauth undefined -> ${USER.user_id}`);
    expect(summarize(parseEvent(reauth))).toBe(`reauth undefined -> ${USER.user_id}`);
  });
});

describe('the union type', () => {
  it('contains every spec event type', () => {
    expectTypeOf<WebhookEventType>().toExtend<TerraWebhookEvent>();
    expectTypeOf<TerraWebhookEventOf<'unknown'>>().toEqualTypeOf<UnknownWebhookEvent>();
  });
});

function catchError(fn: () => unknown): TerraValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TerraValidationError);
    return error as TerraValidationError;
  }
  throw new Error('expected a TerraValidationError');
}

describe('the event registry', () => {
  it('has one row per known type, and is where every list of types comes from', () => {
    expect(Object.keys(EVENT_REGISTRY)).toEqual([...KNOWN_WEBHOOK_EVENT_TYPES]);
    expect(Object.keys(EVENT_SCHEMAS)).toEqual(Object.keys(EVENT_REGISTRY));
    for (const [type, row] of Object.entries(EVENT_REGISTRY)) {
      expect(IDENTIFYING_FIELDS[row.model], type).toBe(row.identifying);
      expect(eventKind(type)).toBe(row.kind);
    }
    const kinds = [...LIFECYCLE_EVENT_TYPES, ...DATA_EVENT_TYPES, ...LARGE_REQUEST_EVENT_TYPES];
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const type of kinds) expect(isKnownEventType(type)).toBe(true);
    expect(eventKind('route')).toBeUndefined();
    expect(eventKind('toString')).toBeUndefined();
  });

  it('tells data events by their identifying records', () => {
    for (const type of DATA_EVENT_TYPES) {
      const identifying: IdentifyingRules = EVENT_REGISTRY[type].identifying;
      expect(identifying.data === 'records' || identifying.athlete === 'object', type).toBe(true);
    }
    for (const type of REGISTERED_EVENT_TYPES.filter((t) => eventKind(t) !== 'data')) {
      expect((EVENT_REGISTRY[type].identifying as IdentifyingRules).data, type).toBeUndefined();
    }
  });

  it('has a lifecycle event for each way a connection is made, changed or lost', () => {
    expect([...LIFECYCLE_EVENT_TYPES].sort()).toEqual([
      'access_revoked',
      'auth',
      'auth_cancelled',
      'connection_error',
      'deauth',
      'permission_change',
      'user_reauth',
    ]);
    expect([...LARGE_REQUEST_EVENT_TYPES].sort()).toEqual(['large_request_processing', 'large_request_sending']);
  });
});
