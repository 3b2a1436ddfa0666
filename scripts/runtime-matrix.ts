/**
 * Runtime matrix: the packed package, installed as a user would, on every runtime the SDK supports.
 * On each, one client call against a local Terra on loopback, and a signed webhook verified and
 * parsed with `terra-sdk/webhooks` (signed here with node:crypto, and signed and verified again
 * inside the runtime with Web Crypto). On every runtime but workerd, `terra.streaming.connect()`
 * also reads a few frames in order from the sandbox's streaming gateway (the runtime's global
 * WebSocket; `ws` on Node 20). Then `terra-sdk/webhooks` is bundled for the browser and for
 * a neutral platform, which must succeed with no Node built-in.
 *
 *   npm run build && npm run check:runtimes
 *
 * Node 22 and 24, Bun and Deno come from the npm registry through `npx`; Cloudflare's workerd runs
 * through miniflare, on Node 22 (miniflare 4 needs it).
 */
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { startSandbox } from '../src/sandbox/index.js';
import { fixtures } from '../src/testing/fixtures/index.js';
import { bundle } from './lib/bundle.js';
import { devVersion, fail, packAndInstall, root } from './lib/package.js';

const exec = promisify(execFile);
const API_KEY = 'matrix-key';
const DEV_ID = 'matrix-dev';
const SECRET = 'matrix-webhook-secret';

// The Terra sandbox on loopback, and one connected user to read.
const sandbox = await startSandbox({ apiKey: API_KEY, devId: DEV_ID });
const user = sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'matrix' });
const { baseUrl, streamingBaseUrl } = sandbox;
// Frames for the streaming check: each runtime's consumer starts from seq 0 and gets them by REPLAY.
const STREAM_FRAMES = 5;
(await sandbox.streaming()).dispatchMany(STREAM_FRAMES, { userId: user.user_id, type: 'heart_rate' });
const STREAM_EXPECTED = Array.from({ length: STREAM_FRAMES }, (_, i) => String(i + 1)).join(',');

// A realistic event, signed here with node:crypto, independently of the SDK.
const event = { type: 'activity', user, data: [fixtures.activity({ samples: 600, seed: 3 })], version: '2022-03-16' };
const body = JSON.stringify(event);
const timestamp = Math.floor(Date.now() / 1000);
const header = `t=${timestamp},v1=${createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex')}`;

/** The probe every runtime runs: plain ESM importing the package by name. */
const probe = `
import { Terra } from 'terra-sdk';
import { constructEvent, signPayload } from 'terra-sdk/webhooks';

export async function probe(baseUrl) {
  const terra = new Terra({ apiKey: ${JSON.stringify(API_KEY)}, devId: ${JSON.stringify(DEV_ID)}, baseUrl, maxRetries: 0 });
  const user = await terra.fromUserId(${JSON.stringify(user.user_id)});
  const body = ${JSON.stringify(body)};
  const secret = ${JSON.stringify(SECRET)};
  const hosted = await constructEvent(body, ${JSON.stringify(header)}, { secret });
  const own = await constructEvent(body, await signPayload(body, { secret }), { secret });
  return {
    client: user.provider,
    webhook: hosted.type + ' x' + hosted.data[0].heart_rate_data.detailed.hr_samples.length,
    roundTrip: own.type === hosted.type,
  };
}
`;

/** The streaming probe: a consumer from the built package, on the runtime's WebSocket. */
const streamProbe = `
import { Terra } from 'terra-sdk';

export async function streamProbe(streamingBaseUrl) {
  const terra = new Terra({ apiKey: ${JSON.stringify(API_KEY)}, devId: ${JSON.stringify(DEV_ID)}, streamingBaseUrl, maxRetries: 0 });
  const stream = terra.streaming.connect({ after: '0', quietReplayDelayMs: 50 });
  const timer = setTimeout(() => stream.close(), 30000);
  const seqs = [];
  try {
    for await (const item of stream) {
      seqs.push(item.seq);
      if (seqs.length === ${STREAM_FRAMES}) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return seqs.join(',');
}
`;

