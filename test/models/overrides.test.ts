/**
 * The generator's table of overrides (`OVERRIDES` in scripts/generate-models.ts): real payloads that
 * the spec alone would reject parse, answers that must carry a field are rejected without it, and
 * the identifying fields of events stay required.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Terra, User } from '../../src/index.js';
import {
  type AccessRevokedEvent,
  ActivityEventSchema,
  type AuthSuccessEvent,
  AuthSuccessEventSchema,
  AuthTokenSchema,
  ConnectionErrorEventSchema,
  type DeauthEvent,
  DeauthEventSchema,
  LabReportFailedEventSchema,
  type LargeRequestSendingEvent,
  LargeRequestSendingEventSchema,
  PermissionChangeEventSchema,
  parseModel,
  SleepEventSchema,
  type TerraUser,
  TerraValidationError,
  type UserAuthUrl,
  UserAuthUrlSchema,
  UserInfoSchema,
  type UserInfoUser,
  UserReauthEventSchema,
  type WidgetSession,
  WidgetSessionSchema,
} from '../../src/models/index.js';
import { activityEvent } from '../support/webhooks.js';

const user = {
  user_id: '5a3c2540-7139-44c6-8158-f81196e2cf2e',
  provider: 'FITBIT',
  reference_id: 'person-1',
  scopes: 'activity:read,sleep:read',
  active: true,
};

/** The issues' JSON paths of the TerraValidationError that `fn` throws. */
function failingPaths(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TerraValidationError);
    return (error as TerraValidationError).issues.map((issue) => issue.path);
  }
  throw new Error('expected a TerraValidationError');
}

describe('fields real traffic leaves out, nulls or words otherwise', () => {
  it('a deauth whose user has provider null (as in Terra’s own terra-client-js test data) parses', () => {
    const body = {
      type: 'deauth',
      status: 'success',
      message: 'User has deauthenticated',
      user: { ...user, provider: null },
    };
    const event = parseModel(DeauthEventSchema, body);
    expect(event.user.provider).toBeNull();
    expect(event.user.user_id).toBe(user.user_id);
  });

  it('a user without provider, reference_id, scopes or created_at parses; the same holds for /userInfo’s user', () => {
    const bare = { type: 'deauth', user: { user_id: 'u-1' } };
    expect(parseModel(DeauthEventSchema, bare).user).toEqual({ user_id: 'u-1' });
    const info = parseModel(UserInfoSchema, { status: 'success', user: { user_id: 'u-1', provider: null } });
    expect(info.user?.provider).toBeNull();
  });

  it('an activity, body or sleep event without version (Terra’s dashboard test webhooks) parses', () => {
    const { version: _dropped, ...event } = activityEvent(2) as { version?: string };
    expect(event).not.toHaveProperty('version');
    const parsed = parseModel(ActivityEventSchema, event);
    expect(parsed.version).toBeUndefined();
    expect(parsed.data.length).toBeGreaterThan(0);
    expect(parseModel(SleepEventSchema, { type: 'sleep', user, data: [] }).version).toBeUndefined();
  });

  it('an auth event with status "authenticated" and a top-level reference_id "null" parses, typed', () => {
    const body = { type: 'auth', status: 'authenticated', user, reference_id: 'null', version: '2022-03-16' };
    const event = parseModel(AuthSuccessEventSchema, body);
    expect(event.status).toBe('authenticated');
    expect(event.reference_id).toBe('null');
    expect(event.version).toBe('2022-03-16');
    expect(parseModel(AuthSuccessEventSchema, { type: 'auth', user, reference_id: null }).reference_id).toBeNull();
    // Typed, not only kept: a wrong type in an added field is still reported.
    expect(failingPaths(() => parseModel(AuthSuccessEventSchema, { type: 'auth', user, reference_id: 7 }))).toEqual([
      '$.reference_id',
    ]);
  });

  it('the connection guide’s deauth and connection_error examples parse: other status words, no message', () => {
    expect(parseModel(DeauthEventSchema, { type: 'deauth', user, status: 'deauthenticated' }).status).toBe(
      'deauthenticated',
    );
    const error = { type: 'connection_error', user, message: 'Token refresh failed' };
    expect(parseModel(ConnectionErrorEventSchema, error).status).toBeUndefined();
    expect(parseModel(ConnectionErrorEventSchema, { type: 'connection_error', user, status: null })).toBeTruthy();
  });

  it('scope deltas, expected_payloads and old_user may be missing or null', () => {
    const change = { type: 'permission_change', user, scopes_added: null };
    expect(parseModel(PermissionChangeEventSchema, change).scopes_removed).toBeUndefined();
    const sending = { type: 'large_request_sending', user, reference: 'ref-1' };
    expect(parseModel(LargeRequestSendingEventSchema, sending).expected_payloads).toBeUndefined();
    const reauth = { type: 'user_reauth', new_user: user, old_user: null };
    expect(parseModel(UserReauthEventSchema, reauth).old_user).toBeNull();
  });

  it('relaxed fields keep their type when present', () => {
    const paths = failingPaths(() =>
      parseModel(DeauthEventSchema, { type: 'deauth', status: 3, message: false, user: { ...user, provider: 5 } }),
    );
    expect(paths.sort()).toEqual(['$.message', '$.status', '$.user.provider']);
    expect(
      failingPaths(() => parseModel(DeauthEventSchema, { type: 'deauth', user: { ...user, provider: '' } })),
    ).toEqual(['$.user.provider']);
  });

  it('the types say so: optional, nullable and open where real traffic shows it', () => {
    expectTypeOf<TerraUser['provider']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<UserInfoUser['provider']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<DeauthEvent['message']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<AccessRevokedEvent['status']>().toEqualTypeOf<'warning' | (string & {}) | null | undefined>();
    expectTypeOf<AuthSuccessEvent['reference_id']>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<LargeRequestSendingEvent['expected_payloads']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<DeauthEvent['user']>().toEqualTypeOf<TerraUser>();
  });

  it('a User built from a connection with provider null keeps null', () => {
    const terra = new Terra({ apiKey: 'key', devId: 'dev' });
    expect(new User(terra, { user_id: 'u-1', provider: null }).provider).toBeNull();
    expect(new User(terra, { user_id: 'u-1' }).provider).toBeUndefined();
  });
});

