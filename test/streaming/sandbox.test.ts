/**
 * The streaming gateway mounted on the sandbox: its token endpoints and `/connect` on the sandbox's
 * own port, next to the REST API, in process and through the real `terra-sdk` executable.
 */
import { execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Terra } from '../../src/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { until } from '../support/wait.js';
import { streamingFor } from './support.js';

const root = resolve(import.meta.dirname, '../..');
const BIN = ['--import', 'tsx', 'src/cli/bin.ts'];

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('the sandbox as a streaming gateway', () => {
  it('serves tokens and /connect on its own port, and its REST API still works', async () => {
    sandbox = await startSandbox();
    expect(sandbox.streamingBaseUrl).toBe(sandbox.url);
    const terra = new Terra({ devId: 'dev', apiKey: 'key', baseUrl: sandbox.baseUrl, streamingBaseUrl: sandbox.url });
    const stream = terra.streaming.connect();
    const first = stream.next();
    const gateway = await sandbox.streaming();
    await until(() => gateway.consumers === 1);
    gateway.dispatchMany(3, { userId: 'u1', type: 'steps' });
    const seqs = [(await first).value?.seq];
    for (let i = 0; i < 2; i++) seqs.push((await stream.next()).value?.seq);
    expect(seqs).toEqual(['1', '2', '3']);
    await stream.close();
    // REST next to it.
    expect((await terra.listUsers()).getParsedResponse()).toBeDefined();
    const root = await fetch(`${sandbox.url}/`);
    expect(root.status).toBe(200);
    // A producer through the sandbox's /auth/user.
    const producer = await terra.streaming.produce({ userId: 'u2' });
    await producer.submit('heart_rate', { bpm: 61 });
    await until(() => gateway.lastSeq === '4');
    await producer.close();
  }, 20_000);

  it('terra-sdk sandbox prints the streaming base URL, and terra-sdk stream tails it', async () => {
    const child = spawn(process.execPath, [...BIN, 'sandbox', '--port', '0'], { cwd: root });
    try {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      await until(() => /TERRA_STREAMING_BASE_URL=(\S+)/.test(text), 15_000, 'the streaming line');
      const base = (/TERRA_STREAMING_BASE_URL=(\S+)/.exec(text) as RegExpExecArray)[1] as string;
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // Three samples from a producer, then a consumer process replays them from seq 0.
      const producer = await streamingFor({ url: base }).produce({ userId: 'u1' });
      for (let i = 0; i < 3; i++) await producer.submit('steps', { n: i });
      await producer.close();
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [...BIN, 'stream', '--json', '--after', '0', '--count', '3'],
        {
          cwd: root,
          env: { ...process.env, TERRA_DEV_ID: 'dev', TERRA_API_KEY: 'key', TERRA_STREAMING_BASE_URL: base },
          timeout: 15_000,
        },
      );
      expect(
        stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)),
      ).toEqual(
        [0, 1, 2].map((n) => ({ seq: String(n + 1), userId: 'u1', type: 'steps', data: { n }, synthetic: false })),
      );
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }, 40_000);
});
