/**
 * Streaming throughput: frames per second through `terra.streaming.connect()` (the consumer: seq
 * parsing, dedup, the buffer, the async iterator), against a bare `ws` client that only
 * `JSON.parse`s the same frames from the same local gateway. The gateway runs in a child process;
 * each round sends the same burst to one client, then the other, alternating; medians.
 *
 * Measures the built package (`terra-sdk`, `terra-sdk/sandbox` from dist/), as the other benches:
 * run `npm run build` first (`npm run bench` does).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Terra } from 'terra-sdk';
import { WebSocket } from 'ws';

export interface StreamingCost {
  frames: number;
  sdkPerSecond: number;
  barePerSecond: number;
  /** sdk / bare: at least 0.8 is the budget. */
  ratio: number;
}

const FRAMES = Number(process.env.BENCH_STREAM_FRAMES ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function ask<T>(child: ChildProcess, message: unknown, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (answer: Record<string, unknown>) => {
      if (key in answer) {
        child.off('message', listener);
        resolve(answer as T);
      }
    };
    child.on('message', listener);
    if (message !== undefined) child.send(message as object);
  });
}

async function token(url: string): Promise<string> {
  const response = await fetch(`${url}/auth/developer`, {
    method: 'POST',
    headers: { 'dev-id': 'b', 'x-api-key': 'b' },
  });
  return ((await response.json()) as { token: string }).token;
}

/** The floor: a socket that identifies, then only JSON.parses each frame. */
async function bare(child: ChildProcess, url: string, socketUrl: string): Promise<number> {
  const secret = await token(url);
  const socket = new WebSocket(socketUrl, { perMessageDeflate: false });
  let count = 0;
  let started = 0;
  let finish: (ms: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const ready = new Promise<void>((resolve) => {
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { op: number };
      if (frame.op === 5) {
        if (++count === FRAMES) finish(performance.now() - started);
      } else if (frame.op === 2) socket.send(JSON.stringify({ op: 3, d: { type: 1, token: secret } }));
      else if (frame.op === 4) resolve();
    });
  });
  await ready;
  started = performance.now();
  child.send({ burst: FRAMES });
  const ms = await done;
  socket.close(1000);
  return ms;
}

async function sdk(child: ChildProcess, url: string): Promise<number> {
  const terra = new Terra({ devId: 'b', apiKey: 'b', streamingBaseUrl: url, timeoutMs: 10_000, maxRetries: 0 });
  const stream = terra.streaming.connect({ maxBufferedFrames: 50_000 });
  let count = 0;
  let started = 0;
  const first = stream.next();
  // READY reached: the gateway counts the consumer; the first burst frame then resolves `first`.
  await ask(child, { consumers: 1 }, 'consumers');
  started = performance.now();
  child.send({ burst: FRAMES });
  if (!(await first).done) count++;
  for await (const _ of stream) {
    if (++count === FRAMES) break;
  }
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function measureStreamingCost(): Promise<StreamingCost> {
  const child = fork(fileURLToPath(new URL('./streaming-gateway.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    // The bench's tsconfig: `terra-sdk/...` resolves to dist/, not to src/.
    env: { ...process.env, TSX_TSCONFIG_PATH: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { url, socketUrl } = await ask<{ url: string; socketUrl: string }>(child, undefined, 'url');
    const sdkMs: number[] = [];
    const bareMs: number[] = [];
    // Round 0 warms both sides up (JIT, the gateway's buffers) and is not counted.
    for (let round = 0; round <= ROUNDS; round++) {
      await ask(child, { consumers: 0 }, 'consumers');
      const sent = ask(child, undefined, 'sent');
      const bareRound = await bare(child, url, socketUrl);
      if (round > 0) bareMs.push(bareRound);
      await sent;
      await ask(child, { consumers: 0 }, 'consumers');
      const sentAgain = ask(child, undefined, 'sent');
      const sdkRound = await sdk(child, url);
      if (round > 0) sdkMs.push(sdkRound);
      await sentAgain;
    }
    const sdkPerSecond = FRAMES / (median(sdkMs) / 1000);
    const barePerSecond = FRAMES / (median(bareMs) / 1000);
    return { frames: FRAMES, sdkPerSecond, barePerSecond, ratio: sdkPerSecond / barePerSecond };
  } finally {
    child.send({ close: true });
  }
}
