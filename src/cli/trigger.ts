/**
 * `terra-sdk trigger <event> --url <url>`: one signed, realistic event sent to a webhook endpoint.
 * @internal
 * @packageDocumentation
 */

import type { TerraUser } from '../models/index.js';
import { describeNetworkError } from '../sandbox/delivery.js';
import { fixtures } from '../testing/fixtures/index.js';
import type { KnownWebhookEventName } from '../webhooks/events.js';
import { isKnownEventType, KNOWN_WEBHOOK_EVENT_TYPES } from '../webhooks/events.js';
import { signWebhook } from '../webhooks/sign.js';
import {
  integerOption,
  type ParsedArgs,
  parseArgs,
  positiveOption,
  printableUrl,
  UsageError,
  urlOption,
} from './args.js';
import { type CliIO, EXIT, secretFrom } from './io.js';
import { bodyStart, withoutCredentials } from './remote.js';

const OPTIONS = {
  url: 'string',
  secret: 'string',
  seed: 'string',
  timeout: 'string',
  'user-id': 'string',
  'reference-id': 'string',
  provider: 'string',
  realistic: 'boolean',
  help: 'boolean',
} as const;

/** Event names wrapped to the terminal's usual width. */
function eventList(indent: string): string {
  const lines: string[] = [];
  let line = indent;
  for (const name of [...KNOWN_WEBHOOK_EVENT_TYPES].sort()) {
    if (line.length + name.length + 2 > 96) {
      lines.push(line.trimEnd());
      line = indent;
    }
    line += `${name}, `;
  }
  lines.push(line.replace(/, $/, ''));
  return lines.join('\n');
}

export const TRIGGER_HELP = `Usage: terra-sdk trigger <event> --url <url> [--secret <secret>] [--seed <n>] [--realistic]

Sends one realistic <event>, signed as Terra signs it and with Terra's delivery headers
(x-terra-trace-id, x-terra-ordering-timestamp, terra-reference for large requests), to your
webhook endpoint, and prints the status it answered. Exits 0 on a 2xx answer, 1 otherwise.

Options:
  --url <url>          Your webhook endpoint (required)
  --secret <secret>    The signing secret your endpoint verifies with
                       (default: the TERRA_WEBHOOK_SECRET environment variable)
  --seed <n>           Seed of the event's data: the same seed sends the same event (default 1)
  --timeout <ms>       How long to wait for the answer (default 10000)
  --user-id <id>       The Terra user id of the connection the event is about (default: made up
                       from the seed), to send an event about one of your own connections
  --reference-id <id>  Its reference id (your id for the person)
  --provider <name>    Its provider, such as GARMIN
  --realistic          Send the event as real deliveries look, not as the spec writes it: no
                       version, no message, provider null on deauth, other status words
  -h, --help           Show this help

Events:
${eventList('  ')}

Examples:
  terra-sdk trigger activity --url http://localhost:3000/webhooks/terra --secret "$TERRA_WEBHOOK_SECRET"
  terra-sdk trigger connection_error --user-id 6f1d... --reference-id person-1 --provider GARMIN --url ...`;

/** How much of an error answer is shown, in characters; only as much is read. */
const SHOWN_CHARS = 300;

/** Events that name the person by reference id only (no user object). */
const REFERENCE_ONLY: readonly string[] = ['auth_cancelled', 'lab_report.completed', 'lab_report.failed'];

/**
 * The connection `--user-id`, `--reference-id` and `--provider` describe (the rest made up from the
 * seed), or `undefined` when none is given.
 * @throws {@link UsageError} when the event carries no user, or only a reference id, and more is given.
 */
function userOf(type: string, values: ParsedArgs['values'], seed: number): TerraUser | undefined {
  const given = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const [userId, referenceId, provider] = [given('user-id'), given('reference-id'), given('provider')];
  if (userId === undefined && referenceId === undefined && provider === undefined) return undefined;
  const sample = fixtures.event(type as KnownWebhookEventName, { seed }) as object;
  const carriesUser = 'user' in sample || 'new_user' in sample;
  if (!carriesUser && !REFERENCE_ONLY.includes(type))
    throw new UsageError(
      `a ${type} event is about no connection; --user-id, --reference-id and --provider do not apply`,
    );
  if (!carriesUser && (userId !== undefined || provider !== undefined))
    throw new UsageError(`a ${type} event names the person by reference id only; give --reference-id`);
  const made = fixtures.user({ seed, ...(provider === undefined ? {} : { provider: provider.toUpperCase() }) });
  return {
    ...made,
    ...(userId === undefined ? {} : { user_id: userId }),
    ...(referenceId === undefined ? {} : { reference_id: referenceId }),
  };
}

/** Runs `terra-sdk trigger`. */
export async function trigger(argv: readonly string[], io: CliIO): Promise<number> {
  const { positionals, values } = parseArgs(argv, OPTIONS);
  if (values.help) {
    io.out(TRIGGER_HELP);
    return EXIT.ok;
  }
  const [type, ...extra] = positionals;
  if (type === undefined) throw new UsageError('which event? Give its type, such as: terra-sdk trigger auth --url ...');
  if (extra.length > 0) throw new UsageError(`one event at a time; unexpected "${extra[0]}"`);
  if (!isKnownEventType(type)) {
    throw new UsageError(`"${type}" is not a Terra webhook event type. Known types:\n${eventList('  ')}`);
  }
  const given = urlOption(values, 'url');
  if (given === undefined) throw new UsageError('--url is required: the webhook endpoint to send the event to');
  const parsedUrl = new URL(given);
  const url = printableUrl(parsedUrl);
  const { target, authorization } = withoutCredentials(parsedUrl);
  const secret = secretFrom(values, io.env);
  if (secret === undefined) {
    throw new UsageError('no signing secret: pass --secret <secret> or set TERRA_WEBHOOK_SECRET');
  }
  const seed = integerOption(values, 'seed', -(2 ** 31), 2 ** 32 - 1) ?? 1;
  const timeoutMs = positiveOption(values, 'timeout') ?? 10_000;

  const payload = fixtures.event(type, {
    seed,
    realistic: values.realistic === true,
    user: userOf(type, values, seed),
  });
  const reference = 'reference' in payload && typeof payload.reference === 'string' ? payload.reference : undefined;
  const { body, headers } = await signWebhook({ payload, secret, reference });
  const traceId = headers['x-terra-trace-id'];
  const size = new TextEncoder().encode(body).length;
  const what = `${type} event (${size < 10_000 ? `${size} bytes` : `${Math.round(size / 1000)} kB`}, trace id ${traceId})`;
  let response: Response;
  try {
    response = await fetch(target, {
      method: 'POST',
      body,
      headers: authorization ? { ...headers, authorization } : headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const reason = describeNetworkError(error);
    const why =
      (error as { name?: unknown } | null)?.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : reason === 'connection refused'
          ? 'connection refused (is your server running on that port?)'
          : reason;
    io.err(`Could not deliver the ${what} to ${url}: ${why}.`);
    return EXIT.failed;
  }
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (response.ok) {
    await response.body?.cancel().catch(() => undefined);
    io.out(`Sent the ${what} to ${url}: ${status}`);
    return EXIT.ok;
  }
  const text = await bodyStart(response, SHOWN_CHARS);
  io.err(`Sent the ${what} to ${url}: ${status}`);
  if (text.trim() !== '') io.err(`Your endpoint answered: ${text.trim()}`);
  if (response.status === 401) {
    io.err('A 401 usually means the endpoint verifies with another secret: pass the one it uses with --secret.');
  }
  return EXIT.failed;
}
