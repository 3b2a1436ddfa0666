/**
 * Durable ingest (issue 21): requests per second of terra-sdk/node with `durable: true` (verify, one
 * insert of the exact bytes, 200) against a floor in the same framework that does HMAC +
 * `JSON.parse` + one plain INSERT of the body, on PostgreSQL, at 1 kB and 10 kB. Every request has
 * its own trace id, so each is a new delivery. Budget: at least 0.8x the floor.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { postgresUrl } from './connections.js';
import { activityOfSize } from './throughput.js';

const SECRET = 'bench-durable-secret';
const SERVER = resolve(import.meta.dirname, 'durable-server.ts');
const TSCONFIG = resolve(import.meta.dirname, 'tsconfig.json');
const TSX = resolve(import.meta.dirname, '../node_modules/tsx/dist/loader.mjs');

export interface DurableIngestRow {
  size: string;
  durableRps: number;
  floorRps: number;
  ratio: number;
}

async function start(
  mode: 'durable' | 'floor',
  url: string,
  schema: string,
): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', TSX, SERVER, mode, SECRET, url, schema], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
  });
  const port = await new Promise<number>((done, fail) => {
    child.once('message', (message) => done((message as { port: number }).port));
    child.once('exit', (code) => fail(new Error(`durable bench ${mode} server exited with ${code}`)));
  });
  return { child, port };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.send('exit');
  await exited;
}

let traces = 0;
async function load(port: number, body: string, seconds: number): Promise<number> {
  const t = Math.floor(Date.now() / 1000);
  const signature = `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')}`;
  const run = `${process.pid}-${Date.now()}`;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/webhooks/terra`,
    connections: 10,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'terra-signature': signature },
        // A trace id of its own per request: every one is a new delivery.
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, 'x-terra-trace-id': `${run}-${traces++}` },
        }),
      },
    ],
  });
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) throw new Error(`durable bench: ${failures} failed requests`);
  return result.requests.average;
}

export async function measureDurableIngest(options: { seconds: number; rounds: number }): Promise<{
  rows: DurableIngestRow[];
  skipped: string[];
}> {
  const url = postgresUrl();
  if (!url) return { rows: [], skipped: ['durable ingest: no PostgreSQL (set TERRA_TEST_DATABASE_URL)'] };
  const schema = `bench_durable_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const rows: DurableIngestRow[] = [];
  try {
    const servers = { durable: await start('durable', url, schema), floor: await start('floor', url, schema) };
    try {
      for (const [size, bytes] of [
        ['1 kB', 1_000],
        ['10 kB', 10_000],
      ] as const) {
        const body = activityOfSize(bytes);
        for (const server of Object.values(servers)) await load(server.port, body, 1);
        const runs = { durable: [] as number[], floor: [] as number[] };
        for (let round = 0; round < options.rounds; round++) {
          const order = round % 2 === 0 ? (['floor', 'durable'] as const) : (['durable', 'floor'] as const);
          for (const side of order) runs[side].push(await load(servers[side].port, body, options.seconds));
        }
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
        const durableRps = median(runs.durable);
        const floorRps = median(runs.floor);
        rows.push({ size, durableRps, floorRps, ratio: durableRps / floorRps });
      }
    } finally {
      await Promise.all(Object.values(servers).map((server) => stop(server.child)));
    }
  } finally {
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
  return { rows, skipped: [] };
}
