/**
 * The gateway's fault injection, for tests of a consumer's recovery: dropped sockets, a repeated
 * or skipped `seq`, a stall (a hung gateway), refused IDENTIFYs, raw frames.
 *
 * @packageDocumentation
 */
import type { WebSocket } from 'ws';
import type { StreamingGatewayFaults } from './types.js';

/** The faults armed, read by the session protocol. @internal */
export class FaultState {
  /** Dispatches still to be sent twice. */
  repeat = 0;
  /** Until when (epoch ms) the gateway is stalled. */
  stalledUntil = 0;
  /** Close codes for the next IDENTIFYs, in order. */
  identifyFaults: number[] = [];

  /** The gateway is stalled now: nothing answered, nothing sent live, no deadline enforced. */
  stalled(): boolean {
    return Date.now() < this.stalledUntil;
  }

  /** How many times to send the next dispatch (2 while a repeat is armed). */
  takeRepeat(): number {
    if (this.repeat === 0) return 1;
    this.repeat--;
    return 2;
  }
}

/**
 * The public faults of a gateway over its state, its READY consumers and a way to skip seq numbers.
 * @internal
 */
export function gatewayFaults(
  state: FaultState,
  readyConsumers: Set<{ ws: WebSocket }>,
  skip: (count: bigint) => void,
): StreamingGatewayFaults {
  return {
    dropConsumers(code) {
      let dropped = 0;
      for (const consumer of [...readyConsumers]) {
        readyConsumers.delete(consumer);
        if (code === undefined) consumer.ws.terminate();
        else consumer.ws.close(code, 'fault injected');
        dropped++;
      }
      return dropped;
    },
    repeatNext() {
      state.repeat++;
    },
    skipSeq(count = 1) {
      skip(BigInt(Math.max(1, Math.floor(count))));
    },
    stall(ms) {
      state.stalledUntil = Date.now() + ms;
    },
    closeNextIdentify(code, count = 1) {
      state.identifyFaults = [...state.identifyFaults, ...Array.from({ length: count }, () => code)];
    },
    sendRaw(text) {
      for (const consumer of readyConsumers) consumer.ws.send(text);
    },
  };
}
