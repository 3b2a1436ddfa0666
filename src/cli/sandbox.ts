/**
 * `terra-sdk sandbox`: a local Terra API on 127.0.0.1 until Ctrl+C.
 * @internal
 * @packageDocumentation
 */
import { TerraConfigurationError } from '../errors.js';
import { type DeliveryAttempt, startSandbox } from '../sandbox/index.js';
import { integerOption, parseArgs, positiveOption, printableUrl, UsageError, urlOption } from './args.js';
import { CONTROL_COMMANDS, sandboxControl } from './control.js';
import { type CliIO, EXIT, secretFrom } from './io.js';

const OPTIONS = {
  port: 'string',
  'webhook-url': 'string',
  secret: 'string',
  seed: 'string',
  retries: 'string',
  'retry-scale': 'string',
  realistic: 'boolean',
  help: 'boolean',
} as const;

/** The port `terra-sdk sandbox` listens on unless told otherwise. */
export const DEFAULT_SANDBOX_PORT = 4010;

export const SANDBOX_HELP = `Usage: terra-sdk sandbox [options]

Runs a local Terra API on 127.0.0.1 until you press Ctrl+C. Point your client at it:

  new Terra({ apiKey: 'any', devId: 'any', baseUrl: 'http://127.0.0.1:${DEFAULT_SANDBOX_PORT}/api/v2' })

or set TERRA_BASE_URL. It is also a local streaming gateway: set TERRA_STREAMING_BASE_URL to the URL it
prints (the same origin: tokens at /auth/developer and /auth/user, the socket at /connect) and tail it
with "terra-sdk stream"; streaming needs the ws package. Any non-empty x-api-key and dev-id are accepted; requests without them get 401.
People connect through the widget and authentication pages it serves. Data is generated from the
seed, the same for the same user and dates. With --webhook-url, every event Terra would send (auth,
user_reauth, deauth, access_revoked, connection_error, permission_change, data, large-request
chunks) is signed and POSTed there with Terra's delivery headers, and failed deliveries are
retried with Terra's backoff, scaled down.

Options:
  --port <n>            Port on 127.0.0.1 (default ${DEFAULT_SANDBOX_PORT}; 0 picks a free port)
  --webhook-url <url>   Your webhook endpoint (default: none; events are not sent)
  --secret <secret>     The signing secret webhooks are signed with; required with --webhook-url
                        (default: the TERRA_WEBHOOK_SECRET environment variable)
  --seed <n>            Seed of user ids and data (default 1)
  --retries <n>         Retries of a delivery your endpoint did not accept (default 8, as Terra)
  --retry-scale <x>     Factor on Terra's waits between retries of 5 min, 30 min, 1 h, 2 h, ...
                        (default 0.001: 300 ms, 1.8 s, 3.6 s, ...)
  --realistic           Send webhooks as real deliveries look, not as the spec writes them: no
                        version, no message, provider null on deauth, other status words
  -h, --help            Show this help

While it runs, script what a person does, from another shell (see "terra-sdk sandbox connect --help"):
  terra-sdk sandbox connect GARMIN --reference-id person-1     auth
  terra-sdk sandbox reauth GARMIN --reference-id person-1      auth and user_reauth (new user id)
  terra-sdk sandbox deauth GARMIN --reference-id person-1      deauth
  terra-sdk sandbox revoke GARMIN --reference-id person-1      access_revoked
  terra-sdk sandbox error <USER_ID>                            connection_error (must reconnect)
  terra-sdk sandbox permissions <USER_ID> --add sleep          permission_change
  terra-sdk sandbox connections [--json]                       the connections that exist
Each takes --url of the sandbox (default http://127.0.0.1:${DEFAULT_SANDBOX_PORT}).

Example:
  terra-sdk sandbox --port 4010 --webhook-url http://localhost:3000/webhooks/terra --secret test-secret`;

function describeAttempt(attempt: DeliveryAttempt): string {
  const answer = attempt.status === undefined ? attempt.error : `answered ${attempt.status}`;
  const which = `webhook ${attempt.type} (trace ${attempt.traceId})`;
  if (attempt.ok) return `${which} delivered${attempt.attempt > 1 ? ` on attempt ${attempt.attempt}` : ''}`;
  if (attempt.retryInMs !== undefined) {
    return `${which} attempt ${attempt.attempt} ${answer}: retrying in ${attempt.retryInMs} ms`;
  }
  return `${which} attempt ${attempt.attempt} ${answer}: giving up`;
}

/** Runs `terra-sdk sandbox`. */
export async function sandbox(argv: readonly string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== undefined && Object.hasOwn(CONTROL_COMMANDS, action)) return sandboxControl(action, rest, io);
  const { positionals, values } = parseArgs(argv, OPTIONS);
  if (values.help) {
    io.out(SANDBOX_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0)
    throw new UsageError(
      `unexpected argument "${positionals[0]}" (actions on a running sandbox: ${Object.keys(CONTROL_COMMANDS).join(', ')})`,
    );
  const port = integerOption(values, 'port', 0, 65_535) ?? DEFAULT_SANDBOX_PORT;
  const webhookUrl = urlOption(values, 'webhook-url');
  if (webhookUrl !== undefined) {
    const target = new URL(webhookUrl);
    if (target.username !== '' || target.password !== '')
      throw new UsageError(
        '--webhook-url must not hold a user name or password (user:pass@): deliveries cannot send them; Terra authenticates deliveries by their signature (--secret)',
      );
  }
  const secret = secretFrom(values, io.env);
  if (webhookUrl !== undefined && secret === undefined) {
    throw new UsageError(
      '--webhook-url needs the signing secret your endpoint verifies with: pass --secret <secret> or set TERRA_WEBHOOK_SECRET',
    );
  }
  const seed = integerOption(values, 'seed', -(2 ** 31), 2 ** 32 - 1);
  const retries = integerOption(values, 'retries', 0, 100);
  const scale = positiveOption(values, 'retry-scale');

  let running: Awaited<ReturnType<typeof startSandbox>>;
  try {
    running = await startSandbox({
      port,
      webhookUrl,
      secret,
      seed,
      realistic: values.realistic === true,
      retry: { retries, scale },
      onRequest: (request) => io.out(`${request.method} ${request.path} ${request.status}`),
      onDelivery: (attempt) => (attempt.ok ? io.out : io.err)(describeAttempt(attempt)),
    });
  } catch (error) {
    if (error instanceof TerraConfigurationError) {
      io.err(error.message);
      return EXIT.failed;
    }
    throw error;
  }
  io.out(`Terra sandbox running on ${running.url}`);
  io.out(`  API base URL   ${running.baseUrl}   (the client's baseUrl, or TERRA_BASE_URL)`);
  io.out(
    `  Streaming      TERRA_STREAMING_BASE_URL=${running.streamingBaseUrl}   (the client's streamingBaseUrl; terra-sdk stream --url)`,
  );
  io.out('  Credentials    any non-empty x-api-key and dev-id');
  io.out(
    webhookUrl === undefined
      ? '  Webhooks       not sent (no --webhook-url)'
      : `  Webhooks       POSTed to ${printableUrl(new URL(webhookUrl))}, signed with the secret given`,
  );
  io.out(`  Seed           ${seed ?? 1}`);
  if (values.realistic === true) io.out('  Payloads       realistic: shaped as real deliveries, not as the spec');
  io.out('Press Ctrl+C to stop.');
  await io.untilStopped();
  await running.close();
  io.out('Sandbox stopped.');
  return EXIT.ok;
}
