/**
 * Throughput of each webhook adapter under sustained load, against the floor in the same framework
 * (bench/server.ts): signed activity events of about 1 kB, 10 kB and 1 MB, sent over loopback by
 * autocannon. The server runs in a child process pinned to one core and the load generator on the
 * other (`taskset`, when the machine has two cores or more), so they do not compete for a core.
 *
 * The floor's server and the SDK's run side by side and are loaded in turns (see `measurePair`), and
 * each side's median run counts. Besides requests per second and p99 latency, the server's CPU time
 * per request is recorded.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import autocannon from 'autocannon';
import { fixtures } from 'terra-sdk/testing';

export const FRAMEWORKS = ['node', 'express', 'fastify', 'hono'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/** The payload sizes measured, with the budgets of each. */
export const SIZES = [
  { label: '1 kB', bytes: 1_000, connections: 10, minRps: 0.8, maxP99: 1.5 },
  { label: '10 kB', bytes: 10_000, connections: 10, minRps: 0.8, maxP99: 1.5 },
  { label: '1 MB', bytes: 1_000_000, connections: 4, minRps: 0.9, maxP99: undefined },
] as const;

export interface LoadResult {
  /** Mean requests per second over the run. */
  rps: number;
  /** 99th percentile latency, in milliseconds. */
  p99: number;
  /** The server's CPU time per request (user and system, every thread), in microseconds. */
  cpuUs: number;
}

export interface ThroughputRow {
  framework: Framework;
  size: (typeof SIZES)[number];
  bodyBytes: number;
  floor: LoadResult;
  sdk: LoadResult;
  rpsRatio: number;
  p99Ratio: number;
  /** SDK CPU per request over the floor's. */
  cpuRatio: number;
}

const SECRET = 'bench-signing-secret';
const SERVER = resolve(import.meta.dirname, 'server.ts');
/** Without the root tsconfig's paths, `terra-sdk/...` resolves to the built dist/, as users get it. */
const TSCONFIG = resolve(import.meta.dirname, 'tsconfig.json');
const TSX = resolve(import.meta.dirname, '../node_modules/tsx/dist/loader.mjs');

