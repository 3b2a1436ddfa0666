/**
 * Durable deliveries (`createWebhookHandler({ store, durable: true })`): a verified delivery is
 * recorded with its exact bytes and answered 200 once that commits; its store effect and listener
 * then run from the record, in this process at once (the record is made already leased to it), and
 * by any receiver's worker for whatever is left over (a receiver that died, a retry that is due).
 * Work is claimed with leases, so one process at a time works a delivery; a lease is extended while
 * its listener runs, so a slow listener is not run twice.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { TerraError, TerraWebhookVerificationError } from '../errors.js';
import { DAY_MS } from '../internal/dates.js';
import { callback, flag, milliseconds, wholeNumber } from '../internal/options.js';
import type { SchemaDrift } from '../models/drift.js';
import type { TerraWebhookResponse } from './delivery.js';
import type { TerraWebhookEvent } from './events.js';
import { findSignatureHeader, getHeader, type HeadersLike } from './headers.js';
import type { ClaimedDelivery, DeliveryQueue } from './queue.js';

/** Default of `maxAttempts`: Terra's own retry count. */
export const DEFAULT_MAX_ATTEMPTS = 10;
/** Default of `leaseMs`. */
export const DEFAULT_LEASE_MS = 30_000;
/** Default of `backoffMs`: the first retry's wait. */
export const DEFAULT_BACKOFF_MS = 10_000;
/** Default of `maxBackoffMs`: one hour. */
export const DEFAULT_MAX_BACKOFF_MS = 3_600_000;
/** Default of `pollIntervalMs`. */
export const DEFAULT_POLL_INTERVAL_MS = 1_000;
/** Default of `retainBodiesMs`: seven days. */
export const DEFAULT_RETAIN_BODIES_MS = 7 * DAY_MS;
/** Default of `concurrency`. */
export const DEFAULT_CONCURRENCY = 8;
/** Default of `close({ timeoutMs })`. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

/** Bodies deleted per sweep, and how often a worker sweeps. */
const EXPIRE_BATCH = 500;
const EXPIRE_EVERY_MS = 60_000;

/** An hour in which Terra's healthcheck says it sent more deliveries than arrived. */
export interface MissingDeliveries {
  /** The healthcheck's time; the hour is the one before it. */
  checkedAt: Date;
  /** `sent_webhooks_last_hour`. */
  sent: number;
  /** Deliveries recorded in that hour. */
  received: number;
}

/** The options of durable mode, part of `WebhookHandlerOptions`. */
export interface DurableOptions {
  /**
   * Record each verified delivery (its exact bytes and delivery headers) in the store and answer
   * 200 as soon as that commits; then apply its effect and run its listener from the record, with
   * leases, retries and dead letters. Needs a `store` with a delivery queue (the connection store of
   * `terra-sdk/connections`, migrated). See `docs/deliveries.md`. Default `false`.
   */
  durable?: boolean | undefined;
  /** Attempts before a delivery whose listener keeps failing is kept as `dead`. Default 10. */
  maxAttempts?: number | undefined;
  /**
   * How long, in milliseconds, a claimed delivery stays with the process working it. It is
   * extended while the listener runs; a process that dies loses it after this long, and another
   * takes the delivery over. Default 30,000.
   */
  leaseMs?: number | undefined;
  /** The wait before the first retry, in milliseconds; doubled on each retry, with jitter. Default 10,000. */
  backoffMs?: number | undefined;
  /** The longest wait between two attempts, in milliseconds. Default 3,600,000 (one hour). */
  maxBackoffMs?: number | undefined;
  /** How often, in milliseconds, the worker looks for due deliveries and expired leases. Default 1,000. */
  pollIntervalMs?: number | undefined;
  /**
   * How long, in milliseconds, a delivery's body (health data) is kept after it is handled, so it
   * can be replayed; then it is deleted. Default seven days. Bodies are never logged.
   */
  retainBodiesMs?: number | undefined;
  /** How many deliveries this process works at once. Default 8. */
  concurrency?: number | undefined;
  /**
   * Called once per hour in which Terra's `healthcheck` says it sent more deliveries than were
   * recorded. Default: one `console.warn` line.
   */
  onMissingDeliveries?: ((gap: MissingDeliveries) => unknown) | undefined;
}

