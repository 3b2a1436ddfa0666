/**
 * The webhook handler every server example mounts. The secret comes from TERRA_WEBHOOK_SECRET.
 *
 * What a production handler does the same way: dedupe on X-Terra-Trace-Id before doing anything,
 * keep the JSON of events that could not be parsed, answer fast, and log ids, never health data.
 */
import { createWebhookHandler, fetchS3Payload, isAuthFailure } from 'terra-sdk/webhooks';

/** Stands in for a table with a unique index on the trace id. */
const processed = new Set<string>();

/** True the first time a delivery is seen; Terra retries deliveries with the same trace id. */
function firstDelivery(traceId: string | undefined): boolean {
  if (traceId === undefined) return true;
  if (processed.has(traceId)) return false;
  processed.add(traceId);
  return true;
}

export const handler = createWebhookHandler({
  onError: (error, { phase, status, json }) => {
    console.error(
      `terra webhook failed at ${phase}, answered ${status}:`,
      error instanceof Error ? error.message : error,
    );
    // Answered 200 but not processed: keep the JSON somewhere you can replay it from.
    if (phase === 'event' && json !== undefined) console.error('kept the event for replay');
  },
});

handler
  .on('activity', async (event, delivery) => {
    if (!firstDelivery(delivery.traceId)) return console.log(`duplicate ${delivery.traceId}`);
    for (const activity of event.data) {
      // Upsert on the natural key, and only if this delivery is not older than the stored one.
      console.log(`received activity ${activity.metadata.summary_id} (trace ${delivery.traceId})`);
    }
  })
  .on('auth', (event) => {
    if (isAuthFailure(event)) console.log(`authentication failed: ${event.reason}`);
    else console.log(`connected ${event.user.provider} user ${event.user.user_id}`);
  })
  .on('auth_cancelled', (event) => console.log(`authentication cancelled: ${event.reason}`))
  .on('user_reauth', (event) => console.log(`user ${event.old_user?.user_id} is now ${event.new_user.user_id}`))
  .on('deauth', (event) => console.log(`disconnected user ${event.user.user_id}`))
  .on('s3_payload', async (event, delivery) => {
    // The URL expires within minutes: fetch it now, then treat its event like any other.
    await handler.dispatch(await fetchS3Payload(event), delivery);
  })
  .onUnhandled((event) => {
    console.log(`received ${event.type === 'unknown' ? event.receivedType : event.type}, not handled`);
  });
