/**
 * An unsigned 1 GB body costs under 100 MB of memory on every adapter: the server runs in a child
 * process, the body is streamed from a generator (never built), and the child's resident size is
 * sampled throughout. The adapter must answer 401 before reading the body; a sender that keeps going
 * is cut off. If the server buffered instead, the test stops sending once the child grows past the
 * limit, so it stays bounded in time either way.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADAPTERS, type Adapter, repeated, send } from './support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const LIMIT = 100 * 1024 * 1024;
const GIGABYTE = 1024 * 1024 * 1024;
const CHUNK = 64 * 1024;

interface Child {
  process: ChildProcess;
  url: string;
  ask(message: string): Promise<Record<string, number>>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

async function startServer(adapter: Adapter): Promise<Child> {
  const child = fork(resolve(import.meta.dirname, 'fixtures/server.ts'), [adapter], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(child);
  const url = await new Promise<string>((done, fail) => {
    child.once('message', (message) => done((message as { url: string }).url));
    child.once('exit', (code) => fail(new Error(`the ${adapter} server exited with ${code}`)));
  });
  const ask = (message: string) =>
    new Promise<Record<string, number>>((done) => {
      child.once('message', (reply) => done(reply as Record<string, number>));
      child.send(message);
    });
  // One small request first, as a server that has been up a while has had.
  await send(url, { headers: { 'content-type': 'application/json' }, body: [new Uint8Array(100)] });
  return { process: child, url, ask };
}

/** 1 GB in 64 KiB chunks; gives up (so the test fails fast) once the server has grown past the limit. */
async function* gigabyte(child: Child): AsyncGenerator<Uint8Array> {
  let sent = 0;
  for (const chunk of repeated(CHUNK, GIGABYTE / CHUNK)) {
    yield chunk;
    sent += chunk.byteLength;
    if (sent % (16 * 1024 * 1024) === 0) {
      const { baseline = 0, peak = 0 } = await child.ask('peak');
      if (peak - baseline > LIMIT) {
        throw new Error(
          `the server grew by ${Math.round((peak - baseline) / 1e6)} MB after ${sent / 1024 / 1024} MiB, still reading`,
        );
      }
    }
  }
}

describe.each(ADAPTERS)('%s adapter, unsigned 1 GB body', (adapter) => {
  it('answers 401 and grows by less than 100 MB', { timeout: 30_000 }, async () => {
    const child = await startServer(adapter);
    await child.ask('reset');
    const answer = await send(child.url, {
      headers: { 'content-type': 'application/json', 'content-length': String(GIGABYTE) },
      body: gigabyte(child),
      timeoutMs: 20_000,
    });
    await new Promise((done) => setTimeout(done, 50));
    const { baseline = 0, peak = 0 } = await child.ask('peak');
    const grownMb = (peak - baseline) / 1024 / 1024;
    process.stdout.write(
      `  ${adapter}: ${grownMb.toFixed(1)} MB grown, ${(answer.sent / 1024 / 1024).toFixed(1)} MiB sent\n`,
    );
    expect(answer.status).toBe(401);
    expect(peak - baseline).toBeLessThan(LIMIT);
    // Answered before the body: far less than the gigabyte went out.
    expect(answer.sent).toBeLessThan(GIGABYTE / 4);
  });
});
