import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Caller } from '../../src/internal/caller.js';
import { HttpClient } from '../../src/internal/http.js';
import { StreamingResource } from '../../src/resources/streaming.js';
import { type StreamingGateway, startStreamingGateway } from '../../src/sandbox/streaming/index.js';
import { createMemoryCursorStore, type StreamCursorStore } from '../../src/streaming/cursor.js';
import type { SocketFactory } from '../../src/streaming/socket.js';
import { until } from '../support/wait.js';
import { FAST, streamingFor } from './support.js';

let gateway: StreamingGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** A socket like the global WebSocket's: no way to stop reading. */
const unpausable: SocketFactory = (url, handlers) => {
  const socket = new WebSocket(url);
  socket.on('message', (data: Buffer) => handlers.message(data.toString()));
  socket.on('close', (code: number, reason: Buffer) => handlers.close(code, reason.toString()));
  socket.on('error', () => undefined);
  return {
    send: (text) => socket.send(text),
    close: (code, reason) => socket.close(code, reason),
    terminate: () => socket.terminate(),
    pause: undefined,
    resume: undefined,
  };
};

describe('bounded memory', () => {
  for (const [name, socketFactory] of [
    ['ws (stops reading)', undefined],
    ['a socket that cannot stop reading', unpausable],
  ] as const) {
    it(`a slow consumer stays within maxBufferedFrames: ${name}`, async () => {
      gateway = await startStreamingGateway({ heartbeatIntervalMs: 200, historySize: 5_000 });
      const g = gateway;
      const streaming = socketFactory
        ? new StreamingResource({
            caller: new Caller(
              new HttpClient({ baseUrl: g.url, devId: 'd', apiKey: 'k', timeout: 5_000, maxRetries: 0 }),
            ),
            streamingBaseUrl: g.url,
            socketFactory,
          })
        : streamingFor(g);
      const max = 100;
      const stream = streaming.connect({ ...FAST, after: '0', maxBufferedFrames: max, quietReplayDelayMs: 20 });
      const FRAMES = 3_000;
      let last: string | undefined;
      for (let i = 0; i < 3; i++) last = g.dispatchMany(FRAMES / 3);
      const seen: string[] = [];
      let most = 0;
      for await (const item of stream) {
        seen.push(item.seq);
        most = Math.max(most, stream.buffered);
        // Slower than the gateway: a pause every 50 items.
        if (seen.length % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
        if (item.seq === last) break;
      }
      expect(seen).toEqual(Array.from({ length: FRAMES }, (_, i) => String(i + 1)));
      expect(most).toBeLessThanOrEqual(max);
      expect(stream.stats.maxBuffered).toBeLessThanOrEqual(max);
      if (socketFactory) expect(stream.stats.overflows).toBeGreaterThan(0);
    }, 20_000);
  }
});

describe('a durable cursor', () => {
  it('a restart resumes from the cursor store without a gap', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    const g = gateway;
    const saved: string[] = [];
    const memory = createMemoryCursorStore();
    // An asynchronous store, as a database is.
    const store: StreamCursorStore = {
      get: async () => memory.get(),
      set: async (seq) => {
        saved.push(seq);
        memory.set(seq);
      },
    };
    g.dispatchMany(100);
    const first = streamingFor(g).connect({ ...FAST, after: '0', cursorStore: store, quietReplayDelayMs: 20 });
    const before: string[] = [];
    for await (const item of first) {
      before.push(item.seq);
      if (before.length === 40) break;
    }
    expect(memory.get()).toBe('40');
    // Saved after each item taken, not before.
    expect(saved).toEqual(before);
    // The process "restarts": a new stream from the same store, more frames meanwhile.
    g.dispatchMany(30);
    const second = streamingFor(g).connect({ ...FAST, cursorStore: store, quietReplayDelayMs: 20 });
    const after: string[] = [];
    for await (const item of second) {
      after.push(item.seq);
      if (item.seq === '130') break;
    }
    expect(after).toEqual(Array.from({ length: 90 }, (_, i) => String(i + 41)));
    expect(memory.get()).toBe('130');
  });

  it('after takes precedence over the store', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    gateway.dispatchMany(10);
    const stream = streamingFor(gateway).connect({
      ...FAST,
      after: '7',
      cursorStore: createMemoryCursorStore('2'),
      quietReplayDelayMs: 20,
    });
    const seqs: string[] = [];
    for await (const item of stream) {
      seqs.push(item.seq);
      if (item.seq === '10') break;
    }
    expect(seqs).toEqual(['8', '9', '10']);
  });
});

