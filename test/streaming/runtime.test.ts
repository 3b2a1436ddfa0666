/**
 * The two WebSocket paths: the runtime's global `WebSocket` (Node 22+, Bun, Deno, Workers; played
 * here by `ws`'s browser-compatible class) and the `ws` package where there is none, with a clear
 * error naming it when it is missing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import { Caller } from '../../src/internal/caller.js';
import { HttpClient } from '../../src/internal/http.js';
import { StreamingResource } from '../../src/resources/streaming.js';
import { type StreamingGateway, startStreamingGateway } from '../../src/sandbox/streaming/index.js';
import { until } from '../support/wait.js';
import { FAST } from './support.js';

let gateway: StreamingGateway | undefined;
afterEach(async () => {
  vi.unstubAllGlobals();
  vi.doUnmock('ws');
  vi.resetModules();
  await gateway?.close();
  gateway = undefined;
});

describe('WebSocket implementations', () => {
  it('uses the global WebSocket when the runtime has one', async () => {
    let made = 0;
    class GlobalWebSocket extends WsWebSocket {
      constructor(url: string) {
        super(url);
        made++;
      }
    }
    vi.stubGlobal('WebSocket', GlobalWebSocket);
    vi.resetModules();
    const { loadSocketFactory } = await import('../../src/streaming/socket.js');
    const socketFactory = await loadSocketFactory();
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 100 });
    const g = gateway;
    const http = new HttpClient({ baseUrl: g.url, devId: 'd', apiKey: 'k', timeout: 5_000, maxRetries: 0 });
    const streaming = new StreamingResource({ caller: new Caller(http), streamingBaseUrl: g.url, socketFactory });
    const stream = streaming.connect({ ...FAST, quietReplayDelayMs: 10 });
    const seqs: string[] = [];
    const reading = (async () => {
      for await (const item of stream) seqs.push(item.seq);
    })();
    await until(() => g.consumers === 1);
    g.dispatchMany(2);
    await until(() => seqs.length === 2);
    g.faults.dropConsumers();
    g.dispatchMany(2);
    await until(() => seqs.length === 4, 3_000, 'the replay');
    await stream.close();
    await reading;
    expect(seqs).toEqual(['1', '2', '3', '4']);
    expect(made).toBe(2);
    await until(() => g.stats.closes[1000] === 1, 2_000, 'a 1000 close');
  });

  it('without a global WebSocket and without ws, rejects with an error naming ws', async () => {
    vi.stubGlobal('WebSocket', undefined);
    vi.doMock('ws', () => {
      throw new Error('Cannot find package ws');
    });
    vi.resetModules();
    const { loadSocketFactory } = await import('../../src/streaming/socket.js');
    const { TerraWebSocketUnavailableError } = await import('../../src/streaming/errors.js');
    const error = await loadSocketFactory().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraWebSocketUnavailableError);
    expect((error as Error).message).toMatch(/npm install ws/);
  });
});
