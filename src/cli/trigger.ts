/**
 * `terra-sdk trigger <event> --url <url>`: one signed, realistic event sent to a webhook endpoint.
 * @internal
 * @packageDocumentation
 */
import { describeNetworkError } from '../sandbox/delivery.js';
import { fixtures } from '../testing/fixtures.js';
import { isKnownEventType, KNOWN_WEBHOOK_EVENT_TYPES } from '../webhooks/events.js';
import { signWebhook } from '../webhooks/sign.js';
import { integerOption, parseArgs, positiveOption, printableUrl, UsageError, urlOption } from './args.js';
import { type CliIO, EXIT, secretFrom } from './io.js';
import { bodyStart, withoutCredentials } from './remote.js';

const OPTIONS = {
  url: 'string',
  secret: 'string',
  seed: 'string',
  timeout: 'string',
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
  --realistic          Send the event as real deliveries look, not as the spec writes it: no
                       version, no message, provider null on deauth, other status words
  -h, --help           Show this help

Events:
${eventList('  ')}

Example:
  terra-sdk trigger activity --url http://localhost:3000/webhooks/terra --secret "$TERRA_WEBHOOK_SECRET"`;

/** How much of an error answer is shown, in characters; only as much is read. */
const SHOWN_CHARS = 300;

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

  const payload = fixtures.event(type, { seed, realistic: values.realistic === true });
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
