/**
 * The worker of a durable webhook handler (`createWebhookHandler({ store, durable: true })`), made by
 * the store's `deliveryQueue.startWorker`: it records each verified delivery, works it at once when
 * there is room, claims left-over and due deliveries every `pollIntervalMs`, extends its leases while
 * listeners run, retries with backoff, keeps what keeps failing as `dead`, deletes bodies past their
 * time, and on `close()` gives back what it holds. It lives with the store so that
 * `terra-sdk/webhooks` carries none of it.
 * @internal
 */
import { TerraError, TerraWebhookVerificationError } from '../../errors.js';
import type { TerraWebhookResponse } from '../../webhooks/delivery.js';
import type { TerraWebhookEvent } from '../../webhooks/events.js';
import { findSignatureHeader, getHeader, type HeadersLike } from '../../webhooks/headers.js';
import type {
  ClaimedDelivery,
  DeliveryQueue,
  DurableErrorContext,
  DurableHost,
  DurableOutcome,
  DurableSettings,
  DurableWorker as DurableWorkerShape,
} from '../../webhooks/queue.js';

/** What `onError` is told of a store failure outside any one delivery (claiming, releasing, sweeping). */
const WORKER_STORE_ERROR: DurableErrorContext = {
  phase: 'store',
  status: 200,
  afterResponse: true,
  webhook: undefined,
  json: undefined,
};

/** Bodies deleted per sweep, and how often a worker sweeps. */
const EXPIRE_BATCH = 500;
const EXPIRE_EVERY_MS = 60_000;

/** The wait before attempt `attempts + 1`: doubling from `backoffMs`, capped, with equal jitter. @internal */
export function backoff(attempts: number, settings: Pick<DurableSettings, 'backoffMs' | 'maxBackoffMs'>): number {
  const full = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
  return full / 2 + (Math.random() * full) / 2;
}

const unref = (timer: unknown) => (timer as { unref?: () => void }).unref?.();

/** A code and a sentence for an error, with no payload value: our own errors' messages, else the class. */
function describeFailure(error: unknown, what: string): { code: string; message: string } {
  const code =
    typeof (error as { code?: unknown })?.code === 'string'
      ? String((error as { code: string }).code)
      : error instanceof Error
        ? error.name
        : typeof error;
  const message =
    error instanceof TerraError
      ? `${what}: ${error.message}`
      : `${what}: ${error instanceof Error ? error.name : typeof error} thrown`;
  return { code: code.slice(0, 64), message: message.slice(0, 1000) };
}

