/**
 * `terra-sdk trigger` against a real endpoint: node:http with terra-sdk/node's terraWebhook and the
 * real webhooks module.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terraWebhook } from '../../src/adapters/node.js';
import {
  createWebhookHandler,
  KNOWN_WEBHOOK_EVENT_TYPES,
  type TerraWebhookEvent,
  type WebhookDelivery,
} from '../../src/index.js';
import { close, listen } from '../support/loopback.js';
import { cli } from './support.js';

const SECRET = 'trigger-test-secret';
const received: { event: TerraWebhookEvent; delivery: WebhookDelivery }[] = [];
let url: string;
let server: Server;
let failing = false;

beforeAll(async () => {
  const handler = createWebhookHandler({ secret: SECRET, onError: () => {} }).onUnhandled((event, delivery) => {
    if (failing) throw new Error('the app failed');
    received.push({ event, delivery });
  });
  server = createServer(terraWebhook(handler));
  url = `${await listen(server)}/webhooks/terra`;
});
afterAll(async () => {
  server.closeAllConnections();
  await close(server);
});

describe('terra-sdk trigger', () => {
  it('sends every event type, verified and parsed by the node adapter, and prints the 200', async () => {
    for (const type of KNOWN_WEBHOOK_EVENT_TYPES) {
      const before = received.length;
      const run = await cli(['trigger', type, '--url', url, '--secret', SECRET]);
      expect(run.code, type).toBe(0);
      expect(run.stdout, type).toMatch(
        new RegExp(
          `^Sent the ${type.replace('.', '\\.')} event \\(\\d+ (bytes|kB), trace id [0-9a-f-]{36}\\) to ${url}: 200 OK$`,
        ),
      );
      expect(
        received.slice(before).map((r) => r.event.type),
        type,
      ).toEqual([type]);
      expect(received.at(-1)?.delivery.traceId).toBe(/trace id ([0-9a-f-]{36})/.exec(run.stdout)?.[1]);
    }
  });

  it('sends a large request event with its reference as terra-reference', async () => {
    await cli(['trigger', 'large_request_sending', '--url', url, '--secret', SECRET]);
    const last = received.at(-1);
    if (last?.event.type !== 'large_request_sending') throw new Error('no large_request_sending arrived');
    expect(last.delivery.reference).toBe(last.event.reference);
  });

  it('takes the secret from TERRA_WEBHOOK_SECRET, and the seed picks the data', async () => {
    const send = async (seed: string) => {
      const run = await cli(['trigger', 'sleep', '--url', url, '--seed', seed], {
        env: { TERRA_WEBHOOK_SECRET: SECRET },
      });
      expect(run.code).toBe(0);
      return received.at(-1)?.event;
    };
    const [a, b, c] = [await send('7'), await send('7'), await send('8')];
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('--realistic sends the event as real deliveries look, and the endpoint still delivers it', async () => {
    const run = await cli(['trigger', 'deauth', '--url', url, '--secret', SECRET, '--realistic']);
    expect(run.code).toBe(0);
    const last = received.at(-1);
    if (last?.event.type !== 'deauth') throw new Error('no deauth arrived');
    expect(last.event.status).toBe('deauthenticated');
    expect(last.event.user.provider).toBeNull();
    expect(last.delivery.drift).toEqual([]);
  });

  it('an endpoint with another secret answers 401: exit 1, with a hint and without the secret', async () => {
    const run = await cli(['trigger', 'auth', '--url', url, '--secret', 'WRONG-SECRET-1']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n');
    expect(lines[0]).toMatch(/^Sent the auth event .* 401 Unauthorized$/);
    expect(lines[1]).toBe('Your endpoint answered: {"error":"no_matching_signature"}');
    expect(lines[2]).toContain('verifies with another secret');
    expect(run.stderr).not.toContain('WRONG-SECRET-1');
  });

  it('an endpoint whose app fails answers 500: exit 1', async () => {
    failing = true;
    try {
      const run = await cli(['trigger', 'deauth', '--url', url, '--secret', SECRET]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/: 500 Internal Server Error\nYour endpoint answered: \{"error":"handler_failed"\}$/);
    } finally {
      failing = false;
    }
  });

  it('an endpoint that is not there, or does not answer in time: exit 1 with the reason', async () => {
    const gone = createServer();
    const goneUrl = `${await listen(gone)}/webhooks/terra`;
    await close(gone);
    const refused = await cli(['trigger', 'auth', '--url', goneUrl, '--secret', SECRET]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^Could not deliver the auth event \(.*\) to http:\/\/127\.0\.0\.1:\d+\/webhooks\/terra: connection refused \(is your server running on that port\?\)\.$/,
    );

    const badPort = await cli(['trigger', 'auth', '--url', 'http://127.0.0.1:9/hook', '--secret', SECRET]);
    expect(badPort.stderr).toMatch(/: fetch refuses this port \(a "bad port"\): use another\.$/);

    const silent = createServer(() => {}); // never answers
    const silentUrl = await listen(silent);
    try {
      const late = await cli(['trigger', 'auth', '--url', silentUrl, '--secret', SECRET, '--timeout', '50']);
      expect(late.code).toBe(1);
      expect(late.stderr).toMatch(/: no answer within 50 ms\.$/);
    } finally {
      silent.closeAllConnections();
      await close(silent);
    }
  });

  it('--user-id, --reference-id and --provider: an event about one of your own connections', async () => {
    const who = ['--user-id', 'my-user-1', '--reference-id', 'person-9', '--provider', 'oura'];
    for (const type of ['connection_error', 'permission_change', 'deauth', 'activity'] as const) {
      const before = received.length;
      const run = await cli(['trigger', type, ...who, '--url', url, '--secret', SECRET]);
      expect(run.code, run.stderr).toBe(0);
      expect(
        received.slice(before).map((r) => r.event),
        type,
      ).toMatchObject([{ type, user: { user_id: 'my-user-1', reference_id: 'person-9', provider: 'OURA' } }]);
    }
    const reauth = await cli(['trigger', 'user_reauth', '--user-id', 'new-id', '--url', url, '--secret', SECRET]);
    expect(reauth.code).toBe(0);
    expect(received.at(-1)?.event).toMatchObject({ type: 'user_reauth', new_user: { user_id: 'new-id' } });
    const cancelled = await cli([
      'trigger',
      'auth_cancelled',
      '--reference-id',
      'person-9',
      '--url',
      url,
      '--secret',
      SECRET,
    ]);
    expect(cancelled.code).toBe(0);
    expect(received.at(-1)?.event).toMatchObject({ type: 'auth_cancelled', reference_id: 'person-9' });
  });

  it.each([
    [['healthcheck', '--user-id', 'u'], 'a healthcheck event is about no connection'],
    [['auth_cancelled', '--user-id', 'u'], 'names the person by reference id only'],
    [['deauth', '--user-id'], '--user-id needs a value'],
  ])('%j is a usage mistake (exit 2)', async (args, message) => {
    const run = await cli(['trigger', ...args, '--url', url, '--secret', SECRET]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});
