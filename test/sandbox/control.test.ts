/**
 * Scripting a connection on a running sandbox without the widget: the control API under /_sandbox/
 * and the `terra-sdk sandbox connect|reauth|deauth|revoke|error|permissions|connections` commands that call it; and
 * trace ids that a restarted sandbox never repeats.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { cli } from '../cli/support.js';
import { close, listen } from '../support/loopback.js';
import { type Endpoint, SECRET, startEndpoint } from './support.js';

let endpoint: Endpoint;
let sandbox: Sandbox;

beforeAll(async () => {
  endpoint = await startEndpoint();
  sandbox = await startSandbox({ webhookUrl: endpoint.url, secret: SECRET, retry: { scale: 1 / 100_000 } });
});
afterAll(async () => {
  await sandbox.close();
  await endpoint.close();
});

/** Runs `terra-sdk sandbox <args> --url <sandbox>` and the webhooks it caused. */
async function run(...args: string[]) {
  const before = endpoint.verified.length;
  const result = await cli(['sandbox', ...args, '--url', sandbox.url]);
  await sandbox.idle();
  return { ...result, events: endpoint.verified.slice(before).map((v) => v.event) };
}

describe('terra-sdk sandbox connect | reauth | deauth | revoke', () => {
  it('connects, reconnects, lists and disconnects one person’s providers, sending what Terra sends', async () => {
    const garmin = await run('connect', 'GARMIN', '--reference-id', 'cli-person');
    expect(garmin.code, garmin.stderr).toBe(0);
    expect(garmin.stdout).toMatch(/^Connected GARMIN user [0-9a-f-]{36} \(reference id cli-person\): auth sent\.$/);
    expect(garmin.events.map((e) => e.type)).toEqual(['auth']);
    const firstId = /user ([0-9a-f-]{36})/.exec(garmin.stdout)?.[1] as string;
    expect(garmin.events[0]).toMatchObject({
      user: { user_id: firstId, provider: 'GARMIN', reference_id: 'cli-person' },
    });

    const oura = await run('connect', 'oura', '--reference-id', 'cli-person');
    expect(oura.stdout).toMatch(/^Connected OURA user .*: auth sent\.$/);

    const reauth = await run('reauth', 'GARMIN', '--reference-id', 'cli-person');
    expect(reauth.code, reauth.stderr).toBe(0);
    expect(reauth.stdout).toContain(`replaces ${firstId}; auth and user_reauth sent.`);
    expect(reauth.events.map((e) => e.type)).toEqual(['auth', 'user_reauth']);
    const reauthEvent = reauth.events[1] as { old_user: { user_id: string }; new_user: { user_id: string } };
    expect(reauthEvent.old_user.user_id).toBe(firstId);
    const newId = reauthEvent.new_user.user_id;
    expect(newId).not.toBe(firstId);

    const list = await run('connections');
    expect(
      list.stdout
        .split('\n')
        .filter((l) => l.includes('cli-person'))
        .sort(),
    ).toEqual([expect.stringMatching(/^GARMIN user /), expect.stringMatching(/^OURA user /)].sort());
    expect(list.stdout).toContain(newId);
    expect(list.stdout).not.toContain(firstId);

    const revoke = await run('revoke', 'OURA', '--reference-id', 'cli-person');
    expect(revoke.stdout).toMatch(/^Revoked OURA user .*: access_revoked sent\.$/);
    expect(revoke.events.map((e) => e.type)).toEqual(['access_revoked']);

    const deauth = await run('deauth', '--user-id', newId);
    expect(deauth.stdout).toBe(`Removed GARMIN user ${newId} (reference id cli-person): deauth sent.`);
    expect(deauth.events).toMatchObject([{ type: 'deauth', user: { user_id: newId } }]);
    expect(sandbox.emulator.users().filter((u) => u.reference_id === 'cli-person')).toEqual([]);
  });

  it('error and permissions: send connection_error and permission_change, and set the connection’s state', async () => {
    const connected = await run('connect', 'GARMIN', '--reference-id', 'state-person');
    const userId = /user ([0-9a-f-]{36})/.exec(connected.stdout)?.[1] as string;

    const failed = await run('error', userId, '--message', 'password changed at Garmin');
    expect(failed.code, failed.stderr).toBe(0);
    expect(failed.stdout).toContain(`GARMIN user ${userId} (reference id state-person): connection_error sent`);
    expect(failed.events).toMatchObject([
      { type: 'connection_error', message: 'password changed at Garmin', user: { user_id: userId } },
    ]);
    const info = await fetch(`${sandbox.baseUrl}/userInfo?user_id=${userId}`, {
      headers: { 'x-api-key': 'k', 'dev-id': 'd' },
    });
    expect(await info.json()).toMatchObject({ is_authenticated: false });

    const changed = await run('permissions', userId, '--add', 'sleep,heartrate', '--remove', 'ACTIVITY_EXPORT');
    expect(changed.code, changed.stderr).toBe(0);
    expect(changed.stdout).toContain('permission_change sent; scopes now HEALTH_EXPORT,sleep,heartrate');
    expect(changed.events).toMatchObject([
      {
        type: 'permission_change',
        scopes_added: 'sleep,heartrate',
        scopes_removed: 'ACTIVITY_EXPORT',
        user: { user_id: userId, scopes: 'HEALTH_EXPORT,sleep,heartrate' },
      },
    ]);

    // By provider and reference id too; a reconnection makes the new connection authenticated again.
    const again = await run('error', 'GARMIN', '--reference-id', 'state-person');
    expect(again.events.map((e) => e.type)).toEqual(['connection_error']);
    const reauth = await run('reauth', '--user-id', userId);
    const newId = /user ([0-9a-f-]{36})/.exec(reauth.stdout)?.[1] as string;
    const fresh = await fetch(`${sandbox.baseUrl}/userInfo?user_id=${newId}`, {
      headers: { 'x-api-key': 'k', 'dev-id': 'd' },
    });
    expect(await fresh.json()).toMatchObject({ is_authenticated: true });
  });

  it('connections --json prints the list as JSON; other actions print the answer', async () => {
    const connected = await run('connect', 'FITBIT', '--reference-id', 'json-person', '--json');
    expect(connected.code, connected.stderr).toBe(0);
    const answer = JSON.parse(connected.stdout) as { user: { user_id: string }; replaced: null };
    expect(answer).toMatchObject({ user: { provider: 'FITBIT', reference_id: 'json-person' }, replaced: null });
    const list = await run('connections', '--json');
    expect(list.code, list.stderr).toBe(0);
    const connections = JSON.parse(list.stdout) as { user_id: string }[];
    expect(connections.map((c) => c.user_id)).toContain(answer.user.user_id);
  });

  it('names the command to list connections, not a function', async () => {
    const result = await run('error', '00000000-0000-0000-0000-000000000000');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no active connection matches; list them with terra-sdk sandbox connections');
    expect(result.stderr).not.toContain('users()');
  });

  it('says which connection is missing, and exits 1', async () => {
    const result = await run('deauth', 'WHOOP', '--reference-id', 'nobody');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('refused deauth: no active connection matches');
    expect(result.events).toEqual([]);
  });

  it('refuses an unknown provider with the known ones, and exits 1', async () => {
    const result = await run('connect', 'NOKIA', '--reference-id', 'p');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown provider; known: GARMIN, FITBIT');
  });

  it.each([
    [['connect'], 'which provider?'],
    [['connect', 'GARMIN', '--user-id', 'u'], '--user-id is for reauth, deauth and revoke'],
    [['reauth', 'GARMIN'], 'name the connection: reauth PROVIDER --reference-id <id>, or reauth --user-id <id>'],
    [['connections', 'GARMIN'], 'connections takes no provider'],
    [['connect', 'GARMIN', 'OURA'], 'one connection at a time'],
    [['error'], 'name the connection: error <USER_ID>, or error PROVIDER --reference-id <id>'],
    [['permissions', 'u'], 'which scopes changed?'],
    [['permissions', 'u', '--add', ','], '--add needs scope names'],
    [['deauth', '--user-id', 'u', '--add', 'sleep'], '--add and --remove are for permissions'],
    [['error', 'u', '--user-id', 'u'], 'give the user id once'],
  ])('%j is a usage mistake (exit 2)', async (args, message) => {
    const result = await cli(['sandbox', ...args, '--url', sandbox.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('says when no sandbox runs at the URL', async () => {
    const { createServer } = await import('node:http');
    const server = createServer();
    const url = await listen(server);
    await close(server);
    const result = await cli(['sandbox', 'connections', '--url', url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `No sandbox answers at ${url} (connection refused): start one with "terra-sdk sandbox", or pass its --url.`,
    );
  });

  it('prints the actions’ help', async () => {
    const result = await cli(['sandbox', 'connect', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('terra-sdk sandbox connect GARMIN --reference-id person-1');
    expect((await cli(['sandbox', '--help'])).stdout).toContain(
      'terra-sdk sandbox revoke GARMIN --reference-id person-1',
    );
  });
});

describe('the control API', () => {
  it('answers what it does not know with 404 and a bad body with 400', async () => {
    const unknown = await fetch(`${sandbox.url}/_sandbox/people`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { detail: string }).detail).toContain('Known: GET /_sandbox/connections');
    const bad = await fetch(`${sandbox.url}/_sandbox/connections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[1]',
    });
    expect(bad.status).toBe(400);
    const broken = await fetch(`${sandbox.url}/_sandbox/connections/deauth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect(broken.status).toBe(400);
  });
});

describe('trace ids', () => {
  it('are never repeated by a sandbox started again with the same seed', async () => {
    const traceIds = async () => {
      const again = await startSandbox({ seed: 7 });
      try {
        const user = again.emulator.connect({ provider: 'GARMIN', referenceId: 'restart-person' });
        const answer = await fetch(
          `${again.baseUrl}/daily?user_id=${user.user_id}&start_date=2026-01-01&end_date=2026-03-01`,
          {
            headers: { 'x-api-key': 'k', 'dev-id': 'd' },
          },
        );
        const { reference } = (await answer.json()) as { reference: string };
        return { user: user.user_id, reference, traces: again.emulator.deliveries.map((d) => d.traceId) };
      } finally {
        await again.close();
      }
    };
    const first = await traceIds();
    const second = await traceIds();
    // The same seed makes the same person...
    expect(second.user).toBe(first.user);
    // ...but every delivery and request is new to a receiver that recorded the first run.
    expect(first.traces.length).toBeGreaterThan(3);
    expect(second.traces.filter((t) => first.traces.includes(t))).toEqual([]);
    expect(second.reference).not.toBe(first.reference);
  });
});
