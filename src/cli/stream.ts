/**
 * `terra-sdk stream`: tails Terra's real-time stream (or the sandbox's) to the terminal, one line
 * per sample; `--json` prints each as one JSON object per line.
 * @internal
 * @packageDocumentation
 */
import { TerraError } from '../errors.js';
import { Caller } from '../internal/caller.js';
import { HttpClient } from '../internal/http.js';
import { StreamingResource } from '../resources/streaming.js';
import type { StreamItem } from '../streaming/protocol.js';
import { DEFAULT_STREAMING_BASE_URL, resolveStreamingBaseUrl } from '../streaming/url.js';
import { integerOption, parseArgs, UsageError, urlOption } from './args.js';
import { type CliIO, EXIT } from './io.js';

const OPTIONS = {
  url: 'string',
  'dev-id': 'string',
  'api-key': 'string',
  after: 'string',
  count: 'string',
  synthetic: 'boolean',
  json: 'boolean',
  help: 'boolean',
} as const;

export const STREAM_HELP = `Usage: terra-sdk stream [--url <url>] [--after <seq>] [--count <n>] [--synthetic] [--json]

Connects to Terra's real-time streaming gateway as a consumer and prints every user's samples as
they come, in seq order, reconnecting (and replaying what was missed) when the connection drops.
Stops on Ctrl+C, or after --count samples.

Options:
  --url <url>          The streaming base URL (default: TERRA_STREAMING_BASE_URL, else
                       ${DEFAULT_STREAMING_BASE_URL}); the socket is <url>/connect, https -> wss
  --dev-id <id>        Your developer id (default: TERRA_DEV_ID)
  --api-key <key>      Your API key (default: TERRA_API_KEY)
  --after <seq>        Start after this seq: replay the retained samples after it first
  --count <n>          Stop after n samples
  --synthetic          Include the dashboard's synthetic test traffic
  --json               One JSON object per line: {"seq","userId","type","data","synthetic"}
  -h, --help           Show this help

Example:
  terra-sdk stream --url http://127.0.0.1:4100 --dev-id dev --api-key key --json`;

/** One sample as a terminal line. */
export function formatStreamItem(item: StreamItem, json: boolean): string {
  if (json) return JSON.stringify(item);
  const synthetic = item.synthetic ? ' (synthetic)' : '';
  return `${item.seq}  ${item.userId}  ${item.type}${synthetic}  ${JSON.stringify(item.data) ?? ''}`;
}

/** Runs `terra-sdk stream`; resolves with the exit code. */
export async function stream(argv: readonly string[], io: CliIO): Promise<number> {
  const { positionals, values } = parseArgs(argv, OPTIONS);
  if (values.help === true) {
    io.out(STREAM_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const fromEnv = (name: string): string | undefined => {
    const value = io.env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const devId = (values['dev-id'] as string | undefined) ?? fromEnv('TERRA_DEV_ID');
  const apiKey = (values['api-key'] as string | undefined) ?? fromEnv('TERRA_API_KEY');
  if (devId === undefined) throw new UsageError('needs --dev-id or TERRA_DEV_ID');
  if (apiKey === undefined) throw new UsageError('needs --api-key or TERRA_API_KEY');
  const after = values.after;
  if (after !== undefined && !/^\d+$/.test(String(after))) throw new UsageError('--after must be a seq (digits)');
  const count = integerOption(values, 'count', 1, Number.MAX_SAFE_INTEGER);
  const json = values.json === true;
  let baseUrl: string;
  try {
    baseUrl = resolveStreamingBaseUrl(urlOption(values, 'url') ?? fromEnv('TERRA_STREAMING_BASE_URL'));
  } catch (error) {
    if (error instanceof TerraError) throw new UsageError(error.message);
    throw error;
  }

  const http = new HttpClient({ baseUrl, devId, apiKey, timeout: 30_000, maxRetries: 2 });
  const streaming = new StreamingResource({ caller: new Caller(http), streamingBaseUrl: baseUrl });
  const controller = new AbortController();
  void io.untilStopped().then(() => controller.abort());
  const items = streaming.connect({
    after: after as string | undefined,
    includeSynthetic: values.synthetic === true,
    signal: controller.signal,
    onWarning: (warning) => io.err(`terra-sdk stream: ${warning.message}`),
  });
  if (!json) io.err(`Streaming from ${streaming.socketUrl}; Ctrl+C to stop.`);
  let printed = 0;
  try {
    for await (const item of items) {
      io.out(formatStreamItem(item, json));
      printed++;
      if (count !== undefined && printed >= count) break;
    }
  } catch (error) {
    if (controller.signal.aborted) return EXIT.ok;
    io.err(`terra-sdk stream: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
  if (!json) io.err(`Stopped after ${printed} samples; last seq ${items.cursor ?? 'none'}.`);
  return EXIT.ok;
}