const hasTaskset = (() => {
  if (availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Whether the load generator and the server each had a core of their own. */
export const pinned = hasTaskset;

/** An activity event of about `bytes` bytes: heart-rate samples added until it is that large. */
export function activityOfSize(bytes: number): string {
  if (bytes < 1_500) {
    // The smallest fixture is 1.6 kB; a 1 kB event keeps the summary and one sample.
    const small = fixtures.event('activity', { samples: 1 }) as unknown as { data: Record<string, unknown>[] };
    for (const item of small.data) {
      delete item.position_data;
      delete item.movement_data;
      delete item.device_data;
    }
    return JSON.stringify(small);
  }
  let low = 1;
  let high = 1_000_000;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (JSON.stringify(fixtures.event('activity', { samples: mid })).length < bytes) low = mid + 1;
    else high = mid;
  }
  return JSON.stringify(fixtures.event('activity', { samples: low }));
}

function signed(body: string): Record<string, string> {
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
  return {
    'content-type': 'application/json',
    'terra-signature': `t=${t},v1=${v1}`,
    'x-terra-trace-id': 'bench-trace',
  };
}

interface Server {
  child: ChildProcess;
  port: number;
  /** The server's CPU time so far, in microseconds. */
  cpu(): Promise<number>;
}

async function startServer(framework: Framework, mode: 'sdk' | 'floor'): Promise<Server> {
  const args = ['--import', TSX, SERVER, framework, mode, SECRET];
  const stdio: ['ignore', 'ignore', 'inherit', 'ipc'] = ['ignore', 'ignore', 'inherit', 'ipc'];
  const env = { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG };
  const child = hasTaskset
    ? spawn('taskset', ['-c', '1', process.execPath, ...args], { stdio, env })
    : spawn(process.execPath, args, { stdio, env });
  const port = await new Promise<number>((done, fail) => {
    child.once('message', (message) => done((message as { port: number }).port));
    child.once('exit', (code) => fail(new Error(`${framework} ${mode} server exited with ${code}`)));
  });
  const cpu = () =>
    new Promise<number>((done) => {
      child.once('message', (message) => {
        const { user, system } = (message as { cpu: { user: number; system: number } }).cpu;
        done(user + system);
      });
      child.send('cpu');
    });
  return { child, port, cpu };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.send('exit');
  await exited;
}

async function load(port: number, body: string, connections: number, seconds: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/webhooks/terra`,
    method: 'POST',
    headers: signed(body),
    body,
    connections,
    duration: seconds,
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    total: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * Floor and SDK servers run side by side (both pinned to the server core, loaded one at a time);
 * `rounds` pairs of runs alternate between them, the order flipping each round, so a busy moment of
 * the machine lands on both sides alike. Each side reports its median run.
 */
async function measurePair(
  framework: Framework,
  body: string,
  connections: number,
  seconds: number,
  rounds: number,
): Promise<{ floor: LoadResult; sdk: LoadResult }> {
  const servers = { floor: await startServer(framework, 'floor'), sdk: await startServer(framework, 'sdk') };
  try {
    for (const server of Object.values(servers)) await load(server.port, body, connections, 1); // JIT, connections
    const runs: Record<'floor' | 'sdk', LoadResult[]> = { floor: [], sdk: [] };
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['floor', 'sdk'] as const) : (['sdk', 'floor'] as const);
      for (const side of order) {
        const server = servers[side];
        const before = await server.cpu();
        const result = await load(server.port, body, connections, seconds);
        const cpuUs = (await server.cpu()) - before;
        if (result.failures > 0) throw new Error(`${framework} ${side}: ${result.failures} failed requests`);
        runs[side].push({ rps: result.rps, p99: result.p99, cpuUs: cpuUs / Math.max(1, result.total) });
      }
    }
    return { floor: median(runs.floor), sdk: median(runs.sdk) };
  } finally {
    await Promise.all(Object.values(servers).map((server) => stopServer(server.child)));
  }
}

/** The median of each figure over the runs. */
function median(runs: LoadResult[]): LoadResult {
  const mid = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const half = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1
      ? (sorted[half] as number)
      : ((sorted[half - 1] as number) + (sorted[half] as number)) / 2;
  };
  return { rps: mid(runs.map((r) => r.rps)), p99: mid(runs.map((r) => r.p99)), cpuUs: mid(runs.map((r) => r.cpuUs)) };
}

/** Measures every adapter at every size; `seconds` is the length of each measured run. */
export async function measureThroughput(
  options: {
    seconds?: number;
    frameworks?: readonly Framework[];
    sizes?: readonly (typeof SIZES)[number]['label'][];
    rounds?: number;
    log?: (line: string) => void;
  } = {},
): Promise<ThroughputRow[]> {
  const { seconds = 3, frameworks = FRAMEWORKS, rounds = 5, log = () => undefined } = options;
  if (hasTaskset) execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  const rows: ThroughputRow[] = [];
  for (const size of SIZES.filter((s) => options.sizes?.includes(s.label) ?? true)) {
    const body = activityOfSize(size.bytes);
    for (const framework of frameworks) {
      const { floor: f, sdk: s } = await measurePair(framework, body, size.connections, seconds, rounds);
      const row: ThroughputRow = {
        framework,
        size,
        bodyBytes: Buffer.byteLength(body),
        floor: f,
        sdk: s,
        rpsRatio: s.rps / f.rps,
        p99Ratio: s.p99 / f.p99,
        cpuRatio: s.cpuUs / f.cpuUs,
      };
      log(
        `  ${framework} ${size.label}: ${s.rps.toFixed(0)} vs ${f.rps.toFixed(0)} req/s, p99 ${s.p99} vs ${f.p99} ms, CPU ${s.cpuUs.toFixed(0)} vs ${f.cpuUs.toFixed(0)} µs per request`,
      );
      rows.push(row);
    }
  }
  return rows;
}
