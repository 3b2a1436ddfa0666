/**
 * The gateway side of `bench/streaming.ts`, in its own process so that producing frames does not
 * share a thread with the clients measured. Told `{ burst: n }` over IPC, it dispatches n frames and
 * answers `{ sent: n }`.
 */
import { startStreamingGateway } from 'terra-sdk/sandbox';

const gateway = await startStreamingGateway({ heartbeatIntervalMs: 60_000, historySize: 1_000 });
const send = (message: unknown) => process.send?.(message);

process.on('message', async (message: { burst?: number; close?: boolean; consumers?: number }) => {
  if (message.close) {
    await gateway.close();
    process.exit(0);
  }
  if (message.consumers !== undefined) {
    while (gateway.consumers !== message.consumers) await new Promise((resolve) => setTimeout(resolve, 5));
    send({ consumers: gateway.consumers });
    return;
  }
  const count = message.burst ?? 0;
  let sent = 0;
  while (sent < count) {
    // A minute of a watch's heart rate, as a mobile producer sends it: small frames, many of them.
    for (let i = 0; i < 500 && sent < count; i++, sent++) {
      gateway.dispatch({
        userId: `user-${sent % 50}`,
        type: 'heart_rate',
        data: { bpm: 60 + (sent % 90), timestamp: '2026-12-06T10:00:00.000Z', device: 'strap' },
      });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  send({ sent });
});
send({ url: gateway.url, socketUrl: gateway.socketUrl });
