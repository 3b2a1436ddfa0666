/**
 * Reconnecting: the back-off between attempts, and what each close code means for the next one
 * (a new token, a back-off, or a typed error that ends the stream instead of a reconnect loop).
 *
 * @packageDocumentation
 */
import { TerraConnectionError, TerraRateLimitError, TerraServerError } from '../errors.js';
import type { StreamWarning } from './consumer-options.js';
import { TerraStreamConsumerLimitError, TerraStreamProtocolError, TerraStreamTokenError } from './errors.js';
import { PROTOCOL_ERROR_CODES, StreamCloseCode } from './protocol.js';
import type { SessionEnd } from './session.js';

/** How many refused tokens (4001) in a row end the stream with {@link TerraStreamTokenError}. */
export const MAX_TOKEN_REFUSALS = 3;
/** How many 4002 closes in a row end the stream with {@link TerraStreamConsumerLimitError}. */
export const MAX_CONSUMER_LIMIT_CLOSES = 4;

/** Exponential back-off with equal jitter, in milliseconds, before attempt `failures + 1`. @internal */
export function backoffMs(failures: number, minDelayMs: number, maxDelayMs: number): number {
  const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(failures - 1, 20));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** Waits `ms` milliseconds, or less when `signal` aborts; never rejects. @internal */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Whether a failed token request is worth another attempt (the network, Terra's 5xx, 429). @internal */
export function isRetriedTokenError(error: unknown): boolean {
  return (
    error instanceof TerraServerError || error instanceof TerraConnectionError || error instanceof TerraRateLimitError
  );
}

/** The closes in a row that count towards giving up. @internal */
export interface CloseCounts {
  /** 4001 closes in a row. */
  refusals: number;
  /** 4002 closes in a row. */
  limits: number;
}

/**
 * What to do after a session that ended with `end` (not dropped for overflow): reconnect with a new
 * token, after a back-off (`wait`) or at once (4001), and the warning that says so. Counts the
 * close in `counts`.
 * @throws {@link TerraStreamProtocolError} for 4003/4004/1003 (a bug: never a loop),
 *   {@link TerraStreamTokenError} after too many 4001, {@link TerraStreamConsumerLimitError} after
 *   too many 4002.
 * @internal
 */
export function afterClose(end: SessionEnd, counts: CloseCounts): { wait: boolean; warning: StreamWarning } {
  const { code } = end;
  if (PROTOCOL_ERROR_CODES.has(code)) {
    throw new TerraStreamProtocolError(
      `The streaming gateway closed the socket with ${code} (${end.reason || 'protocol error'}): it refused a frame this client sent, which is a bug in terra-sdk or the gateway, not a network problem; not reconnecting. Please report it`,
      code,
    );
  }
  if (code === StreamCloseCode.TOKEN_REFUSED) {
    counts.refusals++;
    if (counts.refusals > MAX_TOKEN_REFUSALS)
      throw new TerraStreamTokenError(
        `The streaming gateway refused ${counts.refusals} fresh tokens in a row (4001): check the credentials are for this gateway`,
        code,
      );
    return {
      wait: false,
      warning: { code: 'reconnect', message: 'Token refused (4001): reconnecting with a new one', closeCode: code },
    };
  }
  if (code === StreamCloseCode.CONSUMER_LIMIT) {
    counts.limits++;
    if (counts.limits >= MAX_CONSUMER_LIMIT_CLOSES)
      throw new TerraStreamConsumerLimitError(
        `The streaming gateway refused this consumer ${counts.limits} times (4002: consumer session limit reached for this developer): close another consumer or ask Terra for a higher limit`,
        code,
      );
  }
  return {
    wait: true,
    warning: {
      code: 'reconnect',
      message: `Socket closed (${code}${end.dropped ? `, ${end.dropped}` : ''}): reconnecting`,
      closeCode: code,
    },
  };
}
