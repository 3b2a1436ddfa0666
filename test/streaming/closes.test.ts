import { afterEach, describe, expect, it } from 'vitest';
import { TerraAbortError } from '../../src/errors.js';
import { type StreamingGateway, startStreamingGateway } from '../../src/sandbox/streaming/index.js';
import {
  TerraStreamConsumerLimitError,
  TerraStreamProtocolError,
  TerraStreamTokenError,
} from '../../src/streaming/errors.js';
import { until } from '../support/wait.js';
import { FAST, streamingFor } from './support.js';

let gateway: StreamingGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function drain(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('close codes', () => {
  for (const code of [4003, 4004, 1003]) {
    it(`${code} stops with a protocol error and never reconnects`, async () => {
      gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
      gateway.faults.closeNextIdentify(code, 5);
      const stream = streamingFor(gateway).connect({ ...FAST });
      const error = await drain(stream).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TerraStreamProtocolError);
      expect((error as TerraStreamProtocolError).closeCode).toBe(code);
      expect((error as Error).message).toMatch(/bug/);
      // Give a loop the time to show itself: there is none.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(gateway.stats.connections).toBe(1);
      expect(gateway.stats.tokensIssued).toBe(1);
    });
  }

  it('4001 gets a new token and goes on', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    const g = gateway;
    g.faults.closeNextIdentify(4001, 2);
    const stream = streamingFor(g).connect({ ...FAST });
    const first = stream.next();
    await until(() => g.consumers === 1);
    g.dispatchMany(1);
    expect((await first).value?.seq).toBe('1');
    await stream.close();
    expect(g.stats.tokensIssued).toBe(3);
    expect(g.stats.connections).toBe(3);
  });

  it('4001 every time ends with a token error', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    gateway.faults.closeNextIdentify(4001, 100);
    const error = await drain(streamingFor(gateway).connect({ ...FAST })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraStreamTokenError);
    expect(gateway.stats.connections).toBe(4);
  });

  it('4002 backs off, then fails with a typed error', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    gateway.faults.closeNextIdentify(4002, 100);
    const error = await drain(streamingFor(gateway).connect({ ...FAST })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraStreamConsumerLimitError);
    expect(gateway.stats.connections).toBe(4);
  });

  it('the gateway closes a consumer beyond its limit with 4002', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200, maxConsumers: 1 });
    const g = gateway;
    const first = streamingFor(g).connect({ ...FAST });
    void first.next().catch(() => undefined);
    await until(() => g.consumers === 1);
    const error = await drain(streamingFor(g).connect({ ...FAST })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerraStreamConsumerLimitError);
    await first.close();
  });

  for (const code of [4000, 4005, 1011, 1000] as const) {
    it(`${code} reconnects`, async () => {
      gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
      const g = gateway;
      const stream = streamingFor(g).connect({ ...FAST, quietReplayDelayMs: 20 });
      const items: string[] = [];
      const reading = (async () => {
        for await (const item of stream) items.push(item.seq);
      })();
      await until(() => g.consumers === 1);
      g.dispatchMany(3);
      await until(() => items.length === 3);
      g.faults.dropConsumers(code);
      g.dispatchMany(3);
      await until(() => items.length === 6, 3_000, 'the frames sent while it was away');
      await stream.close();
      await reading;
      expect(items).toEqual(['1', '2', '3', '4', '5', '6']);
      expect(g.stats.tokensIssued).toBe(2);
    });
  }

  it('a missed heartbeat ACK is a dead socket: it reconnects and replays what it missed', async () => {
    // The gateway's own deadline is far away: the consumer must notice by itself.
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 100, heartbeatDeadlineMs: 60_000 });
    const g = gateway;
    const warnings: string[] = [];
    const stream = streamingFor(g).connect({
      ...FAST,
      quietReplayDelayMs: 20,
      onWarning: (warning) => warnings.push(warning.message),
    });
    const items: string[] = [];
    const reading = (async () => {
      for await (const item of stream) items.push(item.seq);
    })();
    await until(() => g.consumers === 1);
    g.dispatchMany(2);
    await until(() => items.length === 2);
    g.faults.stall(600);
    g.dispatchMany(3);
    await until(() => items.length === 5, 5_000, 'the frames sent during the stall');
    await stream.close();
    await reading;
    expect(items).toEqual(['1', '2', '3', '4', '5']);
    // The consumer dropped the dead socket without a close handshake (and the sockets it opened
    // while the gateway still hung, each on a new token).
    expect(g.stats.closes[1006]).toBeGreaterThanOrEqual(1);
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    for (const warning of warnings) expect(warning).toMatch(/dead/);
    expect(g.stats.tokensIssued).toBe(stream.stats.connects);
    expect(g.stats.tokensIssued).toBe(g.stats.connections);
  });

  it('close() during the wait before a reconnect ends it: no further token, no timer left', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    const g = gateway;
    g.faults.closeNextIdentify(4000, 100);
    const stream = streamingFor(g).connect({ minReconnectDelayMs: 60_000, maxReconnectDelayMs: 60_000 });
    const pending = stream.next();
    await until(() => g.stats.closes[4000] === 1);
    const started = Date.now();
    await stream.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(Date.now() - started).toBeLessThan(1_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(g.stats.tokensIssued).toBe(1);
  });

  it('an abort closes the socket with 1000 and rejects with TerraAbortError', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    const g = gateway;
    const controller = new AbortController();
    const stream = streamingFor(g).connect({ ...FAST, signal: controller.signal });
    const pending = stream.next();
    await until(() => g.consumers === 1);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(TerraAbortError);
    await until(() => g.stats.closes[1000] === 1, 2_000, 'a 1000 close');
  });
});