/** The delivery headers kept with a record. */
function deliveryHeaders(headers: HeadersLike): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ['x-terra-trace-id', 'terra-reference', 'x-terra-ordering-timestamp']) {
    const value = getHeader(headers, name);
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

/** A random id for this process's worker (no `node:` import: Web Crypto is everywhere). */
function workerId(): string {
  const id = globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  return `terra-${id}`;
}

/** The worker of one durable handler. */
export class DurableWorker implements DurableWorkerShape {
  readonly workerId = workerId();
  readonly #queue: DeliveryQueue;
  readonly #host: DurableHost;
  readonly #settings: DurableSettings;
  readonly #running = new Map<string, Promise<void>>();
  /** Records being written: `close()` waits for them before giving leases back. */
  readonly #recording = new Set<Promise<boolean>>();
  #poller: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  /** The look for due work in progress, if any: `close()` waits for it. */
  #polling: Promise<void> | undefined;
  #closed = false;
  #lastExpiry = 0;

  constructor(queue: DeliveryQueue, host: DurableHost, settings: DurableSettings) {
    this.#queue = queue;
    this.#host = host;
    this.#settings = settings;
    // The first look comes after one interval: listeners are registered by then.
    this.#schedule(settings.pollIntervalMs);
  }

  /** How many deliveries this process is working. */
  get running(): number {
    return this.#running.size;
  }

  /** Records a verified delivery; works it at once when there is room. Never rejects. */
  async receive(
    webhook: TerraWebhookResponse,
    body: Uint8Array,
    headers: HeadersLike,
    waitUntil: ((promise: Promise<unknown>) => void) | undefined,
    failed: (error: unknown, phase: 'body' | 'store', status: number, json: unknown) => void,
  ): Promise<DurableOutcome> {
    let json: unknown;
    try {
      json = webhook.getJson();
    } catch (error) {
      failed(error, 'body', 400, undefined);
      return 'malformed_body';
    }
    const object = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};
    const user = object.user as { user_id?: unknown } | undefined;
    const kept = deliveryHeaders(headers);
    const traceId = webhook.traceId ?? `local-${workerId()}`;
    kept['x-terra-trace-id'] = traceId;
    const leased = !this.#closed && this.#running.size < this.#settings.concurrency;
    let fresh: boolean;
    let recorded: Promise<boolean> | undefined;
    try {
      recorded = this.#queue.record({
        traceId,
        eventType: typeof object.type === 'string' ? object.type : '',
        terraUserId: typeof user?.user_id === 'string' ? user.user_id : undefined,
        body,
        signature: findSignatureHeader(headers) ?? '',
        headers: kept,
        leaseTo: leased ? { workerId: this.workerId, leaseMs: this.#settings.leaseMs } : undefined,
      });
      this.#recording.add(recorded);
      fresh = await recorded;
    } catch (error) {
      failed(error, 'store', 500, undefined);
      return 'store_failed';
    } finally {
      if (recorded !== undefined) this.#recording.delete(recorded);
    }
    // Closing began meanwhile: `close()` gives the lease back once this record is in.
    if (fresh && leased && !this.#closed) {
      const job = this.#work(traceId, 1, webhook);
      waitUntil?.(job);
    }
    return 'received';
  }

  /**
   * Stops claiming, waits up to `timeoutMs` for running listeners, then gives back every lease this
   * process holds, so another receiver takes the work at once.
   */
  async close(timeoutMs: number): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#poller);
    await this.#polling;
    if (this.#running.size > 0 || this.#recording.size > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.allSettled([...this.#recording]).then(() => Promise.allSettled([...this.#running.values()])),
        new Promise((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    this.#stopHeartbeat();
    try {
      await this.#queue.release(this.workerId);
    } catch (error) {
      await this.#host.reportError(error, WORKER_STORE_ERROR);
    }
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    clearTimeout(this.#poller);
    this.#poller = setTimeout(() => {
      this.#polling ??= this.#poll().finally(() => {
        this.#polling = undefined;
      });
    }, ms);
    unref(this.#poller);
  }

  async #poll(): Promise<void> {
    if (this.#closed) return;
    let full = false;
    try {
      const room = this.#settings.concurrency - this.#running.size;
      if (room > 0) {
        const claimed = await this.#queue.claim(this.workerId, this.#settings.leaseMs, room);
        full = claimed.length === room;
        for (const row of claimed) {
          if (this.#closed) break;
          void this.#work(row.traceId, row.attempts, undefined, row);
        }
        // Claimed after close began: give them back at once.
        if (this.#closed && claimed.length > 0)
          await this.#queue.release(
            this.workerId,
            claimed.filter((row) => !this.#running.has(row.traceId)).map((row) => row.traceId),
          );
      }
      if (Date.now() - this.#lastExpiry >= EXPIRE_EVERY_MS) {
        this.#lastExpiry = Date.now();
        await this.#queue.expireBodies(EXPIRE_BATCH);
      }
    } catch (error) {
      await this.#host.reportError(error, WORKER_STORE_ERROR);
    }
    // A full claim may have left more due: look again as soon as there is room.
    this.#schedule(full ? Math.min(10, this.#settings.pollIntervalMs) : this.#settings.pollIntervalMs);
  }

  #startHeartbeat(): void {
    if (this.#heartbeat !== undefined) return;
    this.#heartbeat = setInterval(
      () => {
        const ids = [...this.#running.keys()];
        if (ids.length === 0) return this.#stopHeartbeat();
        this.#queue.extend(this.workerId, ids, this.#settings.leaseMs).catch(() => undefined);
      },
      Math.max(1, Math.floor(this.#settings.leaseMs / 3)),
    );
    unref(this.#heartbeat);
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  /** Works one claimed delivery; never rejects. */
  #work(traceId: string, attempts: number, fresh?: TerraWebhookResponse, stored?: ClaimedDelivery): Promise<void> {
    const job = this.#attempt(traceId, attempts, fresh, stored).finally(() => {
      this.#running.delete(traceId);
      if (this.#running.size === 0) this.#stopHeartbeat();
    });
    this.#running.set(traceId, job);
    this.#startHeartbeat();
    return job;
  }

  async #fail(
    traceId: string,
    attempts: number,
    error: unknown,
    what: string,
    context: DurableErrorContext,
    final = false,
  ): Promise<void> {
    const dead = final || attempts >= this.#settings.maxAttempts;
    const failure = describeFailure(error, what);
    await this.#host.reportError(error, { ...context, traceId });
    try {
      await this.#queue.fail(traceId, this.workerId, {
        ...failure,
        retryInMs: dead ? 0 : backoff(attempts, this.#settings),
        dead,
      });
    } catch (storeError) {
      // The lease runs out and the delivery is worked again: nothing is lost.
      await this.#host.reportError(storeError, { ...context, phase: 'store', traceId });
    }
  }

  async #attempt(
    traceId: string,
    attempts: number,
    fresh: TerraWebhookResponse | undefined,
    stored: ClaimedDelivery | undefined,
  ): Promise<void> {
    const base: DurableErrorContext = {
      phase: 'verify',
      status: 200,
      afterResponse: true,
      webhook: undefined,
      json: undefined,
    };
    let webhook = fresh;
    if (webhook === undefined) {
      if (stored?.body === undefined || stored.signature === undefined) {
        const error = new TerraWebhookVerificationError(
          'malformed_header',
          'The delivery was recorded without its body or signature (deleted after retainBodiesMs), so it cannot be worked.',
        );
        return this.#fail(traceId, attempts, error, 'body not kept', base, true);
      }
      try {
        webhook = await this.#host.verifyStored(stored.body, {
          ...stored.headers,
          'terra-signature': stored.signature,
        });
      } catch (error) {
        // A secret rotated away since receipt, or the row was altered: a retry cannot help.
        return this.#fail(traceId, attempts, error, 'verifying the stored delivery failed', base, true);
      }
    }
    let event: TerraWebhookEvent;
    try {
      event = webhook.getParsedResponse();
    } catch (error) {
      let json: unknown;
      try {
        json = webhook.getJson();
      } catch {
        json = undefined;
      }
      return this.#fail(
        traceId,
        attempts,
        error,
        'the event breaks its schema',
        { ...base, phase: 'event', webhook, json },
        true,
      );
    }
    const context: DurableErrorContext = { ...base, webhook, json: webhook.getJson() };
    if (attempts === 1 && webhook.drift.length > 0) await this.#host.reportDrift(webhook.drift, webhook);
    try {
      const effect = await this.#queue.applyEffect(event, webhook, traceId);
      const health = effect.healthcheck as { sent: number; received: number; checkedAtMs: number } | undefined;
      if (health !== undefined && health.sent > health.received) {
        try {
          await this.#settings.onMissingDeliveries({
            checkedAt: new Date(health.checkedAtMs),
            sent: health.sent,
            received: health.received,
          });
        } catch {
          // A failing warning must not fail the delivery.
        }
      }
    } catch (error) {
      return this.#fail(traceId, attempts, error, 'applying the event to the store failed', {
        ...context,
        phase: 'store',
      });
    }
    try {
      await this.#host.start(event, webhook);
    } catch (error) {
      return this.#fail(traceId, attempts, error, `the ${event.type} listener failed`, {
        ...context,
        phase: 'handler',
      });
    }
    try {
      await this.#queue.complete(traceId, this.workerId, this.#settings.retainBodiesMs);
    } catch (error) {
      await this.#host.reportError(error, { ...context, phase: 'store', traceId });
    }
  }
}
