/**
 * The shapes of recorded deliveries as the store lists them: kept apart from the queries (`replay.ts`)
 * so that the store's public types import no code.
 *
 * @packageDocumentation
 */

/** Where a delivery is: see `docs/deliveries.md`. */
export type DeliveryStatus = 'pending' | 'processing' | 'handled' | 'failed' | 'dead';

/** The statuses, in their order of life. */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'processing', 'handled', 'failed', 'dead'];

/** One delivery as `store.deliveries()` lists it. Never its body. */
export interface DeliveryRow {
  /** `X-Terra-Trace-Id`. */
  traceId: string;
  /** The event's `type`. */
  type: string;
  /** The body's `user.user_id`, when it had one. */
  terraUserId: string | null;
  /** Where it is: pending, processing, handled, failed or dead. */
  status: DeliveryStatus;
  /** Attempts made since it was received or last replayed. */
  attempts: number;
  /** Why the last attempt failed: a code and a sentence without payload values. */
  lastError: {
    /** `Error`, `TypeError`, a `TerraError` code, ... */
    code: string;
    /** A sentence written by the SDK, never the app's own message (it may hold payload values). */
    message: string;
  } | null;
  /** When it was first recorded. */
  receivedAt: Date;
  /** When its listeners completed. */
  handledAt: Date | null;
  /** When a `pending` or `failed` delivery is due. */
  runAfter: Date | null;
  /** Recorded by the durable handler (with its body, replayable), not by the non-durable one. */
  durable: boolean;
  /** Whether its body is still kept (`retainBodiesMs`): needed to replay it. */
  hasBody: boolean;
  /** `terra-reference` (without any `:chunk:` suffix). */
  reference: string | null;
}

/** Options of `store.deliveries()`. */
export interface DeliveryListOptions {
  /** One status or several. Default: all. */
  status?: DeliveryStatus | readonly DeliveryStatus[] | undefined;
  /** Only this event type (`activity`, ...). */
  type?: string | undefined;
  /** Received at or after this time. */
  since?: Date | undefined;
  /** Received before this time. */
  until?: Date | undefined;
  /** At most this many rows (1 to 10,000), newest first. Default 100. */
  limit?: number | undefined;
}

/** Options of `store.recover()`. */
export interface RecoverOptions {
  /** Received at or after this time. */
  since?: Date | undefined;
  /** Received before this time. */
  until?: Date | undefined;
  /** The statuses to queue again. Default `['failed', 'dead']`. */
  status?: DeliveryStatus | readonly DeliveryStatus[] | undefined;
}

/** An hour in which Terra sent more deliveries than arrived. */
export interface DeliveryHealthGap {
  /** The healthcheck's time: the hour is the one before it. */
  checkedAt: Date;
  /** `sent_webhooks_last_hour`. */
  sent: number;
  /** Deliveries recorded in that hour (healthchecks left out). */
  received: number;
  /** `sent - received`. */
  missing: number;
}