describe('fields every successful answer carries', () => {
  it('a widget session body without url fails with a TerraValidationError at $.url', () => {
    const body = { status: 'success', session_id: 'abc', expires_in: 900 };
    expect(failingPaths(() => parseModel(WidgetSessionSchema, body))).toEqual(['$.url']);
    expect(failingPaths(() => parseModel(WidgetSessionSchema, { status: 'success', url: 'https://w' }))).toEqual([
      '$.session_id',
    ]);
    const ok = parseModel(WidgetSessionSchema, { ...body, url: 'https://widget.example/session/abc' });
    expect(ok.url).toBe('https://widget.example/session/abc');
  });

  it('an auth URL without auth_url or user_id, and an auth token without token, fail', () => {
    expect(failingPaths(() => parseModel(UserAuthUrlSchema, { status: 'success', user_id: 'u-1' }))).toEqual([
      '$.auth_url',
    ]);
    expect(failingPaths(() => parseModel(UserAuthUrlSchema, { status: 'success', auth_url: 'https://p' }))).toEqual([
      '$.user_id',
    ]);
    expect(failingPaths(() => parseModel(AuthTokenSchema, { status: 'success', expires_in: 180 }))).toEqual([
      '$.token',
    ]);
    expect(parseModel(AuthTokenSchema, { token: 'secret-token' }).status).toBeUndefined();
  });

  it('the types say so', () => {
    expectTypeOf<WidgetSession['url']>().toEqualTypeOf<string>();
    expectTypeOf<WidgetSession['session_id']>().toEqualTypeOf<string>();
    expectTypeOf<UserAuthUrl['auth_url']>().toEqualTypeOf<string>();
    expectTypeOf<WidgetSession['status']>().toEqualTypeOf<'success' | 'error' | (string & {}) | undefined>();
  });
});

describe('identifying fields stay required', () => {
  it('an event without type, user or user.user_id, a reauth without new_user, data events without data, lab events without event_id', () => {
    expect(failingPaths(() => parseModel(DeauthEventSchema, { user }))).toEqual(['$.type']);
    expect(failingPaths(() => parseModel(DeauthEventSchema, { type: 'deauth' }))).toEqual(['$.user']);
    expect(failingPaths(() => parseModel(DeauthEventSchema, { type: 'deauth', user: { provider: 'X' } }))).toEqual([
      '$.user.user_id',
    ]);
    expect(failingPaths(() => parseModel(DeauthEventSchema, { type: 'deauth', user: { user_id: '' } }))).toEqual([
      '$.user.user_id',
    ]);
    expect(failingPaths(() => parseModel(UserReauthEventSchema, { type: 'user_reauth', old_user: user }))).toEqual([
      '$.new_user',
    ]);
    expect(failingPaths(() => parseModel(ActivityEventSchema, { type: 'activity', user }))).toEqual(['$.data']);
    const failed = {
      type: 'lab_report.failed',
      occurred_at: '2026-05-01T10:00:00Z',
      data: { session_id: '1', error: { code: 'internal', message: 'x', retriable: true } },
    };
    expect(failingPaths(() => parseModel(LabReportFailedEventSchema, failed))).toEqual(['$.event_id']);
  });
});
