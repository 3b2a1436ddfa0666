import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/args.js';
import type { CliIO } from '../../src/cli/io.js';
import { stream } from '../../src/cli/stream.js';
import { type StreamingGateway, startStreamingGateway } from '../../src/sandbox/streaming/index.js';

let gateway: StreamingGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

function io(env: Record<string, string>, untilStopped: () => Promise<void> = () => new Promise(() => undefined)) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIO = { out: (line) => out.push(line), err: (line) => err.push(line), env, untilStopped };
  return { io: value, out, err };
}

describe('terra-sdk stream', () => {
  it('--json prints one frame per line, in order, from a cursor', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    gateway.dispatchMany(5, { userId: 'u1', type: 'steps' });
    const run = io({ TERRA_DEV_ID: 'dev', TERRA_API_KEY: 'key', TERRA_STREAMING_BASE_URL: gateway.url });
    const code = await stream(['--json', '--after', '2', '--count', '3'], run.io);
    expect(code).toBe(0);
    expect(run.out.map((line) => JSON.parse(line))).toEqual([
      { seq: '3', userId: 'u1', type: 'steps', data: { n: 2 }, synthetic: false },
      { seq: '4', userId: 'u1', type: 'steps', data: { n: 3 }, synthetic: false },
      { seq: '5', userId: 'u1', type: 'steps', data: { n: 4 }, synthetic: false },
    ]);
  }, 15_000);

  it('prints readable lines and stops on Ctrl+C', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    const g = gateway;
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const run = io({}, () => stopped);
    const running = stream(['--url', g.url, '--dev-id', 'd', '--api-key', 'k', '--synthetic'], run.io);
    while (g.consumers === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    g.generateTestData({ count: 2, userId: 'demo' });
    while (run.out.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    stop();
    expect(await running).toBe(0);
    expect(run.out[0]).toBe('1  demo  heart_rate (synthetic)  {"bpm":60}');
  }, 15_000);

  it('needs credentials; fails with exit 1 on a refused token', async () => {
    await expect(stream([], io({}).io)).rejects.toBeInstanceOf(UsageError);
    await expect(stream(['--dev-id', 'd', '--api-key', 'k', '--after', 'x'], io({}).io)).rejects.toBeInstanceOf(
      UsageError,
    );
    gateway = await startStreamingGateway({ devId: 'dev', apiKey: 'key' });
    const run = io({});
    expect(await stream(['--url', gateway.url, '--dev-id', 'dev', '--api-key', 'wrong'], run.io)).toBe(1);
    expect(run.err.at(-1)).toMatch(/403/);
    expect(
      (await (async () => {
        const r = io({});
        await stream(['--help'], r.io);
        return r.out[0];
      })()) ?? '',
    ).toMatch(/^Usage: terra-sdk stream/);
  });
});

describe('terra-sdk stream through the command line', () => {
  it('is a command of terra-sdk', async () => {
    const { cli } = await import('../cli/support.js');
    expect((await cli(['stream', '--help'])).stdout).toMatch(/^Usage: terra-sdk stream/);
    expect(await cli(['stream'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--dev-id/) });
  });
});
