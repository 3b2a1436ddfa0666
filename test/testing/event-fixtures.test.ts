/**
 * fixtures.event: one realistic event of every type the webhooks module knows, valid for any seed,
 * day and offset, typed by its type.
 */
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type ActivityEvent,
  type AuthSuccessEvent,
  isAuthFailure,
  KNOWN_WEBHOOK_EVENT_TYPES,
  type LegacyAuthErrorEvent,
  parseEvent,
  TerraInvalidArgumentError,
  type UserReauthEvent,
} from '../../src/index.js';
import { fixtures } from '../../src/testing/index.js';
import { terraJson } from '../../src/webhooks/terra-json.js';
import { fixtureOptions } from '../support/arbitraries.js';

const options = fixtureOptions;

describe('fixtures.event', () => {
  it('covers every event type the webhooks module knows', () => {
    expect(KNOWN_WEBHOOK_EVENT_TYPES.length).toBeGreaterThanOrEqual(26);
    for (const type of KNOWN_WEBHOOK_EVENT_TYPES) expect(fixtures.event(type).type).toBe(type);
  });

  for (const type of KNOWN_WEBHOOK_EVENT_TYPES) {
    it(`${type}: parses as a ${type} event for any seed, day and offset, sent as JSON, and is deterministic`, () => {
      fc.assert(
        fc.property(options, (o) => {
          const event = fixtures.event(type, { ...o, samples: 60 });
          const parsed = parseEvent(JSON.parse(terraJson(event)));
          expect(parsed.type).toBe(type);
          expect(isAuthFailure(parsed)).toBe(type === 'auth_cancelled');
          expect(fixtures.event(type, { ...o, samples: 60 })).toEqual(event);
        }),
        { numRuns: 25 },
      );
    });
  }

  it('builds the older auth-failure shape on request', () => {
    fc.assert(
      fc.property(options, (o) => {
        const event = fixtures.event('auth', { ...o, status: 'error' });
        const parsed = parseEvent(event);
        expect(parsed).toMatchObject({ type: 'auth', status: 'error', reason: 'access_denied' });
        expect(isAuthFailure(parsed)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('is typed by the event type', () => {
    expectTypeOf(fixtures.event('user_reauth')).toEqualTypeOf<UserReauthEvent>();
    expectTypeOf(fixtures.event('activity')).toEqualTypeOf<ActivityEvent>();
    expectTypeOf(fixtures.event('auth')).toEqualTypeOf<AuthSuccessEvent>();
    expectTypeOf(fixtures.event('auth', { status: 'error' })).toEqualTypeOf<LegacyAuthErrorEvent>();
  });

  it('is about the user given, and a reauth replaces an older connection of the same provider and reference', () => {
    const user = fixtures.user({ seed: 9, provider: 'OURA', referenceId: 'person-9' });
    expect(fixtures.event('activity', { user }).user).toEqual(user);
    expect(fixtures.event('auth', { user }).user).toEqual(user);
    expect(fixtures.event('deauth', { user }).user).toEqual({ ...user, active: false });
    const reauth = fixtures.event('user_reauth', { user });
    expect(reauth.new_user).toEqual(user);
    expect(reauth.old_user).toMatchObject({ provider: 'OURA', reference_id: 'person-9', active: false });
    expect(reauth.old_user?.user_id).not.toBe(user.user_id);
  });

  it('holds the records of the data builders for its day', () => {
    const o = { seed: 4, date: '2026-03-02', offsetMinutes: -300 };
    expect(fixtures.event('sleep', o).data).toEqual([fixtures.sleep(o)]);
    expect(fixtures.event('activity', { ...o, samples: 90 }).data).toEqual([fixtures.activity({ ...o, samples: 90 })]);
    expect(fixtures.event('athlete', o).athlete).toEqual(fixtures.athlete(o));
  });

  it('takes the reference and chunk count of a large request', () => {
    const sending = fixtures.event('large_request_sending', { reference: 'ref-1', expectedPayloads: 9 });
    expect(sending).toMatchObject({ reference: 'ref-1', expected_payloads: 9 });
    expect(fixtures.event('large_request_processing', { reference: 'ref-1' }).reference).toBe('ref-1');
  });

  it('keeps lab-report ids above 2^53 as strings of digits', () => {
    const completed = fixtures.event('lab_report.completed');
    expect(completed.data.session_id).toMatch(/^\d{18}$/);
    expect(completed.data.results_count).toBe(completed.data.results.length);
  });

  it('rejects what it cannot build, saying what to pass', () => {
    const error = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as TerraInvalidArgumentError;
      }
      throw new Error('did not throw');
    };
    const unknownType = error(() => fixtures.event('route' as never));
    expect(unknownType).toBeInstanceOf(TerraInvalidArgumentError);
    expect(unknownType.argument).toBe('type');
    expect(unknownType.message).toContain('"route" is not a webhook event type');
    expect(unknownType.message).toContain('user_reauth');
    expect(error(() => fixtures.event(42 as never)).message).toBe('The event type must be a string; got a number.');
    expect(error(() => fixtures.event('auth', { user: { user_id: '' } as never })).argument).toBe('user');
    expect(error(() => fixtures.event('large_request_sending', { expectedPayloads: 0 })).message).toMatch(
      /expectedPayloads must be a whole number from 1/,
    );
    expect(error(() => fixtures.event('daily', { date: 'yesterday' })).argument).toBe('date');
    expect(error(() => fixtures.event('daily', null as never)).argument).toBe('options');
  });
});

describe('fixtures.event with realistic: true', () => {
  for (const type of KNOWN_WEBHOOK_EVENT_TYPES) {
    it(`${type}: shaped as real deliveries, still typed and without drift against the SDK's schemas`, () => {
      const event = fixtures.event(type, { realistic: true, samples: 60 }) as unknown as Record<string, unknown>;
      const drifts: unknown[] = [];
      const parsed = parseEvent(JSON.parse(terraJson(event)), { onDrift: (drift) => drifts.push(drift) });
      expect(parsed.type).toBe(type);
      expect(drifts).toEqual([]);
      expect(event).not.toHaveProperty('version');
      expect(fixtures.event(type, { realistic: true, samples: 60 })).toEqual(event);
    });
  }

  it('carries what real traffic shows: other status words, no message, provider null on a deauth', () => {
    const auth = fixtures.event('auth', { realistic: true, user: fixtures.user({ referenceId: null }) });
    expect(auth).toMatchObject({ status: 'authenticated', reference_id: 'null' });
    expect(auth).not.toHaveProperty('message');
    const deauth = fixtures.event('deauth', { realistic: true });
    expect(deauth.status).toBe('deauthenticated');
    expect(deauth.user.provider).toBeNull();
    expect(deauth).not.toHaveProperty('message');
    const error = fixtures.event('connection_error', { realistic: true });
    expect(error).not.toHaveProperty('status');
    expect(error.message).toEqual(expect.any(String));
    const sleep = fixtures.event('sleep', { realistic: true, user: fixtures.user({ referenceId: null }) });
    expect(sleep.user).toMatchObject({ reference_id: '', created_at: null });
    expect(fixtures.event('auth', { status: 'error', realistic: true }).status).toBe('error');
  });

  it('leaves the default fixtures as the spec writes them, and refuses a realistic that is not a boolean', () => {
    expect(fixtures.event('deauth', { realistic: false })).toEqual(fixtures.event('deauth'));
    expect(fixtures.event('sleep')).toHaveProperty('version');
    expect(() => fixtures.event('deauth', { realistic: 'yes' as never })).toThrow(TerraInvalidArgumentError);
    expect(() => fixtures.event('deauth', { realistic: 'yes' as never })).toThrow(/realistic must be true or false/);
  });
});
