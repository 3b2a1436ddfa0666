/**
 * `terra-sdk deliveries list|show|replay|recover` through the real binary (from sources, through
 * tsx) on PostgreSQL: what the person on call sees, and replays that a durable receiver then works.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFetchHandler } from '../../src/adapters/fetch.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { createWebhookHandler, type WebhookHandler } from '../../src/webhooks/handler.js';
import { cli } from '../cli/support.js';
import {
  describePostgres,
  openDatabase,
  postgresUrl,
  REQUIRED_MESSAGE,
  type TestDatabase,
} from '../connections/support/engines.js';
import { runBin } from '../support/bin.js';
import { until } from '../support/wait.js';
import { SECRET, signedRequest } from '../support/webhooks.js';

it('refuses usage mistakes before touching a database', async () => {
  expect((await cli(['deliveries'])).code).toBe(2);
  expect((await cli(['deliveries', 'list'])).stderr).toMatch(/--database-url is required/);
  expect((await cli(['deliveries', 'show', '--database-url', 'postgres://x@127.0.0.1/db'])).stderr).toMatch(
    /needs a trace id/,
  );
  expect((await cli(['deliveries', 'list', '--database-url', 'mysql://x/db'])).stderr).toMatch(/postgres:\/\//);
  expect((await cli(['deliveries', 'list', '--status', 'lost', '--database-url', 'postgres://x/db'])).code).toBe(2);
  expect((await cli(['deliveries', '--help'])).stdout).toMatch(/replay <trace-id>/);
});

const title = 'terra-sdk deliveries on PostgreSQL';
describePostgres(title, () => {
  let db: TestDatabase;
  let handler: WebhookHandler;
  let url: string;
  let failing = true;
  let runs = 0;
  const sent = ['cli-ok-1', 'cli-bad-1', 'cli-bad-2'];
  beforeAll(async () => {
    if (!postgresUrl) throw new Error(REQUIRED_MESSAGE);
    db = await openDatabase('postgres');
    const target = new URL(postgresUrl);
    target.searchParams.set('options', `-c search_path=${db.schema}`);
    url = target.href;
    handler = createWebhookHandler({
      secret: SECRET,
      store: db.store,
      durable: true,
      maxAttempts: 2,
      backoffMs: 10,
      pollIntervalMs: 20,
      onError: () => undefined,
    }).on('auth', (_event, delivery) => {
      runs++;
      if (failing && delivery.traceId?.startsWith('cli-bad')) throw new TypeError('listener bug');
    });
    const webhook = createFetchHandler(handler);
    for (const [i, traceId] of sent.entries()) {
      const body = JSON.stringify(fixtures.event('auth', { user: fixtures.user({ seed: 200 + i, provider: 'OURA' }) }));
      expect((await webhook(signedRequest(body, { 'x-terra-trace-id': traceId }))).status).toBe(200);
    }
    await until(
      async () => (await db.store.deliveries({ status: ['handled', 'dead'] })).length === 3,
      10_000,
      'the deliveries',
      20,
    );
  }, 60_000);
  afterAll(async () => {
    await handler?.close({ timeoutMs: 100 });
    await db?.close();
  });

  it('lists, shows, replays and recovers through the binary', async () => {
    const list = await runBin(['deliveries', 'list', '--status', 'dead', '--database-url', url]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/cli-bad-1 {2}auth {2}dead {2}attempts=2/);
    expect(list.stdout).not.toMatch(/cli-ok-1/);
    expect(list.stdout).not.toMatch(/"user"/);

    const json = await runBin(['deliveries', 'list', '--json', '--database-url', url]);
    expect((JSON.parse(json.stdout) as { traceId: string }[]).map((r) => r.traceId).sort()).toEqual([...sent].sort());

    const show = await runBin(['deliveries', 'show', 'cli-bad-2', '--database-url', url]);
    expect(show.stdout).toMatch(/last error: {3}TypeError: the auth listener failed: TypeError thrown/);
    expect((await runBin(['deliveries', 'show', 'nope', '--database-url', url])).code).toBe(1);

    failing = false;
    const before = runs;
    const replay = await runBin(['deliveries', 'replay', 'cli-ok-1', '--database-url', url]);
    expect(replay.code).toBe(0);
    const recover = await runBin(['deliveries', 'recover', '--database-url', url]);
    expect(recover.stdout).toBe('Queued 2 deliveries again.\n');
    await until(
      async () => (await db.store.deliveries({ status: 'handled' })).length === 3,
      10_000,
      'the deliveries',
      20,
    );
    expect(runs - before).toBe(3);
  }, 60_000);
});