describe('seq beyond 2^53', () => {
  it('keeps every digit, live, replayed and as the cursor', async () => {
    const first = 2n ** 53n + 1n;
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200, firstSeq: first });
    const g = gateway;
    const expected = Array.from({ length: 6 }, (_, i) => (first + BigInt(i)).toString());
    const store = createMemoryCursorStore();
    const stream = streamingFor(g).connect({ ...FAST, cursorStore: store, quietReplayDelayMs: 20 });
    const seqs: string[] = [];
    const reading = (async () => {
      for await (const item of stream) seqs.push(item.seq);
    })();
    await until(() => g.consumers === 1);
    g.dispatchMany(3);
    await until(() => seqs.length === 3);
    g.faults.dropConsumers();
    g.dispatchMany(3);
    await until(() => seqs.length === 6, 3_000, 'the replayed frames');
    await stream.close();
    await reading;
    expect(seqs).toEqual(expected);
    expect(stream.cursor).toBe(expected[5]);
    expect(store.get()).toBe('9007199254740998');
    expect(stream.stats.replayed).toBe(3);
  });
});

describe('what the stream survives', () => {
  it('frames that are not JSON or have no seq are reported, not fatal; synthetic traffic is skipped', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    const g = gateway;
    const warnings: string[] = [];
    const stream = streamingFor(g).connect({ ...FAST, onWarning: (warning) => warnings.push(warning.code) });
    const items: string[] = [];
    const reading = (async () => {
      for await (const item of stream) items.push(item.seq);
    })();
    await until(() => g.consumers === 1);
    g.dispatchMany(1);
    g.faults.sendRaw('not json');
    g.faults.sendRaw('{"op":5,"uid":"u","t":"x","d":{}}');
    g.faults.sendRaw('[1,2]');
    g.faults.sendRaw('{"op":42}');
    g.generateTestData({ count: 3 });
    g.dispatchMany(1);
    await until(() => items.length === 2);
    await stream.close();
    await reading;
    expect(items).toEqual(['1', '5']);
    expect(warnings).toEqual(['invalid_json', 'missing_seq', 'not_a_frame', 'unexpected_op']);
    expect(stream.stats).toMatchObject({ frameIssues: 4, syntheticSkipped: 3 });
  });

  it('includeSynthetic delivers the test traffic, marked', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    const g = gateway;
    const stream = streamingFor(g).connect({ ...FAST, includeSynthetic: true });
    const next = stream.next();
    await until(() => g.consumers === 1);
    g.generateTestData({ count: 1, userId: 'demo' });
    const { value } = await next;
    expect(value).toMatchObject({ seq: '1', userId: 'demo', type: 'heart_rate', synthetic: true });
    await stream.close();
  });
});

describe('a cursor store that fails', () => {
  it('ends the stream with its error and closes the socket', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    const g = gateway;
    g.dispatchMany(3);
    const stream = streamingFor(g).connect({
      ...FAST,
      after: '0',
      quietReplayDelayMs: 10,
      cursorStore: {
        get: () => undefined,
        set: async () => {
          throw new Error('disk full');
        },
      },
    });
    const taken: string[] = [];
    const error = await (async () => {
      for await (const item of stream) taken.push(item.seq);
    })().catch((e: unknown) => e);
    expect((error as Error).message).toBe('disk full');
    expect(taken).toEqual(['1']);
    await until(() => g.consumers === 0, 2_000, 'the socket to close');
  });
});
