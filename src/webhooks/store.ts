/**
 * What the webhook handler needs of a delivery store, described by shape so that `terra-sdk/webhooks`
 * never loads the store's code: `createConnectionStore` (`terra-sdk/connections`) makes one.
 *
 * @packageDocumentation
 */
import type { WebhookDelivery } from './delivery.js';
import type { TerraWebhookEvent } from './events.js';

/** What became of one delivery in a {@link WebhookStore}. */
export interface WebhookStoreResult {
  /**
   * Whether the listeners should run: `false` for a delivery seen before whose listeners completed,
   * `true` for a new one and for one whose listeners failed last time.
   */
  readonly runListeners: boolean;
  /** The trace id the delivery was recorded under, to mark it handled once the listeners completed. */
  readonly traceId: string | undefined;
  /**
   * `'in_progress'` when the delivery was seen before and its listeners are running now: the
   * handler answers 503 with `Retry-After` instead of running them again.
   */
  readonly status?: string | undefined;
}

/**
 * A store the handler applies each verified event to before its listeners run, such as the connection
 * store of `terra-sdk/connections`. `apply` records the delivery's trace id in the same transaction as
 * its effect; `markHandled` records that its listeners completed.
 */
export interface WebhookStore {
  /** Applies one event, once per trace id, and says whether its listeners should run. */
  apply(event: TerraWebhookEvent, delivery: WebhookDelivery): Promise<WebhookStoreResult>;
  /** Records that the listeners of the delivery with this trace id completed. */
  markHandled(traceId: string): Promise<boolean>;
  /** Records that the listeners of the delivery with this trace id failed, so a retry runs them at once. */
  markFailed?(traceId: string): Promise<boolean>;
}
