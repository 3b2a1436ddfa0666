/**
 * The whole life of a Terra connection, end to end, without Terra: a local Terra sandbox, a webhook
 * endpoint built with terra-sdk/node that keeps the connections table and the person's data
 * (terra-sdk/store), and the client calls an app makes, checked step by step; then a week from the
 * person's ring and watch (`week.ts`). Ends with the table as the events left it and the merged week.
 * Run by `terra-sdk demo`.
 * @internal
 * @packageDocumentation
 */
import {
  ActivityTypeLabels,
  calendarDate,
  enumLabel,
  Terra,
  TerraNotFoundError,
  TerraRateLimitError,
  type User,
} from '../../index.js';
import { startSandbox } from '../../sandbox/index.js';
import { isAuthFailure, type TerraWebhookEvent } from '../../webhooks/index.js';
import {
  check,
  connectionsTable,
  openDatabase,
  PERSON,
  SECRET,
  StepFailed,
  short,
  startEndpoint,
  WAIT_MS,
  waitFor,
  waitForAll,
} from './support.js';
import { WEEK, weekSteps, weekTable } from './week.js';

/** What a person reads; returns whether every step did what Terra would do. */
export async function runDemo(
  options: {
    receiverSecret?: string | undefined;
    databaseUrl?: string | undefined;
    print?: (line: string) => void;
  } = {},
) {
  const print = options.print ?? ((line: string) => console.log(line));
  const started = Date.now();
  const database = await openDatabase(options.databaseUrl);
  const store = database.store;
  const endpoint = await startEndpoint(options.receiverSecret ?? SECRET, store);
  const sandbox = await startSandbox({
    webhookUrl: `${endpoint.url}/webhooks/terra`,
    secret: SECRET,
    retry: { scale: 1 / 100_000 }, // Terra's 5 minutes before a first retry become 3 ms
  });
  endpoint.gaveUp = () => sandbox.attempts.some((attempt) => attempt.gaveUp);
  // Exactly what an app does, with the sandbox's URL instead of Terra's.
  const terra = new Terra({ apiKey: 'demo-api-key', devId: 'demo-dev-id', baseUrl: sandbox.baseUrl });

  print(`Terra sandbox   ${sandbox.baseUrl}`);
  print(`Your endpoint   ${endpoint.url}/webhooks/terra (terra-sdk/node, verifying every signature)`);
  print(`Store           terra_connections and terra_records on ${database.where}`);
  print('');

  // What the steps learn and pass on.
  let sessionUrl = '';
  let firstUserId = '';
  let inlineIds: string[] = [];
  let user: User | undefined;
  let current: User | undefined;
  let garminId = '';
  const steps: [string, () => Promise<string[]>][] = [
    [
      'List the providers',
      async () => {
        const providers = (await terra.listProviders()).getParsedResponse();
        check(providers.providers?.includes('OURA'), 'GET /integrations does not list OURA.');
        return [
          `${providers.providers?.length} through the API: ${providers.providers?.join(', ')}`,
          `${providers.sdk_providers?.length} through the mobile SDKs: ${providers.sdk_providers?.join(', ')}`,
        ];
      },
    ],
    [
      `Open a widget session for ${PERSON}`,
      async () => {
        const session = (
          await terra.generateWidgetSession({
            referenceId: PERSON,
            providers: ['GARMIN', 'OURA', 'WHOOP'],
            authSuccessRedirectUrl: `${endpoint.url}/connected`,
            authFailureRedirectUrl: `${endpoint.url}/failed`,
          })
        ).getParsedResponse();
        check(session.url && session.session_id, 'The widget session has no url or session_id.');
        sessionUrl = session.url;
        return [`${session.url} (expires in ${session.expires_in} s)`];
      },
    ],
    [
      'The person connects Oura in the widget',
      async () => {
        const picker = await (await fetch(sessionUrl)).text();
        check(picker.includes('value="OURA"'), 'The widget page does not offer Oura.');
        const consent = await (await fetch(`${sessionUrl}?provider=OURA`)).text();
        check(consent.includes('Authorize Oura'), "The widget does not lead to Oura's consent page.");
        const done = await fetch(sessionUrl, {
          method: 'POST',
          body: new URLSearchParams({ provider: 'OURA', action: 'authorize' }),
          redirect: 'manual',
        });
        const location = done.headers.get('location') ?? '';
        check(done.status === 303, `Authorizing answered ${done.status} instead of a redirect.`);
        check(location.startsWith(`${endpoint.url}/connected?`), 'Authorizing did not redirect to the success URL.');
        const landing = await fetch(location);
        check(landing.ok, 'The success page did not load.');
        firstUserId = new URL(location).searchParams.get('user_id') ?? '';
        return [
          'picked Oura, saw its consent page, clicked Authorize',
          `was redirected to ${location.replace(endpoint.url, '')}`,
        ];
      },
    ],
    [
      'The auth webhook arrives',
      async () => {
        const { event, delivery } = await waitFor(
          endpoint,
          'The auth webhook',
          (e): e is Exclude<Extract<TerraWebhookEvent, { type: 'auth' }>, { status: 'error' }> =>
            e.type === 'auth' && !isAuthFailure(e),
        );
        check(event.status === 'success', `The auth webhook reports status ${event.status}.`);
        check(event.user.user_id === firstUserId, 'The auth webhook is about another user than the redirect named.');
        check(event.user.reference_id === PERSON, 'The auth webhook does not carry the reference id.');
        user = await terra.fromUserId(event.user.user_id);
        check(user.active, 'GET /userInfo says the new connection is not active.');
        return [
          `signature verified; parsed as AuthSuccessEvent (trace id ${short(delivery.traceId ?? '')})`,
          `user ${event.user.user_id}: ${event.user.provider}, reference_id ${event.user.reference_id}`,
          `GET /userInfo: active, scopes ${user.scopeList.join(' + ')}`,
        ];
      },
    ],
    [
      'Read a week of activities in the response',
      async () => {
        const week = (
          await (user as User).getActivity({ startDate: '2026-07-01', endDate: '2026-07-08', toWebhook: false })
        ).getParsedResponse();
        check(week.kind === 'DataReturned', `GET /activity returned ${week.kind} instead of data.`);
        check(week.data.length > 0, 'GET /activity returned no activities for a week.');
        inlineIds = week.data.map((a) => a.metadata.summary_id);
        return week.data.map((a) => {
          const km = ((a.distance_data?.summary?.distance_meters ?? 0) / 1000).toFixed(1);
          const type = enumLabel(ActivityTypeLabels, a.metadata.type) ?? `type ${a.metadata.type}`;
          return `${a.metadata.start_time.slice(0, 16)}  ${type.padEnd(8)} ${km.padStart(5)} km  avg ${a.heart_rate_data?.summary?.avg_hr_bpm} bpm`;
        });
      },
    ],
    [
      'Read the same week through the webhook',
      async () => {
        const sent = (
          await (user as User).getActivity({ startDate: '2026-07-01', endDate: '2026-07-08' })
        ).getParsedResponse();
        check(sent.kind === 'SentToWebhook' && sent.reference, `GET /activity answered ${sent.kind}, not a reference.`);
        const { event, delivery } = await waitFor(
          endpoint,
          'The activity webhook',
          (e, d): e is Extract<TerraWebhookEvent, { type: 'activity' }> =>
            e.type === 'activity' && d.reference === sent.reference,
        );
        const ids = event.data.map((a) => a.metadata.summary_id);
        check(
          JSON.stringify(ids) === JSON.stringify(inlineIds),
          'The webhook carried other activities than the response.',
        );
        return [
          `GET /activity answered with reference ${short(sent.reference)}`,
          `the activity webhook arrived with terra-reference ${short(delivery.reference ?? '')} and the same ${ids.length} activities`,
        ];
      },
    ],
    [
      'Ask for 61 days of daily summaries: a large request',
      async () => {
        const sent = (
          await (user as User).getDaily({ startDate: '2026-05-01', endDate: '2026-07-01' })
        ).getParsedResponse();
        check(sent.kind === 'SentToWebhook' && sent.reference, `GET /daily answered ${sent.kind}, not a reference.`);
        const reference = sent.reference;
        await waitFor(
          endpoint,
          'large_request_processing',
          (e): e is Extract<TerraWebhookEvent, { type: 'large_request_processing' }> =>
            e.type === 'large_request_processing' && e.reference === reference,
        );
        const { event: sending } = await waitFor(
          endpoint,
          'large_request_sending',
          (e): e is Extract<TerraWebhookEvent, { type: 'large_request_sending' }> =>
            e.type === 'large_request_sending' && e.reference === reference,
        );
        check(sending.expected_payloads !== undefined, 'large_request_sending carries no expected_payloads.');
        const chunks = await waitForAll(
          endpoint,
          `${sending.expected_payloads} daily chunks`,
          sending.expected_payloads,
          (e, d): e is Extract<TerraWebhookEvent, { type: 'daily' }> => e.type === 'daily' && d.reference === reference,
        );
        const days = new Set(chunks.flatMap((c) => c.event.data.map((d) => calendarDate(d.metadata.start_time))));
        check(chunks.length === sending.expected_payloads, 'More chunks arrived than expected_payloads announced.');
        check(days.size === 61, `The chunks hold ${days.size} days instead of 61.`);
        check(new Set(chunks.map((c) => c.delivery.traceId)).size === chunks.length, 'Two chunks share a trace id.');
        return [
          `GET /daily: "${sent.message}"`,
          `large_request_processing, then large_request_sending announcing ${sending.expected_payloads} payloads`,
          `${chunks.length} daily webhooks, one trace id each, all with terra-reference ${short(reference)}: ${days.size} days, ${[...days][0]} to ${[...days].at(-1)}`,
        ];
      },
    ],
    [
      'Your endpoint is down once: Terra retries',
      async () => {
        endpoint.failNext(1);
        const sent = (await (user as User).getAthlete({ toWebhook: true })).getParsedResponse();
        check(sent.kind === 'SentToWebhook', `GET /athlete answered ${sent.kind}.`);
        const { event, delivery } = await waitFor(
          endpoint,
          'The athlete webhook',
          (e): e is Extract<TerraWebhookEvent, { type: 'athlete' }> => e.type === 'athlete',
        );
        await sandbox.idle(); // the sandbox records an attempt once your endpoint's answer is back
        const tries = sandbox.attempts.filter((a) => a.traceId === delivery.traceId);
        check(
          tries.length === 2 && tries[0]?.status === 503 && tries[1]?.ok,
          'The athlete webhook was not retried after a 503.',
        );
        return [
          `attempt 1: your endpoint answered 503; retried ${tries[0]?.retryInMs} ms later (5 minutes at Terra)`,
          `attempt 2: delivered with the same trace id: ${event.athlete.first_name} ${event.athlete.last_name}, born ${event.athlete.date_of_birth}`,
        ];
      },
    ],
    [
      `${PERSON} connects Garmin too, scripted without the widget`,
      async () => {
        // What `terra-sdk sandbox connect GARMIN --reference-id demo-user-1` does on a running sandbox.
        const answer = await fetch(`${sandbox.url}/_sandbox/connections`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ provider: 'GARMIN', reference_id: PERSON }),
        });
        check(answer.status === 201, `The sandbox's control API answered ${answer.status}.`);
        garminId = ((await answer.json()) as { user: { user_id: string } }).user.user_id;
        await waitFor(
          endpoint,
          'The Garmin auth webhook',
          (e): e is Extract<TerraWebhookEvent, { type: 'auth' }> => e.type === 'auth' && e.user?.user_id === garminId,
        );
        const rows = await store.connectionsFor(PERSON);
        const active = rows.filter((r) => r.status === 'active').map((r) => r.provider);
        check(
          active.length === 2 && active.includes('OURA') && active.includes('GARMIN'),
          `The connections table holds ${active.join(', ') || 'no'} active connections for ${PERSON}, not Oura and Garmin.`,
        );
        return [
          `POST /_sandbox/connections (terra-sdk sandbox connect GARMIN --reference-id ${PERSON}): user ${short(garminId)}`,
          `the auth webhook updated the table: ${PERSON} has ${active.length} active connections, ${active.join(' and ')}`,
        ];
      },
    ],
    [
      'Backfill three months of Garmin data',
      async () => {
        const backfill = await terra.backfill(garminId, {
          from: '2026-04-01',
          to: '2026-07-01',
          types: ['daily', 'sleep'],
          store,
          withSamples: false,
          pollIntervalMs: 50,
          maxWaitMs: WAIT_MS,
        });
        const result = await backfill.done;
        const large = backfill.requests.filter((r) => r.outcome === 'large').length;
        const progress = await store.largeRequest(backfill.requests[0]?.reference ?? '');
        check(progress?.complete, 'The store does not say the first month arrived whole.');
        return [
          `${backfill.requests.length} requests, one per month and type, newest first (${large} of them large requests)`,
          `backfill.done: all ${result.payloads} payloads arrived; ${backfill.requests[0]?.startDate} daily: ${progress?.received} of ${progress?.expected} chunks`,
        ];
      },
    ],
    [
      `${PERSON} connects the same Oura account again: reauth`,
      async () => {
        const link = (
          await terra.generateAuthenticationUrl({
            resource: 'OURA',
            referenceId: PERSON,
            authSuccessRedirectUrl: `${endpoint.url}/connected`,
          })
        ).getParsedResponse();
        const consent = await (await fetch(link.auth_url as string)).text();
        check(consent.includes('Authorize Oura'), 'The authentication link does not show the consent page.');
        const done = await fetch(link.auth_url as string, {
          method: 'POST',
          body: new URLSearchParams({ provider: 'OURA', action: 'authorize' }),
          redirect: 'manual',
        });
        check(done.status === 303, `Authorizing answered ${done.status} instead of a redirect.`);
        const newId = link.user_id as string;
        const { event: reauth } = await waitFor(
          endpoint,
          'The user_reauth webhook',
          (e): e is Extract<TerraWebhookEvent, { type: 'user_reauth' }> => e.type === 'user_reauth',
        );
        await waitFor(
          endpoint,
          'The auth webhook of the new user id',
          (e): e is Extract<TerraWebhookEvent, { type: 'auth' }> => e.type === 'auth' && e.user?.user_id === newId,
        );
        check(newId !== firstUserId, 'Reconnecting kept the old user id.');
        check(reauth.new_user.user_id === newId, 'user_reauth does not name the new user id.');
        check(reauth.old_user?.user_id === firstUserId, 'user_reauth does not name the old user id.');
        const old = await terra.getUserInfo(firstUserId).catch((error: unknown) => error);
        check(old instanceof TerraNotFoundError, 'The old user id still exists after the reauth.');
        current = await terra.fromUserId(newId);
        return [
          `authenticateUser promised user ${newId}; the person authorized on the auth URL`,
          `auth for the new id and user_reauth ${short(firstUserId)} → ${short(newId)} arrived`,
          'GET /userInfo for the old id: 404; re-key your data to the new id',
        ];
      },
    ],
    ...weekSteps({
      endpoint,
      store,
      ring: async () => current as User,
      watch: () => terra.fromUserId(garminId),
    }),
    [
      'Ask for six years at once: rate limit r1',
      async () => {
        const error = await (current as User)
          .getDaily({ startDate: '2020-01-01', endDate: '2026-01-01', toWebhook: false })
          .catch((e: unknown) => e);
        check(error instanceof TerraRateLimitError, 'A 2,192-day request was not rejected with 429.');
        check(error.rule === 'r1', `The 429 names rule ${error.rule} instead of r1.`);
        return [`429, rule r1: ${error.message}`];
      },
    ],
    [
      'Disconnect',
      async () => {
        const id = (current as User).user_id;
        await (current as User).deauthenticate();
        const { event } = await waitFor(
          endpoint,
          'The deauth webhook',
          (e): e is Extract<TerraWebhookEvent, { type: 'deauth' }> => e.type === 'deauth' && e.user.user_id === id,
        );
        const gone = await terra.getUserInfo(id).catch((error: unknown) => error);
        check(gone instanceof TerraNotFoundError, 'The user still exists after deauthenticateUser.');
        const left = (await terra.getUsersByReferenceId(PERSON)).getParsedResponse();
        check(
          left.length === 1 && left[0]?.provider === 'GARMIN',
          `${PERSON} has ${left.length} connections at Terra.`,
        );
        const row = await store.getConnection(id);
        check(row?.status === 'disconnected', `The connections table says ${row?.status} for the deauthorized user.`);
        return [
          `deauth webhook for ${short(event.user.user_id)}: "${event.message}"`,
          `GET /userInfo: 404; ${PERSON} still has Garmin; the table marks Oura disconnected`,
        ];
      },
    ],
  ];
  let passed = 0;
  try {
    for (const [index, [title, run]] of steps.entries()) {
      print(`${index + 1}. ${title}`);
      try {
        for (const line of await run()) print(`   ${line}`);
        passed++;
      } catch (error) {
        const reason =
          error instanceof StepFailed ? error.message : `${(error as Error).name}: ${(error as Error).message}`;
        print(`   ✗ ${reason}`);
        print('');
        print(
          `✗ Step ${index + 1} (${title}) did not do what Terra would do; ${passed} of ${steps.length} steps passed.`,
        );
        return false;
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    print('');
    print(`✓ All ${steps.length} steps did what Terra would do (${seconds} s).`);
    print('');
    print(`The connections of ${PERSON}, as the webhooks left them (terra_connections on ${database.where}):`);
    print('');
    for (const line of connectionsTable(await store.connectionsFor(PERSON))) print(`  ${line}`);
    print('');
    // The disconnect kept the ring's records (onDisconnect: 'keep', the default): the week is whole.
    print(`The week of ${PERSON}, ring and watch merged (store.days on terra_records):`);
    print('');
    for (const line of weekTable(await store.days(PERSON, WEEK))) print(`  ${line}`);
    return true;
  } finally {
    await sandbox.close();
    await new Promise((resolve) => {
      endpoint.server.close(resolve);
      endpoint.server.closeAllConnections();
    });
    await database.close();
  }
}
