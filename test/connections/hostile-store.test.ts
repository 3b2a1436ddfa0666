/**
 * The store against a hostile or failing database (issue 20, item 3): an idle client's error never
 * crashes the process, every wait is bounded and answered 503 with Retry-After, values PostgreSQL
 * would refuse are answered 200 with `onError` (phase `store`) instead of a 500 loop or a silent
 * drop, and a PostgreSQL restart under load loses nothing.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchHandler } from '../../src/adapters/fetch.js';
import { createConnectionStore } from '../../src/store/connections.js';
import { fixtures } from '../../src/testing/fixtures/index.js';
import { createWebhookHandler, type WebhookErrorContext } from '../../src/webhooks/handler.js';
import type { WebhookStore } from '../../src/webhooks/store.js';
import { SECRET, signedRequest } from '../support/webhooks.js';
import {
  describeEngines,
  type EngineName,
  openDatabase,
  openForEachTest,
  postgresUrl,
  type TestDatabase,
} from './support/engines.js';

let trace = 0;
function activity(userId: string, headers: Record<string, string> = {}) {
  const event = fixtures.event('activity', { samples: 1, user: { ...fixtures.user({ seed: 1 }), user_id: userId } });
  const body = JSON.stringify(event);
  return () =>
    signedRequest(body, {
      'x-terra-trace-id': `hostile-${process.pid}-${trace++}`,
      'x-terra-ordering-timestamp': String(1_767_225_600_000 + trace),
      ...headers,
    });
}

function handlerOn(store: WebhookStore) {
  const errors: WebhookErrorContext[] = [];
  let ran = 0;
  const handler = createWebhookHandler({
    secret: SECRET,
    store,
    onError: (_error, context) => {
      errors.push(context);
    },
  }).on('activity', () => {
    ran++;
  });
  return { fetch: createFetchHandler(handler), errors, ran: () => ran };
}

describeEngines('values PostgreSQL would refuse', (engine: EngineName) => {
  let db: TestDatabase;
  openForEachTest(engine, (opened) => {
    db = opened;
  });

  it.each([
    ['a NUL in the user id', activity('user\u0000nul')],
    ['an over-long user id', activity('u'.repeat(300))],
  ])('%s: answered 200 with onError (phase store), never 500, never silent', async (_, request) => {
    const { fetch, errors } = handlerOn(db.store);
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await fetch(request());
      expect(response.status).toBe(200);
    }
    expect(errors.map((e) => e.phase)).toEqual(['store', 'store']);
    expect(errors[0]?.status).toBe(200);
    expect(await db.sql('SELECT 1 FROM terra_connections')).toEqual([]);
  });

  // The ordering header is not signed: one the store could not hold is replaced by the signed time
  // before the store sees it (webhooks/delivery.ts), so the event is applied once and reported as drift.
  it.each([
    ['an ordering timestamp past year 9999', activity('user-1', { 'x-terra-ordering-timestamp': '8000000000000000' })],
    [
      'an ordering timestamp that does not parse',
      activity('user-1', { 'x-terra-ordering-timestamp': '99999999999999999' }),
    ],
  ])('%s: ordered by the signed time, the listener runs, never 500', async (_, request) => {
    const { fetch, errors, ran } = handlerOn(db.store);
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await fetch(request());
      expect(response.status).toBe(200);
    }
    expect(errors).toEqual([]);
    expect(ran()).toBe(2); // two deliveries (two trace ids), each applied and handled
    expect(await db.sql('SELECT terra_user_id FROM terra_connections')).toEqual([{ terra_user_id: 'user-1' }]);
  });
});

/** A TCP server that accepts connections and never answers: a database that is unreachable in effect. */
async function blackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('a store whose database does not answer', () => {
  it('answers every delivery 503 with Retry-After within timeoutMs, and the process keeps serving', async () => {
    const hole = await blackHole();
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${hole.port}/postgres`, max: 2 });
    try {
      const store = createConnectionStore({ db: pool, timeoutMs: 300 });
      const { fetch, errors } = handlerOn(store);
      const started = Date.now();
      const answers = await Promise.race([
        Promise.all(Array.from({ length: 20 }, () => fetch(activity('user-1')()))),
        new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 5000)),
      ]);
      expect(answers).not.toBe('hung');
      const elapsed = Date.now() - started;
      for (const answer of answers as Response[]) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
      }
      expect(elapsed).toBeLessThan(3000);
      expect(errors).toHaveLength(20);
      expect(errors.every((e) => e.phase === 'store' && e.status === 503)).toBe(true);
    } finally {
      await hole.close();
      await pool.end().catch(() => undefined);
    }
  }, 20_000);

  it('a refused connection is 503 with Retry-After too', async () => {
    const hole = await blackHole();
    const port = hole.port;
    await hole.close();
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, max: 1 });
    try {
      const { fetch } = handlerOn(createConnectionStore({ db: pool }));
      const answer = await fetch(activity('user-1')());
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await pool.end().catch(() => undefined);
    }
  });
});

describe.skipIf(!postgresUrl)('a store on a locked PostgreSQL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openDatabase('postgres');
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  it('answers 20 deliveries 503 with Retry-After within timeoutMs while a table is locked', async () => {
    const locker = new pg.Client({ connectionString: postgresUrl, options: `-c search_path=${db.schema}` });
    await locker.connect();
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 4, options: `-c search_path=${db.schema}` });
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE terra_deliveries IN ACCESS EXCLUSIVE MODE');
      const { fetch } = handlerOn(createConnectionStore({ db: pool, timeoutMs: 500 }));
      const started = Date.now();
      const answers = await Promise.race([
        Promise.all(Array.from({ length: 20 }, () => fetch(activity('user-1')()))),
        new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 8000)),
      ]);
      expect(answers).not.toBe('hung');
      expect((answers as Response[]).map((a) => a.status)).toEqual(Array(20).fill(503));
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
      await pool.end();
    }
  }, 30_000);

  it("gives the pool an 'error' listener: an idle client killed by the server does not crash the process", async () => {
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 2, options: `-c search_path=${db.schema}` });
    try {
      const store = createConnectionStore({ db: pool });
      expect(pool.listenerCount('error')).toBeGreaterThan(0);
      await store.getConnection('nobody');
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      const backends = (
        await admin.query(
          `SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE '%terra_connections%' AND state = 'idle'`,
        )
      ).rows as { pid: number }[];
      expect(backends.length).toBeGreaterThan(0);
      for (const { pid } of backends) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      await admin.end();
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The pool dropped the dead client; the next call gets a fresh one.
      expect(await store.getConnection('nobody')).toBeUndefined();
    } finally {
      await pool.end();
    }
  });
});

/** A PostgreSQL cluster of the test's own, which it may restart. */
function findBin(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':'))
    if (dir && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb'))) return dir;
  return undefined;
}
const bin = process.env.TERRA_TEST_POSTGRES === 'off' ? undefined : findBin();

describe.skipIf(!bin)('a PostgreSQL restart under load', () => {
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'terra-pg-restart-'));
  const data = join(dir, 'data');
  let port = 0;
  const asOwner = (command: string, args: string[]) =>
    root
      ? execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' })
      : execFileSync(command, args, { stdio: 'pipe' });
  const pgCtl = (...args: string[]) => asOwner(join(bin as string, 'pg_ctl'), ['-D', data, ...args]);
  beforeAll(async () => {
    const probe = await blackHole();
    port = probe.port;
    await probe.close();
    if (root) {
      const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
      chownSync(dir, id('-u'), id('-g'));
    }
    asOwner(join(bin as string, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8']);
    writeFileSync(join(dir, 'hba'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
    asOwner('cp', [join(dir, 'hba'), join(data, 'pg_hba.conf')]);
    pgCtl(
      '-l',
      join(dir, 'log'),
      '-w',
      '-o',
      `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`,
      'start',
    );
  }, 60_000);
  afterAll(() => {
    try {
      pgCtl('-m', 'immediate', '-w', 'stop');
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no delivery, and the receiver keeps serving (503 while down, then 200)', async () => {
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, max: 4 });
    try {
      const store = createConnectionStore({ db: pool, timeoutMs: 1000 });
      await store.migrate();
      const { fetch } = handlerOn(store);
      const users = Array.from({ length: 200 }, (_, i) => `restart-user-${i}`);
      const requests = users.map((user) => activity(user));
      const statuses = new Map<number, number>();
      let restarted = false;
      // Each delivery is sent until it is answered 200, as Terra retries: 4 at a time.
      const deadline = Date.now() + 60_000;
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < requests.length; i = next++) {
          if (i === 60 && !restarted) {
            restarted = true;
            // With its log file: otherwise the server keeps the pipe open and execFileSync never returns.
            pgCtl('-l', join(dir, 'log'), '-m', 'fast', '-w', 'restart');
          }
          for (;;) {
            const answer = await fetch((requests[i] as () => Request)());
            statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
            if (answer.status === 200) break;
            expect(answer.status).toBe(503);
            expect(Date.now()).toBeLessThan(deadline);
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      expect(restarted).toBe(true);
      const rows = (await pool.query('SELECT count(*)::int AS n FROM terra_connections')).rows[0] as { n: number };
      expect(rows.n).toBe(users.length);
      expect([...statuses.keys()].every((s) => s === 200 || s === 503)).toBe(true);
    } finally {
      await pool.end();
    }
  }, 90_000);
});
