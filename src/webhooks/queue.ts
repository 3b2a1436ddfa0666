/**
 * What the durable webhook handler (`durable: true`) needs of a store, described by shape so that
 * `terra-sdk/webhooks` never loads the store's code: the connection store's `deliveryQueue` is one.
 * A delivery is recorded with its exact bytes, then claimed with a lease by one worker at a time.
 *
 * @packageDocumentation
 */
import type { SchemaDrift } from '../models/drift.js';
import type { TerraWebhookResponse, WebhookDelivery } from './delivery.js';
import type { TerraWebhookEvent } from './events.js';
import type { HeadersLike } from './headers.js';

/** A delivery to record, answered 200 once the record is committed. */
export interface DeliveryToRecord {
  /** `X-Terra-Trace-Id` (or a generated id when the request had none): the key. */
  readonly traceId: string;
  /** The event's `type`, from the body. */
  readonly eventType: string;
  /** The body's `user.user_id`, when there is one. */
  readonly terraUserId: string | undefined;
  /** The exact bytes received. */
  readonly body: Uint8Array;
  /** The signature header, to verify the bytes again when they are worked. */
  readonly signature: string;
  /** The delivery headers as received: `x-terra-trace-id`, `terra-reference`, `x-terra-ordering-timestamp`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Record it already leased to this worker (it works the delivery at once), or unleased when absent. */
  readonly leaseTo?:
    | {
        /** The worker that holds the lease. */
        readonly workerId: string;
        /** The lease's length, in milliseconds. */
        readonly leaseMs: number;
      }
    | undefined;
}

/** A recorded delivery claimed by a worker. */
export interface ClaimedDelivery {
  /** `X-Terra-Trace-Id`. */
  readonly traceId: string;
  /** This claim's attempt, counting from 1. */
  readonly attempts: number;
  /** The exact bytes received, or `undefined` when they were deleted (`retainBodiesMs`). */
  readonly body: Uint8Array | undefined;
  /** The signature header it came with, to verify the bytes again. */
  readonly signature: string | undefined;
  /** The delivery headers needed to order it again (trace id, reference, ordering timestamp). */
  readonly headers: Readonly<Record<string, string>>;
  /** When it was received, in unix milliseconds. */
  readonly receivedAtMs: number;
}

/** Why an attempt failed: a code and a sentence, never a payload value. */
export interface DeliveryFailure {
  /** `Error`, `TypeError`, a `TerraError` code, ... */
  readonly code: string;
  /** A sentence written by the SDK, without payload values. */
  readonly message: string;
  /** How long to wait before the next attempt, in milliseconds. */
  readonly retryInMs: number;
  /** Keep it as `dead` now (attempts used up, or a retry cannot help). */
  readonly dead: boolean;
}

/** What applying a claimed delivery's effect did. */
export interface DeliveryEffect {
  /** `true` when the effect was written now, `false` when an earlier attempt had written it. */
  readonly applied: boolean;
  /** `sent_webhooks_last_hour` of a `healthcheck`, recorded beside what arrived. */
  readonly healthcheck?: unknown;
}

/** The queue of recorded deliveries the durable handler works. */
export interface DeliveryQueue {
  /** Records a delivery; `true` when it is new, `false` for a duplicate (nothing recorded). */
  record(delivery: DeliveryToRecord): Promise<boolean>;
  /** Claims up to `limit` due deliveries for `workerId` for `leaseMs`. */
  claim(workerId: string, leaseMs: number, limit: number): Promise<ClaimedDelivery[]>;
  /** Extends the leases `workerId` holds on these deliveries. */
  extend(workerId: string, traceIds: readonly string[], leaseMs: number): Promise<void>;
  /** Applies the event's store effect, once per delivery whatever the attempts. */
  applyEffect(event: TerraWebhookEvent, delivery: WebhookDelivery, traceId: string): Promise<DeliveryEffect>;
  /** Marks a delivery handled, if `workerId` still holds it; its body is kept `retainBodiesMs` more. */
  complete(traceId: string, workerId: string, retainBodiesMs: number): Promise<boolean>;
  /** Marks an attempt failed (or dead), if `workerId` still holds it. */
  fail(traceId: string, workerId: string, failure: DeliveryFailure): Promise<boolean>;
  /** Gives back deliveries `workerId` holds (all when `traceIds` is absent): due again now. */
  release(workerId: string, traceIds?: readonly string[]): Promise<number>;
  /** Deletes bodies kept past their time, up to `limit`; says how many. */
  expireBodies(limit: number): Promise<number>;
  /** Starts the worker of a durable handler on this queue: it looks for due work every `pollIntervalMs`. */
  startWorker(host: DurableHost, settings: DurableSettings): DurableWorker;
}

/** An hour in which Terra's healthcheck says it sent more deliveries than arrived. */
export interface MissingDeliveries {
  /** The healthcheck's time; the hour is the one before it. */
  checkedAt: Date;
  /** `sent_webhooks_last_hour`. */
  sent: number;
  /** Deliveries recorded in that hour. */
  received: number;
}

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

/** The resolved durable settings of a handler. @internal */
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

/** What receiving a delivery came to. @internal */
export type DurableOutcome = 'received' | 'malformed_body' | 'store_failed';

/** The worker of one durable handler. @internal */
export interface DurableWorker {
  /** This process's worker id (`locked_by`). */
  readonly workerId: string;
  /** How many deliveries this process is working. */
  readonly running: number;
  /** Records a verified delivery and works it at once when there is room. Never rejects. */
  receive(
    webhook: TerraWebhookResponse,
    body: Uint8Array,
    headers: HeadersLike,
    waitUntil: ((promise: Promise<unknown>) => void) | undefined,
    failed: (error: unknown, phase: 'body' | 'store', status: number, json: unknown) => void,
  ): Promise<DurableOutcome>;
  /** Stops claiming, waits up to `timeoutMs` for running listeners, gives back every lease. */
  close(timeoutMs: number): Promise<void>;
}

/** A store with a delivery queue: what `durable: true` requires. */
export interface DurableWebhookStore {
  /** The queue the durable handler records deliveries in and claims them from. */
  readonly deliveryQueue: DeliveryQueue;
}
