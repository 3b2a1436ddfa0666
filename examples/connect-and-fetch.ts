/**
 * Connect a user and read their data: the client calls an app makes, in order.
 *
 *   TERRA_API_KEY=... TERRA_DEV_ID=... npx tsx examples/connect-and-fetch.ts [user_id]
 *
 * Set TERRA_BASE_URL to run it against a local server instead of Terra (CI does).
 */
import {
  ActivityTypeLabels,
  enumLabel,
  Terra,
  TerraApiError,
  TerraNotFoundError,
  TerraRateLimitError,
} from 'terra-sdk';

const terra = new Terra(); // TERRA_API_KEY, TERRA_DEV_ID (and TERRA_BASE_URL) from the environment

// 1. What can be connected.
const providers = (await terra.listProviders()).getParsedResponse();
console.log(`Providers: ${providers.providers?.length ?? 0} (e.g. ${providers.providers?.slice(0, 3).join(', ')})`);

// 2. Connect through Terra's widget: send the person to the session URL.
const session = (
  await terra.generateWidgetSession({ referenceId: 'user-123', providers: ['GARMIN', 'OURA'] })
).getParsedResponse();
console.log(`Widget session: ${session.url} (expires in ${session.expires_in} s)`);

// ...or connect one provider directly.
const direct = (
  await terra.generateAuthenticationUrl({ resource: 'FITBIT', referenceId: 'user-123' })
).getParsedResponse();
console.log(`Direct link for FITBIT: ${direct.auth_url}`);

// ...or hand a token to the mobile SDK (Apple Health, Samsung Health).
const token = (await terra.generateAuthToken()).getParsedResponse();
console.log(`Mobile SDK token valid for ${token.expires_in} s`);

// 3. After the `auth` webhook, the person has a user id per connection.
const userId = process.argv[2] ?? '40f7b0e1-89e2-43ac-a5b8-1e29c8d47cad';
const user = await terra.fromUserId(userId);
console.log(`User ${user.user_id}: ${user.provider}, scopes ${user.scopeList.join(' + ')}`);

// 4. Read a week of activities in the response...
const inline = (
  await user.getActivity({ startDate: '2026-07-01', endDate: '2026-07-08', toWebhook: false })
).getParsedResponse();
if (inline.kind === 'DataReturned') {
  for (const activity of inline.data) {
    const type = enumLabel(ActivityTypeLabels, activity.metadata.type) ?? `type ${activity.metadata.type}`;
    const samples = activity.heart_rate_data?.detailed?.hr_samples?.length ?? 0;
    console.log(
      `  ${activity.metadata.start_time}  ${type}  avg ${activity.heart_rate_data?.summary?.avg_hr_bpm} bpm, ${samples} HR samples`,
    );
  }
} else {
  console.log(`No activities returned: ${inline.kind}`);
}

// ...or have Terra send them to your webhook (the default).
const sent = (await user.getSleep({ startDate: '2026-07-01', endDate: '2026-07-08' })).getParsedResponse();
if (sent.kind === 'SentToWebhook')
  console.log(`Sleep will arrive at your webhook with terra-reference ${sent.reference}`);

// 5. One person, several devices.
const connections = (await terra.getUsersByReferenceId('user-123')).getParsedResponse();
console.log(`user-123 has ${connections.length} connections: ${connections.map((c) => c.provider).join(', ')}`);

// 6. Errors are typed.
try {
  await terra.fromUserId('no-such-user');
} catch (error) {
  if (error instanceof TerraNotFoundError) console.log(`Unknown user: ${error.message}`);
  else if (error instanceof TerraRateLimitError) console.log(`Rate limited, retry in ${error.retryAfterMs} ms`);
  else if (error instanceof TerraApiError) console.log(`Terra answered ${error.status}: ${error.detail}`);
  else throw error;
}
