/**
 * What each webhook event does to the connections table, exactly once per delivery, on PGlite and
 * on a real PostgreSQL.
 */
import { expect, it } from 'vitest';
import type { TerraUser } from '../../src/models/index.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { parseEvent } from '../../src/webhooks/events.js';
import { describeEngines, type EngineName, openForEachTest, type TestDatabase } from './support/engines.js';
import { DATA_TYPES } from './support/stream.js';

let trace = 0;
/** A delivery with a fresh trace id. */
const at = (orderingTimestamp: number | undefined, reference?: string) => ({
  traceId: `trace-${trace++}`,
  ...(orderingTimestamp === undefined ? {} : { orderingTimestamp }),
  ...(reference ? { reference } : {}),
});

const person = (seed: number, provider: string, referenceId = 'person-1', scopes?: string | null): TerraUser => ({
  ...fixtures.user({ seed, provider, referenceId }),
  ...(scopes === undefined ? {} : { scopes }),
});

describeEngines('connection store effects', (engine: EngineName) => {
  let db: TestDatabase;
  openForEachTest(engine, (opened) => {
    db = opened;
  });

  it('auth: the connection is active with its provider, reference id and scopes', async () => {
    const user = person(1, 'GARMIN', 'person-1', ' ACTIVITY_EXPORT , SLEEP,,ACTIVITY_EXPORT ');
    const event = parseEvent(JSON.parse(JSON.stringify(fixtures.event('auth', { user }))));
    const result = await db.store.apply(event, at(1_000));
    expect(result).toMatchObject({ status: 'applied', runListeners: true, deduplicated: true });
    expect(result.connections).toEqual([user.user_id]);
    const row = await db.store.getConnection(user.user_id);
    expect(row).toMatchObject({
      terra_user_id: user.user_id,
      provider: 'GARMIN',
      reference_id: 'person-1',
      status: 'active',
      scopes: ['ACTIVITY_EXPORT', 'SLEEP'],
      user_id: null,
      disconnected_at: null,
      replaced_by: null,
      last_error: null,
      last_sync: null,
    });
    expect(row?.connected_at).toBeInstanceOf(Date);
    expect(row?.connected_at?.getTime()).toBe(1_000);
    expect(row?.last_event_at?.getTime()).toBe(1_000);
    expect(typeof row?.id).toBe('number');
  });

  it('auth: a top-level reference_id of "null" is no reference; a real one fills a missing user.reference_id', async () => {
    const a = { ...person(2, 'OURA'), reference_id: null };
    await db.store.apply({ type: 'auth', status: 'success', user: a, reference_id: 'null' } as never, at(1));
    expect((await db.store.getConnection(a.user_id))?.reference_id).toBeNull();
    const b = { ...person(3, 'OURA'), reference_id: null };
    await db.store.apply({ type: 'auth', status: 'success', user: b, reference_id: 'person-9' } as never, at(1));
    expect((await db.store.getConnection(b.user_id))?.reference_id).toBe('person-9');
  });

  it('auth: other status words (or none) still connect; scopes null stay unknown, "" is none', async () => {
    const a = person(4, 'FITBIT', 'person-1', null);
    await db.store.apply({ type: 'auth', status: 'authenticated', user: a } as never, at(1));
    const b = person(5, 'FITBIT', 'person-1', '');
    await db.store.apply({ type: 'auth', user: b } as never, at(1));
    expect(await db.store.getConnection(a.user_id)).toMatchObject({ status: 'active', scopes: null });
    expect(await db.store.getConnection(b.user_id)).toMatchObject({ status: 'active', scopes: [] });
  });

  it('a failed authentication (either shape) makes no connection, but the delivery is recorded', async () => {
    const failed = fixtures.event('auth', { status: 'error', seed: 6 });
    const cancelled = fixtures.event('auth_cancelled', { seed: 6 });
    for (const event of [failed, cancelled]) {
      const delivery = at(1);
      const result = await db.store.apply(parseEvent(event), delivery);
      expect(result).toMatchObject({ status: 'applied', connections: [] });
      // Its listeners count as running until marked handled or failed.
      expect((await db.store.apply(parseEvent(event), delivery)).status).toBe('in_progress');
      expect(await db.store.markFailed(delivery.traceId)).toBe(true);
      expect((await db.store.apply(parseEvent(event), delivery)).status).toBe('applied_before');
    }
    expect(await db.sql('SELECT * FROM terra_connections')).toEqual([]);
  });

  it.each(['deauth', 'access_revoked'] as const)('%s: disconnected, the row kept', async (type) => {
    const user = person(7, 'WHOOP', 'person-1', 'a,b');
    await db.store.apply(fixtures.event('auth', { user }), at(1_000));
    await db.store.apply(parseEvent(fixtures.event(type, { user })), at(2_000));
    const row = await db.store.getConnection(user.user_id);
    expect(row).toMatchObject({
      status: 'disconnected',
      provider: 'WHOOP',
      reference_id: 'person-1',
      scopes: ['a', 'b'],
    });
    expect(row?.disconnected_at?.getTime()).toBe(2_000);
    expect(row?.connected_at?.getTime()).toBe(1_000);
    expect(await db.store.activeConnections()).toEqual([]);
  });

  it('deauth with status "deauthenticated", no message and a null provider still disconnects', async () => {
    const user = person(8, 'POLAR');
    await db.store.apply(fixtures.event('auth', { user }), at(1));
    await db.store.apply(
      { type: 'deauth', status: 'deauthenticated', user: { ...user, provider: null } } as never,
      at(2),
    );
    expect(await db.store.getConnection(user.user_id)).toMatchObject({ status: 'disconnected', provider: 'POLAR' });
  });

  it('user_reauth: the old id is replaced by the new one, which is active; auth before or after', async () => {
    const old = person(10, 'GARMIN', 'person-2', 'a');
    const fresh = person(11, 'GARMIN', 'person-2', 'a,b');
    await db.store.apply(fixtures.event('auth', { user: old }), at(1_000));
    // The reauth first, then the new id's auth (Terra sends both, in no set order).
    const reauth = parseEvent({
      type: 'user_reauth',
      status: 'warning',
      message: 'reauth',
      old_user: old,
      new_user: fresh,
    });
    await db.store.apply(reauth, at(2_000));
    await db.store.apply(fixtures.event('auth', { user: fresh }), at(2_000));
    const [a, b] = await db.store.connectionsFor('person-2');
    expect(a).toMatchObject({ terra_user_id: old.user_id, status: 'disconnected', replaced_by: fresh.user_id });
    expect(a?.disconnected_at?.getTime()).toBe(2_000);
    expect(b).toMatchObject({ terra_user_id: fresh.user_id, status: 'active', replaced_by: null, scopes: ['a', 'b'] });
    expect((await db.store.activeConnections()).map((r) => r.terra_user_id)).toEqual([fresh.user_id]);
  });

  it('user_reauth before any auth, and without an old user', async () => {
    const old = person(12, 'OURA', 'person-3');
    const fresh = person(13, 'OURA', 'person-3');
    await db.store.apply({ type: 'user_reauth', old_user: old, new_user: fresh } as never, at(5));
    expect(await db.store.getConnection(old.user_id)).toMatchObject({
      status: 'disconnected',
      replaced_by: fresh.user_id,
    });
    expect(await db.store.getConnection(fresh.user_id)).toMatchObject({ status: 'active' });
    // A later, older auth of the old id cannot bring it back.
    await db.store.apply(fixtures.event('auth', { user: old }), at(4));
    expect((await db.store.getConnection(old.user_id))?.status).toBe('disconnected');

    const lone = person(14, 'OURA', 'person-4');
    const result = await db.store.apply({ type: 'user_reauth', old_user: null, new_user: lone } as never, at(6));
    expect(result.connections).toEqual([lone.user_id]);
    expect(await db.store.connectionsFor('person-4')).toMatchObject([{ status: 'active' }]);
  });

  it('connection_error: needs reconnect, with the message; a newer auth clears it', async () => {
    const user = person(15, 'FITBIT');
    await db.store.apply(fixtures.event('auth', { user }), at(1));
    await db.store.apply(parseEvent(fixtures.event('connection_error', { user })), at(2));
    const row = await db.store.getConnection(user.user_id);
    expect(row).toMatchObject({ status: 'needs_reconnect' });
    expect(row?.last_error).toMatch(/connect again/);
    expect((await db.store.needingReconnect()).map((r) => r.terra_user_id)).toEqual([user.user_id]);
    await db.store.apply(fixtures.event('auth', { user }), at(3));
    expect(await db.store.getConnection(user.user_id)).toMatchObject({ status: 'active', last_error: null });
    expect(await db.store.needingReconnect()).toEqual([]);
    // Without a message, the event type stands in for it.
    await db.store.apply({ type: 'connection_error', user } as never, at(4));
    expect((await db.store.getConnection(user.user_id))?.last_error).toBe('connection_error');
  });

  it('permission_change: applies the deltas, including "" and null, in timestamp order', async () => {
    const user = person(16, 'GARMIN', 'person-1', 'activity, sleep');
    await db.store.apply(fixtures.event('auth', { user }), at(10));
    await db.store.apply(
      { type: 'permission_change', user, scopes_added: 'daily , body', scopes_removed: 'sleep' } as never,
      at(20),
    );
    expect((await db.store.getConnection(user.user_id))?.scopes).toEqual(['activity', 'daily', 'body']);
    await db.store.apply({ type: 'permission_change', user, scopes_added: '', scopes_removed: null } as never, at(30));
    expect((await db.store.getConnection(user.user_id))?.scopes).toEqual(['activity', 'daily', 'body']);
    // A delta emitted before the one above but delivered after it: folded in its place.
    await db.store.apply(
      { type: 'permission_change', user, scopes_added: 'sleep', scopes_removed: 'daily' } as never,
      at(25),
    );
    expect((await db.store.getConnection(user.user_id))?.scopes).toEqual(['activity', 'body', 'sleep']);
    // A newer full list (a new auth) replaces everything before it...
    await db.store.apply(fixtures.event('auth', { user: { ...user, scopes: 'hr' } }), at(40));
    expect((await db.store.getConnection(user.user_id))?.scopes).toEqual(['hr']);
    // ...and the facts it made obsolete are gone, so the table stays small.
    const [facts] = await db.sql<{ n: number }>('SELECT count(*)::int AS n FROM terra_scope_changes');
    expect(facts?.n).toBe(1);
    // A delta older than the newest full list changes nothing.
    await db.store.apply({ type: 'permission_change', user, scopes_added: 'x', scopes_removed: '' } as never, at(35));
    expect((await db.store.getConnection(user.user_id))?.scopes).toEqual(['hr']);
    // The fixture's permission change, parsed as Terra sends it.
    await db.store.apply(parseEvent(fixtures.event('permission_change', { user })), at(50));
    expect((await db.store.getConnection(user.user_id))?.scopes).toEqual(['hr', 'sleep', 'heartrate']);
  });

  it('every data event advances last_sync, never backwards, and keeps the known provider', async () => {
    const user = person(17, 'GARMIN');
    await db.store.apply(fixtures.event('auth', { user }), at(1));
    let t = 1_000;
    for (const type of DATA_TYPES) {
      t += 1_000;
      const result = await db.store.apply(parseEvent(fixtures.event(type, { user, samples: 5 })), at(t));
      expect(result.connections).toEqual([user.user_id]);
      expect((await db.store.getConnection(user.user_id))?.last_sync?.getTime()).toBe(t);
    }
    await db.store.apply(
      { type: 'sleep', user: { ...user, provider: null, reference_id: null }, data: [] } as never,
      at(500),
    );
    expect(await db.store.getConnection(user.user_id)).toMatchObject({ provider: 'GARMIN', reference_id: 'person-1' });
    expect((await db.store.getConnection(user.user_id))?.last_sync?.getTime()).toBe(t);
  });

  it('a data event for a connection not seen yet makes its row, active until told otherwise', async () => {
    const user = person(18, 'SUUNTO', 'person-5');
    await db.store.apply(fixtures.event('daily', { user }), at(7_000));
    const row = await db.store.getConnection(user.user_id);
    expect(row).toMatchObject({ status: 'active', provider: 'SUUNTO', reference_id: 'person-5', connected_at: null });
    expect(row?.last_sync?.getTime()).toBe(7_000);
    // An older deauth still applies: no lifecycle event had been seen.
    await db.store.apply(fixtures.event('deauth', { user }), at(6_000));
    expect((await db.store.getConnection(user.user_id))?.status).toBe('disconnected');
  });

  it('a lifecycle event for an unknown connection writes its row', async () => {
    const user = person(19, 'WITHINGS', 'person-6');
    await db.store.apply(fixtures.event('access_revoked', { user }), at(3));
    expect(await db.store.getConnection(user.user_id)).toMatchObject({ status: 'disconnected', connected_at: null });
  });

  it('the reference id follows the newest event that names one (a person re-keyed by modifyUser)', async () => {
    const user = person(20, 'GARMIN', 'person-old');
    await db.store.apply(fixtures.event('auth', { user }), at(1));
    await db.store.apply(fixtures.event('daily', { user: { ...user, reference_id: 'person-new' } }), at(3));
    await db.store.apply(fixtures.event('daily', { user: { ...user, reference_id: 'person-old' } }), at(2));
    expect((await db.store.getConnection(user.user_id))?.reference_id).toBe('person-new');
    expect(await db.store.connectionsFor('person-old')).toEqual([]);
  });

  it('keeps the app user_id of a row the app made itself', async () => {
    const user = person(21, 'GARMIN', 'person-7');
    await db.sql(
      "INSERT INTO terra_connections (user_id, terra_user_id, reference_id, status) VALUES (42, $1, 'person-7', 'pending')",
      [user.user_id],
    );
    await db.store.apply(fixtures.event('auth', { user }), at(1));
    expect(await db.store.getConnection(user.user_id)).toMatchObject({
      user_id: 42,
      status: 'active',
      provider: 'GARMIN',
    });
  });

  it('exactly once: a repeat is reported and not applied again; markHandled completes it', async () => {
    const user = person(22, 'GARMIN');
    const delivery = at(1_000, 'big');
    const event = fixtures.event('activity', { user, samples: 3 });
    expect((await db.store.apply(event, delivery)).status).toBe('applied');
    // While its listeners run, a repeat must not run them again.
    expect(await db.store.apply(event, delivery)).toMatchObject({ status: 'in_progress', runListeners: false });
    expect(await db.store.markFailed(delivery.traceId)).toBe(true);
    const again = await db.store.apply(event, delivery);
    expect(again).toEqual({
      status: 'applied_before',
      runListeners: true,
      deduplicated: true,
      traceId: delivery.traceId,
      connections: [],
      largeRequest: undefined,
    });
    expect((await db.store.largeRequest('big'))?.received).toBe(1);
    expect(await db.store.markHandled(delivery.traceId)).toBe(true);
    expect(await db.store.markHandled(delivery.traceId)).toBe(true);
    const done = await db.store.apply(event, delivery);
    expect(done).toMatchObject({ status: 'handled_before', runListeners: false });
    expect(await db.store.markHandled('never-seen')).toBe(false);
    const [n] = await db.sql<{ n: number }>('SELECT count(*)::int AS n FROM terra_deliveries');
    expect(n?.n).toBe(1);
  });

  it('a delivery without a trace id is applied every time, and says it could not be deduplicated', async () => {
    const user = person(23, 'GARMIN');
    const event = fixtures.event('sleep', { user });
    const first = await db.store.apply(event, { reference: 'r-no-trace', orderingTimestamp: 1 });
    const second = await db.store.apply(event, { reference: 'r-no-trace', orderingTimestamp: 1 });
    for (const result of [first, second])
      expect(result).toMatchObject({ status: 'applied', deduplicated: false, traceId: undefined });
    expect((await db.store.largeRequest('r-no-trace'))?.received).toBe(2);
    expect(await db.sql('SELECT * FROM terra_deliveries')).toEqual([]);
    // No delivery argument at all works the same.
    expect((await db.store.apply(event)).deduplicated).toBe(false);
  });

  it('a large request is tracked until every announced chunk arrived, chunks first or not', async () => {
    const user = person(24, 'GARMIN');
    const ref = '5b1c7a52-6b5e-4a8e-9a51-0c8f2f7f1d11';
    const r1 = await db.store.apply(fixtures.event('sleep', { user }), at(1, `${ref}:chunk:1`));
    expect(r1.largeRequest).toEqual({ reference: ref, expected: null, received: 1, complete: false });
    await db.store.apply(fixtures.event('large_request_processing', { user, reference: ref }), at(0));
    const announced = await db.store.apply(
      fixtures.event('large_request_sending', { user, reference: ref, expectedPayloads: 3 }),
      at(2),
    );
    expect(announced.largeRequest).toEqual({ reference: ref, expected: 3, received: 1, complete: false });
    await db.store.apply(fixtures.event('daily', { user }), at(3, `${ref}:chunk:2`));
    expect((await db.store.largeRequest(ref))?.complete).toBe(false);
    const last = await db.store.apply(fixtures.event('activity', { user, samples: 2 }), at(4, `${ref}:chunk:3`));
    expect(last.largeRequest).toEqual({ reference: ref, expected: 3, received: 3, complete: true });
    const row = await db.store.largeRequest(`${ref}:chunk:2`);
    expect(row).toMatchObject({
      reference: ref,
      terra_user_id: user.user_id,
      expected: 3,
      received: 3,
      complete: true,
    });
    expect(row?.completed_at).toBeInstanceOf(Date);
    expect(row?.announced_at).toBeInstanceOf(Date);
    expect(await db.store.largeRequest('no-such-reference')).toBeUndefined();
  });

  it('a large request announced with zero payloads is complete at once; an unusable count is unknown', async () => {
    const user = person(25, 'GARMIN');
    const zero = await db.store.apply(
      { type: 'large_request_sending', user, reference: 'zero', expected_payloads: 0 } as never,
      at(1),
    );
    expect(zero.largeRequest?.complete).toBe(true);
    await db.store.apply(
      { type: 'large_request_sending', user, reference: 'odd', expected_payloads: 2.5 } as never,
      at(1),
    );
    expect(await db.store.largeRequest('odd')).toMatchObject({ expected: null, complete: false });
    // Without its own reference, the delivery's terra-reference names the request.
    await db.store.apply({ type: 'large_request_sending', user, expected_payloads: 1 } as never, at(1, 'hdr:chunk:0'));
    expect(await db.store.largeRequest('hdr')).toMatchObject({ expected: 1, received: 0 });
    // With neither, there is nothing to track.
    const none = await db.store.apply({ type: 'large_request_sending', user, expected_payloads: 1 } as never, at(1));
    expect(none.largeRequest).toBeUndefined();
  });

  it.each([
    'lab_report.completed',
    's3_payload',
    'healthcheck',
    'processing',
    'rate_limit_hit',
    'google_no_datasource',
  ] as const)('%s: recorded as a delivery, no effect on connections', async (type) => {
    const result = await db.store.apply(parseEvent(fixtures.event(type)), at(1));
    expect(result).toMatchObject({ status: 'applied', connections: [], largeRequest: undefined });
    expect(await db.sql('SELECT * FROM terra_connections')).toEqual([]);
    const [row] = await db.sql<{ event_type: string }>('SELECT event_type FROM terra_deliveries');
    expect(row?.event_type).toBe(type);
  });

  it('an event type this SDK does not know is recorded under the type Terra sent', async () => {
    const event = parseEvent({ type: 'route', user: person(26, 'GARMIN') });
    expect(event.type).toBe('unknown');
    expect((await db.store.apply(event, at(1))).connections).toEqual([]);
    const [row] = await db.sql<{ event_type: string }>('SELECT event_type FROM terra_deliveries');
    expect(row?.event_type).toBe('route');
  });

  it('queries: one person across providers, active ones by provider, pages by id', async () => {
    const providers = ['GARMIN', 'FITBIT', 'OURA', 'GARMIN', 'GARMIN'];
    const users = providers.map((p, i) => person(100 + i, p, i < 3 ? 'person-x' : 'person-y'));
    for (const user of users) await db.store.apply(fixtures.event('auth', { user }), at(1));
    await db.store.apply(fixtures.event('deauth', { user: users[3] as TerraUser }), at(2));
    const forX = await db.store.connectionsFor('person-x');
    expect(forX.map((r) => r.provider)).toEqual(['GARMIN', 'FITBIT', 'OURA']);
    const garmin = await db.store.activeConnections({ provider: 'garmin' });
    expect(garmin.map((r) => r.terra_user_id)).toEqual([users[0]?.user_id, users[4]?.user_id]);
    const page1 = await db.store.activeConnections({ limit: 2 });
    const page2 = await db.store.activeConnections({ limit: 2, afterId: page1.at(-1)?.id });
    expect([...page1, ...page2].map((r) => r.terra_user_id)).toEqual([0, 1, 2, 4].map((i) => users[i]?.user_id));
    expect(await db.store.getConnection('nobody')).toBeUndefined();
    expect(await db.store.connectionsFor('nobody')).toEqual([]);
    expect(await db.store.needingReconnect({ provider: 'GARMIN' })).toEqual([]);
  });

  it('prune deletes old delivery records and large requests; a pruned trace id applies again', async () => {
    const user = person(27, 'GARMIN');
    const delivery = at(1, 'old-request');
    await db.store.apply(fixtures.event('sleep', { user }), delivery);
    await db.store.apply(fixtures.event('sleep', { user }), at(2));
    await db.sql("UPDATE terra_deliveries SET received_at = now() - interval '8 days' WHERE trace_id = $1", [
      delivery.traceId,
    ]);
    await db.sql("UPDATE terra_large_requests SET updated_at = now() - interval '8 days'");
    expect(await db.store.prune()).toEqual({ deliveries: 1, largeRequests: 1 });
    expect(await db.store.prune()).toEqual({ deliveries: 0, largeRequests: 0 });
    expect(await db.store.largeRequest('old-request')).toBeUndefined();
    expect((await db.store.apply(fixtures.event('sleep', { user }), delivery)).status).toBe('applied');
    // An explicit age prunes younger records too. The cutoff is this process's clock in whole
    // milliseconds, and the record was stamped within the same millisecond: let one pass.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await db.store.prune({ olderThanMs: 0 })).toMatchObject({ deliveries: 2 });
  });

  it('prunes by itself every thousand deliveries', async () => {
    const old = at(1);
    await db.store.apply({ type: 'healthcheck' } as never, old);
    await db.sql("UPDATE terra_deliveries SET received_at = now() - interval '30 days'");
    for (let i = 0; i < 999; i++) await db.store.apply({ type: 'healthcheck' } as never, at(1));
    const [n] = await db.sql<{ n: number }>('SELECT count(*)::int AS n FROM terra_deliveries WHERE trace_id = $1', [
      old.traceId,
    ]);
    expect(n?.n).toBe(0);
  }, 60_000);

  it('runs concurrent calls on one connection one transaction at a time', async () => {
    const users = Array.from({ length: 20 }, (_, i) => person(200 + i, 'GARMIN', 'person-c'));
    const deliveries = users.flatMap((user, i) => [
      db.store.apply(fixtures.event('auth', { user }), at(i)),
      db.store.apply(fixtures.event('daily', { user }), at(1_000 + i)),
      db.store.getConnection(user.user_id),
    ]);
    await Promise.all(deliveries);
    const rows = await db.store.connectionsFor('person-c');
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.status === 'active' && r.last_sync !== null)).toBe(true);
  });
});
