import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { TerraAuthenticationError, TerraInvalidArgumentError } from '../../src/errors.js';
import { type StreamingGateway, startStreamingGateway } from '../../src/sandbox/streaming/index.js';
import { until } from '../support/wait.js';
import { FAST, streamingFor } from './support.js';

let gateway: StreamingGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** A bare socket to the gateway, recording what it receives and how it closes. */
async function rawSocket(url: string): Promise<{ socket: WebSocket; frames: string[]; closed: Promise<number> }> {
  const socket = new WebSocket(url);
  const frames: string[] = [];
  socket.on('message', (data: Buffer) => frames.push(data.toString()));
  const closed = new Promise<number>((resolve) => socket.on('close', (code: number) => resolve(code)));
  await new Promise((resolve) => socket.on('open', resolve));
  return { socket, frames, closed };
}

describe('tokens', () => {
  it('are generated with the client credentials, one per call', async () => {
    gateway = await startStreamingGateway({ devId: 'dev', apiKey: 'key', userIds: ['user-1'] });
    const streaming = streamingFor(gateway);
    const a = (await streaming.generateDeveloperToken()).getParsedResponse().token;
    const b = (await streaming.generateDeveloperToken()).getParsedResponse().token;
    const u = (await streaming.generateUserToken('user-1')).getParsedResponse().token;
    expect(new Set([a, b, u]).size).toBe(3);
    expect(gateway.stats.tokensIssued).toBe(3);
  });

  it('bad credentials and unknown users are typed errors', async () => {
    gateway = await startStreamingGateway({ devId: 'dev', apiKey: 'key', userIds: ['user-1'] });
    const wrong = streamingFor(gateway, { devId: 'dev', apiKey: 'nope' });
    await expect(wrong.generateDeveloperToken()).rejects.toBeInstanceOf(TerraAuthenticationError);
    await expect(streamingFor(gateway).generateUserToken('someone-else')).rejects.toBeInstanceOf(
      TerraAuthenticationError,
    );
    await expect(streamingFor(gateway).generateUserToken('')).rejects.toBeInstanceOf(TerraInvalidArgumentError);
  });

  it('the gateway wants dev-id and x-api-key, or HTTP Basic', async () => {
    gateway = await startStreamingGateway({ devId: 'dev', apiKey: 'key' });
    const missing = await fetch(`${gateway.url}/auth/developer`, { method: 'POST' });
    expect(missing.status).toBe(400);
    const basic = await fetch(`${gateway.url}/auth/developer`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('dev:key').toString('base64')}` },
    });
    expect(basic.status).toBe(200);
    expect(await basic.json()).toEqual({ token: expect.any(String) });
    const noId = await fetch(`${gateway.url}/auth/user`, {
      method: 'POST',
      headers: { 'dev-id': 'dev', 'x-api-key': 'key' },
    });
    expect(noId.status).toBe(400);
    await expect(streamingFor(gateway).generateUserToken('x', { extraQuery: { id: 'y' } })).rejects.toBeInstanceOf(
      TerraInvalidArgumentError,
    );
  });
});

describe('the gateway protocol', () => {
  it('HELLO, IDENTIFY with a single-use token, READY; a reused token is 4001', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 1234 });
    const token = (await streamingFor(gateway).generateDeveloperToken()).getParsedResponse().token;
    const one = await rawSocket(gateway.socketUrl);
    await until(() => one.frames.length === 1);
    expect(JSON.parse(one.frames[0] as string)).toEqual({ op: 2, d: { heartbeat_interval: 1234 } });
    one.socket.send(JSON.stringify({ op: 3, d: { type: 1, token } }));
    await until(() => one.frames.length === 2);
    expect(JSON.parse(one.frames[1] as string)).toEqual({ op: 4 });
    // A second IDENTIFY is 4003.
    one.socket.send(JSON.stringify({ op: 3, d: { type: 1, token } }));
    expect(await one.closed).toBe(4003);
    const two = await rawSocket(gateway.socketUrl);
    two.socket.send(JSON.stringify({ op: 3, d: { type: 1, token } }));
    expect(await two.closed).toBe(4001);
  });

  it('closes 4000 without IDENTIFY, 4005 without heartbeats, 4004 on SUBMIT from a consumer, 1003 on bad JSON', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 50, identifyTimeoutMs: 50 });
    const streaming = streamingFor(gateway);
    const quiet = await rawSocket(gateway.socketUrl);
    expect(await quiet.closed).toBe(4000);
    const identify = async (): Promise<Awaited<ReturnType<typeof rawSocket>>> => {
      const token = (await streaming.generateDeveloperToken()).getParsedResponse().token;
      const raw = await rawSocket(gateway?.socketUrl as string);
      raw.socket.send(JSON.stringify({ op: 3, d: { type: 1, token } }));
      return raw;
    };
    expect(await (await identify()).closed).toBe(4005);
    const submit = await identify();
    submit.socket.send(JSON.stringify({ op: 6, t: 'x', d: {} }));
    expect(await submit.closed).toBe(4004);
    const bad = await identify();
    bad.socket.send('{');
    expect(await bad.closed).toBe(1003);
    const replay = await identify();
    replay.socket.send(JSON.stringify({ op: 7, d: { before: 'soon' } }));
    expect(await replay.closed).toBe(1003);
  });
});

describe('the producer', () => {
  it('submits samples that a consumer receives, and reports presence', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    const g = gateway;
    const streaming = streamingFor(g);
    const stream = streaming.connect({ ...FAST });
    const first = stream.next();
    await until(() => g.consumers === 1);
    const producer = await streaming.produce({ userId: 'user-7' });
    await producer.status({ connected: true, deviceId: 'strap-1' });
    await producer.submit('heart_rate', { bpm: 72, at: '2026-12-06T10:00:00Z' });
    const { value } = await first;
    expect(value).toEqual({
      seq: '1',
      userId: 'user-7',
      type: 'heart_rate',
      data: { bpm: 72, at: '2026-12-06T10:00:00Z' },
      synthetic: false,
    });
    expect(g.presence.get('user-7')).toEqual({ connected: true, deviceId: 'strap-1' });
    expect(await producer.close()).toMatchObject({ code: 1000 });
    await expect(producer.submit('heart_rate', {})).rejects.toThrow(/closed/);
    await stream.close();
  });

  it('rejects when the token is refused', async () => {
    gateway = await startStreamingGateway({ heartbeatIntervalMs: 200 });
    await expect(streamingFor(gateway).produce({ token: 'made-up' })).rejects.toMatchObject({ closeCode: 4001 });
    await expect(streamingFor(gateway).produce({})).rejects.toBeInstanceOf(TerraInvalidArgumentError);
  });
});

describe('a gateway mounted on your own server', () => {
  it('answers its token paths and upgrades /connect, and leaves the rest to you', async () => {
    const { createServer } = await import('node:http');
    const { createStreamingGateway } = await import('../../src/sandbox/streaming/index.js');
    const mounted = await createStreamingGateway({ heartbeatIntervalMs: 200 });
    const server = createServer((req, res) => {
      if (!mounted.handleRequest(req, res)) res.writeHead(418).end();
    });
    server.on('upgrade', (req, socket, head) => {
      if (!mounted.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const url = `http://127.0.0.1:${port}`;
    try {
      expect((await fetch(`${url}/other`)).status).toBe(418);
      const stream = streamingFor({ url }).connect({ ...FAST });
      const first = stream.next();
      await until(() => mounted.consumers === 1);
      mounted.dispatch({ userId: 'u', type: 't', data: 1 });
      expect((await first).value).toMatchObject({ seq: '1', data: 1 });
      await stream.close();
    } finally {
      await mounted.closeSockets();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
