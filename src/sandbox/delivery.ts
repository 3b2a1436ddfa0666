/**
 * The sandbox's webhook sender: signs each event the emulator emits and POSTs it to the webhook URL
 * with Terra's delivery headers, retrying failures on Terra's schedule, scaled down.
 * @internal
 * @packageDocumentation
 */
import type { EmulatorDelivery } from '../testing/emulator/index.js';
import { signWebhook } from '../webhooks/sign.js';
import { terraJson } from '../webhooks/terra-json.js';

const MINUTE = 60_000;

/**
 * Terra's waits before each retry of a failed delivery: about 5 min, 30 min, 1 h, 2 h, 4 h, then 8 h,
 * eight retries in all. The sandbox multiplies them by {@link RetryOptions.scale}.
 */
export const TERRA_RETRY_SCHEDULE_MS: readonly number[] = [5, 30, 60, 120, 240, 480, 480, 480].map((m) => m * MINUTE);

/** How the sandbox retries a delivery the receiver did not accept. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 8, as Terra. `0` sends each event once. */
  retries?: number | undefined;
  /**
   * Factor applied to Terra's waits (5 min, 30 min, 1 h, 2 h, ...). Default `0.001`: 300 ms, 1.8 s,
   * 3.6 s, ... Use `1` for Terra's real schedule.
   */
  scale?: number | undefined;
  /** How long to wait for the receiver's answer, in milliseconds. Default 8,000, Terra's window. */
  timeoutMs?: number | undefined;
  /**
   * Another name of {@link RetryOptions.timeoutMs}, accepted for code written for 0.2.
   * @deprecated Use `timeoutMs` (every duration names its unit); `timeout` is removed in 0.3.
   */
  timeout?: number | undefined;
}

/** One attempt to deliver an event, as the sandbox made it. */
export interface DeliveryAttempt {
  /** The event's `type`. */
  readonly type: string;
  /** `X-Terra-Trace-Id`: the same on every attempt of one delivery. */
  readonly traceId: string;
  /** `terra-reference`, when the event answers an API request. */
  readonly reference: string | undefined;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
  /** The receiver's HTTP status, or `undefined` when there was no answer. */
  readonly status: number | undefined;
  /** Why there was no answer (`timed out after 8000 ms`, `connection refused`), else `undefined`. */
  readonly error: string | undefined;
  /** Whether the receiver accepted it (a 2xx status). */
  readonly ok: boolean;
  /** When it failed and will be retried: the wait before the next attempt, in milliseconds. */
  readonly retryInMs: number | undefined;
  /** Whether it failed for the last time: no attempt follows. */
  readonly gaveUp: boolean;
}

/** What {@link DeliveryQueue} needs. */
export interface DeliveryQueueOptions {
  url: string;
  secret: string;
  retries: number;
  scale: number;
  timeout: number;
  onAttempt: (attempt: DeliveryAttempt) => void;
}

/**
 * Why a `fetch` got no answer, in a few words (`connection refused`, ...), from the error's cause.
 * Never the request's body or headers.
 */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (typeof code === 'string') return `network error (${code})`;
  if (cause?.message === 'bad port') return 'fetch refuses this port (a "bad port"): use another';
  return 'network error';
}

/**
 * Sends deliveries one after another in the order they were emitted; a failed one is retried on its
 * own schedule without holding up the others, as Terra does.
 */
export class DeliveryQueue {
  readonly #options: DeliveryQueueOptions;
  #chain: Promise<void> = Promise.resolve();
  #pending = 0;
  #waiters: (() => void)[] = [];
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #controllers = new Set<AbortController>();
  #closed = false;

  constructor(options: DeliveryQueueOptions) {
    this.#options = options;
  }

  /** Queues one delivery. */
  enqueue(delivery: EmulatorDelivery): void {
    if (this.#closed) return;
    this.#pending++;
    // Serialized once: every attempt sends the same bytes, signed again with a fresh timestamp.
    const body = terraJson(delivery.payload);
    this.#chain = this.#chain.then(() => this.#attempt(delivery, body, 1)).catch(() => this.#done());
  }

  /** Resolves once every queued delivery was accepted or given up on. */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Stops: scheduled retries are dropped and attempts in flight are aborted. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const controller of this.#controllers) controller.abort();
    this.#pending = 0;
    this.#settle();
  }

  #settle(): void {
    if (this.#pending > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }

  #done(): void {
    if (this.#closed) return;
    this.#pending--;
    this.#settle();
  }

  async #attempt(delivery: EmulatorDelivery, body: string, attempt: number): Promise<void> {
    if (this.#closed) return;
    const { url, secret, retries, scale, timeout, onAttempt } = this.#options;
    const signed = await signWebhook({
      payload: body,
      secret,
      traceId: delivery.traceId,
      reference: delivery.reference,
      orderingTimestamp: delivery.orderingTimestamp,
    });
    const controller = new AbortController();
    this.#controllers.add(controller);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    let status: number | undefined;
    let error: string | undefined;
    try {
      const response = await fetch(url, {
        method: 'POST',
        body: signed.body,
        headers: signed.headers,
        redirect: 'manual',
        signal: controller.signal,
      });
      await response.arrayBuffer();
      status = response.status;
    } catch (failure) {
      error = timedOut ? `timed out after ${timeout} ms` : describeNetworkError(failure);
    } finally {
      clearTimeout(timer);
      this.#controllers.delete(controller);
    }
    if (this.#closed) return;
    const ok = status !== undefined && status >= 200 && status < 300;
    const retry = !ok && attempt <= retries;
    const schedule = TERRA_RETRY_SCHEDULE_MS;
    const retryInMs = retry
      ? Math.round((schedule[Math.min(attempt, schedule.length) - 1] as number) * scale)
      : undefined;
    try {
      onAttempt({
        type: delivery.payload.type,
        traceId: delivery.traceId,
        reference: delivery.reference,
        attempt,
        status,
        error,
        ok,
        retryInMs,
        gaveUp: !ok && !retry,
      });
    } catch {
      // A listener's failure must not stop deliveries.
    }
    if (retryInMs === undefined) {
      this.#done();
      return;
    }
    const next = setTimeout(() => {
      this.#timers.delete(next);
      this.#attempt(delivery, body, attempt + 1).catch(() => this.#done());
    }, retryInMs);
    this.#timers.add(next);
  }
}
