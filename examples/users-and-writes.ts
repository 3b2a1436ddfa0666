/**
 * Managing users, writing data to a provider, and calls this SDK has no method for.
 *
 *   TERRA_API_KEY=... TERRA_DEV_ID=... npx tsx examples/users-and-writes.ts <google_fit_user_id>
 *
 * Set TERRA_BASE_URL to run it against a local server instead of Terra (CI does).
 */
import { type Body, IntegrationsResponseSchema, Terra, TerraNotFoundError } from 'terra-sdk';

const terra = new Terra(); // TERRA_API_KEY, TERRA_DEV_ID (and TERRA_BASE_URL) from the environment
const userId = process.argv[2] ?? '40f7b0e1-89e2-43ac-a5b8-1e29c8d47cad';

// 1. Every listing gives User objects bound to the client: call the API from them directly.
const { users = [] } = (await terra.listUsers()).getParsedResponse();
console.log(`${users.length} users: ${users.map((user) => user.provider).join(', ')}`);
const user = users.find((candidate) => candidate.user_id === userId) ?? (await terra.fromUserId(userId));

// 2. Change the reference id Terra keeps for the person (PATCH /users/{user_id}).
const { user: changed } = (await user.modify({ referenceId: 'person-42' })).getParsedResponse();
console.log(`${changed?.user_id} is now ${changed?.reference_id}`);

// 3. Write a weight to the user's Google Fit (Terra writes body data to Google Fit only), then delete it.
const weighIn: Body = {
  metadata: { start_time: '2026-07-10T07:30:00.000000+01:00', end_time: '2026-07-10T07:30:00.000000+01:00' },
  measurements_data: { measurements: [{ measurement_time: '2026-07-10T07:30:00.000000+01:00', weight_kg: 71.4 }] },
};
// Terra's own SDKs send no user_id on writes; if your account needs one, add it as a query parameter.
const written = await terra.postBody([weighIn], { extraQuery: { user_id: user.user_id } });
const logIds = written.getParsedResponse().log_ids ?? [];
console.log(`Written: ${logIds.length} record(s)`);
const deleted = await terra.deleteBody(user, logIds);
for (const record of deleted.getParsedResponse().processed_data ?? []) {
  console.log(`  deleted ${record.id}: ${record.response_code}`);
}

// 4. A call this version has no method for: terra.request, with the same credentials, retries and errors.
const detailed = await terra.request({
  method: 'GET',
  path: '/integrations/detailed',
  query: { sdk: true },
  schema: IntegrationsResponseSchema,
});
console.log(`terra.request: ${detailed.getParsedResponse().providers?.length ?? 0} providers with details`);
try {
  await terra.request({ method: 'GET', path: `/users/${encodeURIComponent('no-such-user')}/anything` });
} catch (error) {
  if (error instanceof TerraNotFoundError) console.log(`Typed errors too: ${error.status} ${error.detail}`);
  else throw error;
}
