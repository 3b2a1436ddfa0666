/**
 * Durable deliveries (`createWebhookHandler({ store, durable: true })`): a verified delivery is
 * recorded with its exact bytes and answered 200 once that commits; its store effect and listener
 * then run from the record, in this process at once (the record is made already leased to it), and
 * by any receiver's worker for whatever is left over (a receiver that died, a retry that is due).
 * Work is claimed with leases, so one process at a time works a delivery; a lease is extended while
 * its listener runs, so a slow listener is not run twice.
 *
 * This file holds the options; the worker itself comes with the store (`deliveryQueue.startWorker`,
 * in `store/deliveries/worker.ts`), so that `terra-sdk/webhooks` carries none of it.
 *
 * @packageDocumentation
 */
import * as z from 'zod/mini';
import { DAY_MS } from '../internal/dates.js';
import { callback, flag, milliseconds, wholeNumber } from '../internal/options.js';
import type { DurableSettings, MissingDeliveries } from './queue.js';

export type {
  DurableErrorContext,
  DurableHost,
  DurableOutcome,
  DurableSettings,
  DurableWorker,
  MissingDeliveries,
} from './queue.js';

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