// ws: the WebSocket of Node 20, which has no global one (an optional peer of the package).
const consumer = packAndInstall([devVersion('ws')]);
const results: {
  runtime: string;
  version: string;
  client: string;
  webhook: string;
  stream?: string | undefined;
  error?: string;
}[] = [];
try {
  writeFileSync(join(consumer.dir, 'probe.mjs'), probe);
  writeFileSync(join(consumer.dir, 'stream-probe.mjs'), streamProbe);
  writeFileSync(
    join(consumer.dir, 'run.mjs'),
    `import { probe } from './probe.mjs';
import { streamProbe } from './stream-probe.mjs';
const version = globalThis.Deno ? 'deno ' + Deno.version.deno : globalThis.Bun ? 'bun ' + Bun.version : 'node ' + process.version;
const result = await probe(${JSON.stringify(baseUrl)});
const stream = await streamProbe(${JSON.stringify(streamingBaseUrl)});
console.log(JSON.stringify({ version, ...result, stream }));
`,
  );

  // workerd: the probe bundled as a module worker, as wrangler would, answering one fetch.
  const worker = await build({
    stdin: {
      contents: `import { probe } from './probe.mjs';
export default { async fetch(request) {
  const result = await probe(new URL(request.url).searchParams.get('base'));
  return Response.json({ version: 'workerd ' + (navigator.userAgent ?? ''), ...result });
} };`,
      resolveDir: consumer.dir,
      loader: 'js',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser', 'import', 'default'],
    logLevel: 'silent',
  });
  writeFileSync(join(consumer.dir, 'worker.mjs'), worker.outputFiles[0]?.text ?? '');
  writeFileSync(
    join(consumer.dir, 'workerd.mjs'),
    `import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const { Miniflare } = createRequire(${JSON.stringify(`${root}/`)})('miniflare');
const mf = new Miniflare({
  // The bundle as one explicit module, as wrangler uploads it: miniflare's own module scan (modules:
  // true) refuses the streaming loader's import(name) of ws, which never runs where WebSocket exists.
  modules: [
    { type: 'ESModule', path: 'worker.mjs', contents: readFileSync(new URL('./worker.mjs', import.meta.url), 'utf8') },
  ],
  compatibilityDate: '2026-01-01',
  // The worker's own fetches (the client's) leave through Node, to reach the loopback server. The
  // request is rebuilt from plain values: miniflare's Request class is not Node's.
  outboundService: async (request) => {
    const body = ['GET', 'HEAD'].includes(request.method) ? undefined : await request.arrayBuffer();
    const response = await fetch(request.url, { method: request.method, headers: [...request.headers], body });
    return new Response(await response.arrayBuffer(), { status: response.status, headers: [...response.headers] });
  },
});
try {
  const response = await mf.dispatchFetch('http://worker/?base=' + encodeURIComponent(${JSON.stringify(baseUrl)}));
  console.log(await response.text());
} finally {
  await mf.dispose();
}
`,
  );

  const runtimes: [string, string, string[]][] = [
    ['Node 20', process.execPath, ['run.mjs']],
    ['Node 22', 'npx', ['-y', '-p', 'node@22', 'node', 'run.mjs']],
    ['Node 24', 'npx', ['-y', '-p', 'node@24', 'node', 'run.mjs']],
    ['Bun', 'npx', ['-y', '-p', 'bun', 'bun', 'run.mjs']],
    [
      'Deno',
      'npx',
      ['-y', '-p', 'deno', 'deno', 'run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', 'run.mjs'],
    ],
    ['workerd (miniflare)', 'npx', ['-y', '-p', 'node@22', 'node', 'workerd.mjs']],
  ];
  // One at a time: the runtimes share two cores with the loopback server.
  for (const [runtime, command, args] of runtimes) {
    try {
      const { stdout } = await exec(command, args, {
        cwd: consumer.dir,
        timeout: 180_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      const line = stdout.trim().split('\n').pop() ?? '';
      const result = JSON.parse(line) as {
        version: string;
        client: string;
        webhook: string;
        roundTrip: boolean;
        stream?: string;
      };
      // workerd runs the client and webhook probe only (a Worker consumes no long-lived stream here).
      const streamed = runtime.startsWith('workerd') || result.stream === STREAM_EXPECTED;
      const ok = result.client === 'GARMIN' && result.webhook === 'activity x600' && result.roundTrip && streamed;
      results.push({ runtime, ...result, ...(ok ? {} : { error: `unexpected result ${line}` }) });
    } catch (error) {
      const e = error as { stderr?: string; message?: string };
      results.push({
        runtime,
        version: '?',
        client: '-',
        webhook: '-',
        error: (e.stderr || e.message || String(error)).trim().slice(-600),
      });
    }
  }
} finally {
  consumer.dispose();
  await sandbox.close();
}

// Bundles of the webhooks entry for platforms without Node.
const bundles: { platform: string; error?: string; size?: string }[] = [];
for (const platform of ['browser', 'neutral'] as const) {
  try {
    const result = await bundle("export * from 'terra-sdk/webhooks';", platform);
    const builtins = result.inputs.filter((input) => input.startsWith('node:'));
    bundles.push(
      builtins.length
        ? { platform, error: `Node built-ins: ${builtins.join(', ')}` }
        : { platform, size: `${(result.gzip / 1000).toFixed(1)} kB gzip` },
    );
  } catch (error) {
    bundles.push({ platform, error: (error as Error).message.slice(0, 600) });
  }
}

process.stdout.write(
  '\nRuntime matrix (packed package; one client call on loopback; a signed webhook verified and parsed; a stream read in order)\n\n',
);
for (const r of results) {
  process.stdout.write(
    `${r.error ? 'FAIL' : 'ok  '}  ${r.runtime.padEnd(20)} ${r.version.padEnd(28)} client: ${r.client.padEnd(7)} webhook: ${r.webhook}${r.stream === undefined ? '' : `  stream: ${r.stream}`}\n`,
  );
  if (r.error) process.stdout.write(`      ${r.error.replace(/\n/g, '\n      ')}\n`);
}
for (const b of bundles) {
  process.stdout.write(
    `${b.error ? 'FAIL' : 'ok  '}  esbuild terra-sdk/webhooks --platform=${b.platform}: ${b.error ?? `no Node built-in, ${b.size}`}\n`,
  );
}
const failures = results.filter((r) => r.error).length + bundles.filter((b) => b.error).length;
if (failures > 0) fail(`${failures} runtime check(s) failed`);