/** The schema of {@link DurableOptions}, spread into the handler's. @internal */
export function durableOptionsShape() {
  return {
    durable: z.optional(flag('durable')),
    maxAttempts: z.optional(wholeNumber('maxAttempts', 1, 1000)),
    leaseMs: z.optional(milliseconds('leaseMs')),
    backoffMs: z.optional(milliseconds('backoffMs')),
    maxBackoffMs: z.optional(milliseconds('maxBackoffMs')),
    pollIntervalMs: z.optional(milliseconds('pollIntervalMs')),
    retainBodiesMs: z.optional(wholeNumber('retainBodiesMs', 0, 3650 * DAY_MS)),
    concurrency: z.optional(wholeNumber('concurrency', 1, 1000)),
    onMissingDeliveries: z.optional(callback<(gap: MissingDeliveries) => unknown>('onMissingDeliveries')),
  };
}

/** The names of the durable options other than `durable`, refused without it. @internal */
export const DURABLE_ONLY_OPTIONS = [
  'maxAttempts',
  'leaseMs',
  'backoffMs',
  'maxBackoffMs',
  'pollIntervalMs',
  'retainBodiesMs',
  'concurrency',
  'onMissingDeliveries',
] as const;

/** What the worker reports to the handler's `onError`. @internal */
export interface DurableErrorContext {
  phase: 'verify' | 'event' | 'handler' | 'store';
  status: number;
  afterResponse: boolean;
  webhook: TerraWebhookResponse | undefined;
  json: unknown;
  traceId?: string | undefined;
}

/** What the worker needs of its handler. @internal */
export interface DurableHost {
  /** Runs the listener for the event; may return a promise. */
  start(event: TerraWebhookEvent, delivery: TerraWebhookResponse): unknown;
  reportError(error: unknown, context: DurableErrorContext): Promise<void>;
  reportDrift(drift: readonly SchemaDrift[], webhook: TerraWebhookResponse): Promise<void>;
  /** Verifies stored bytes again, at any age (the signature was checked on receipt). */
  verifyStored(body: Uint8Array, headers: Record<string, string>): Promise<TerraWebhookResponse>;
}

/** The resolved settings. @internal */
export interface DurableSettings {
  maxAttempts: number;
  leaseMs: number;
  backoffMs: number;
  maxBackoffMs: number;
  pollIntervalMs: number;
  retainBodiesMs: number;
  concurrency: number;
  onMissingDeliveries: (gap: MissingDeliveries) => unknown;
}

/** The defaults applied to the given options. @internal */
export function durableSettings(given: DurableOptions): DurableSettings {
  return {
    maxAttempts: given.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    leaseMs: given.leaseMs ?? DEFAULT_LEASE_MS,
    backoffMs: given.backoffMs ?? DEFAULT_BACKOFF_MS,
    maxBackoffMs: given.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS,
    pollIntervalMs: given.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    retainBodiesMs: given.retainBodiesMs ?? DEFAULT_RETAIN_BODIES_MS,
    concurrency: given.concurrency ?? DEFAULT_CONCURRENCY,
    onMissingDeliveries:
      given.onMissingDeliveries ??
      ((gap) =>
        console.warn(
          `terra-sdk: Terra's healthcheck of ${gap.checkedAt.toISOString()} says it sent ${gap.sent} webhooks in the hour before; ${gap.received} were recorded. See store.deliveryHealth() and Terra's dashboard.`,
        )),
  };
}

/** The wait before attempt `attempts + 1`: doubling from `backoffMs`, capped, with equal jitter. @internal */
export function backoff(attempts: number, settings: Pick<DurableSettings, 'backoffMs' | 'maxBackoffMs'>): number {
  const full = Math.min(settings.maxBackoffMs, settings.backoffMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
  return full / 2 + (Math.random() * full) / 2;
}

/** What receiving a delivery came to. @internal */
export type DurableOutcome = 'received' | 'malformed_body' | 'store_failed';

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

/** The worker of one durable handler. @internal */
export class DurableWorker {
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
      await this.#host.reportError(error, {
        phase: 'store',
        status: 200,
        afterResponse: true,
        webhook: undefined,
        json: undefined,
      });
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
      await this.#host.reportError(error, {
        phase: 'store',
        status: 200,
        afterResponse: true,
        webhook: undefined,
        json: undefined,
      });
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
