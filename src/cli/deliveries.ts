/**
 * `terra-sdk deliveries list|show|replay|recover --database-url <url>`: the durable deliveries of a
 * connection store, for the person on call. Bodies are never printed.
 * @internal
 * @packageDocumentation
 */
import { DELIVERY_STATUSES, type DeliveryRow, type DeliveryStatus } from '../store/deliveries/types.js';
import { createConnectionStore } from '../store/store.js';
import type { ConnectionStore } from '../store/types.js';
import { integerOption, type ParsedArgs, parseArgs, printableUrl, UsageError } from './args.js';
import { type CliIO, EXIT } from './io.js';

const OPTIONS = {
  'database-url': 'string',
  status: 'string',
  type: 'string',
  since: 'string',
  until: 'string',
  limit: 'string',
  json: 'boolean',
  help: 'boolean',
} as const;

export const DELIVERIES_HELP = `Usage: terra-sdk deliveries <list|show|replay|recover> --database-url <url> [options]

Inspects and replays the deliveries a durable webhook handler (durable: true) recorded in the
connection store's PostgreSQL. Bodies (health data) are never printed.

  list                 The newest deliveries: trace id, type, status, attempts, last error
  show <trace-id>      One delivery
  replay <trace-id>    Queue one delivery again, whatever its status (its listener runs again;
                       its store effect stays applied once)
  recover              Queue again every failed and dead delivery (or --status), and say how many

Options:
  --database-url <url> postgres://user:password@host:5432/db (default: DATABASE_URL)
  --status <s,...>     pending, processing, handled, failed, dead (list, recover)
  --type <type>        Only this event type (list)
  --since <time>       Received at or after this ISO time (list, recover)
  --until <time>       Received before this ISO time (list, recover)
  --limit <n>          At most this many rows, 1 to 10000 (list; default 100)
  --json               Print JSON (list, show)
  -h, --help           Show this help

Exit codes: 0 done, 1 the operation failed (no such delivery, database unreachable), 2 usage.`;

/** The store on the database the options name, and how to let it go; pg is loaded only here. */
export async function openStore(
  values: ParsedArgs['values'],
  io: CliIO,
): Promise<{ store: ConnectionStore; close: () => Promise<void>; shown: string }> {
  const raw = typeof values['database-url'] === 'string' ? values['database-url'] : io.env.DATABASE_URL;
  if (raw === undefined || raw === '') throw new UsageError('--database-url is required (or set DATABASE_URL)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError('--database-url must be a postgres:// URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    throw new UsageError('--database-url must be a postgres:// URL');
  let pg: { Pool: new (options: object) => { end(): Promise<void> } };
  try {
    const loaded = (await import('pg')) as unknown as { default?: typeof pg } & typeof pg;
    pg = loaded.default ?? loaded;
  } catch {
    throw new UsageError('the pg package is needed to reach PostgreSQL: npm install pg');
  }
  const pool = new pg.Pool({ connectionString: raw, max: 2 });
  const store = createConnectionStore({ db: pool as never });
  return { store, close: () => pool.end(), shown: printableUrl(url) };
}

function dateOption(values: ParsedArgs['values'], name: string): Date | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const date = new Date(String(raw));
  if (!Number.isFinite(date.getTime()))
    throw new UsageError(`--${name} must be an ISO time, such as 2026-12-01T00:00:00Z`);
  return date;
}

function statusOption(values: ParsedArgs['values']): DeliveryStatus[] | undefined {
  const raw = values.status;
  if (raw === undefined) return undefined;
  const list = String(raw)
    .split(',')
    .map((s) => s.trim());
  for (const s of list)
    if (!(DELIVERY_STATUSES as readonly string[]).includes(s))
      throw new UsageError(`--status takes ${DELIVERY_STATUSES.join(', ')} (comma-separated); got "${s}"`);
  return list as DeliveryStatus[];
}

const iso = (date: Date | null) => (date === null ? '-' : date.toISOString());

/** One delivery as a line of the list. */
function line(row: DeliveryRow): string {
  const error = row.lastError === null ? '' : `  ${row.lastError.code}: ${row.lastError.message}`;
  return `${row.traceId}  ${row.type}  ${row.status}  attempts=${row.attempts}  received=${iso(row.receivedAt)}${error}`;
}

/** One delivery in full. */
function details(row: DeliveryRow): string[] {
  return [
    `trace id:     ${row.traceId}`,
    `type:         ${row.type}`,
    `terra user:   ${row.terraUserId ?? '-'}`,
    `status:       ${row.status}${row.durable ? '' : ' (not durable: no body kept)'}`,
    `attempts:     ${row.attempts}`,
    `last error:   ${row.lastError === null ? '-' : `${row.lastError.code}: ${row.lastError.message}`}`,
    `received:     ${iso(row.receivedAt)}`,
    `handled:      ${iso(row.handledAt)}`,
    `due:          ${row.status === 'pending' || row.status === 'failed' ? iso(row.runAfter) : '-'}`,
    `reference:    ${row.reference ?? '-'}`,
    `body kept:    ${row.hasBody ? 'yes (replayable)' : 'no'}`,
  ];
}

const json = (row: DeliveryRow) => JSON.stringify(row);

/** Runs `terra-sdk deliveries`. */
export async function deliveries(argv: readonly string[], io: CliIO): Promise<number> {
  const { positionals, values } = parseArgs(argv, OPTIONS);
  if (values.help) {
    io.out(DELIVERIES_HELP);
    return EXIT.ok;
  }
  const [action, id, ...extra] = positionals;
  if (action === undefined) throw new UsageError('which action? list, show, replay or recover');
  if (!['list', 'show', 'replay', 'recover'].includes(action))
    throw new UsageError(`unknown action "${action}": list, show, replay or recover`);
  const needsId = action === 'show' || action === 'replay';
  if (needsId && id === undefined) throw new UsageError(`${action} needs a trace id`);
  if ((!needsId && id !== undefined) || extra.length > 0)
    throw new UsageError(`unexpected "${(needsId ? extra[0] : id) ?? ''}"`);
  if (values.json && action !== 'list' && action !== 'show') throw new UsageError('--json is for list and show');
  const status = statusOption(values);
  const since = dateOption(values, 'since');
  const until = dateOption(values, 'until');
  const limit = integerOption(values, 'limit', 1, 10_000);
  const { store, close } = await openStore(values, io);
  try {
    switch (action) {
      case 'list': {
        const rows = await store.deliveries({ status, type: values.type as string | undefined, since, until, limit });
        if (values.json) io.out(`[${rows.map(json).join(',\n')}]`);
        else if (rows.length === 0) io.out('No deliveries match.');
        else for (const row of rows) io.out(line(row));
        return EXIT.ok;
      }
      case 'show': {
        const row = await store.delivery(id as string);
        if (row === undefined) {
          io.err(`terra-sdk deliveries: no delivery with trace id ${id}`);
          return EXIT.failed;
        }
        for (const text of values.json ? [json(row)] : details(row)) io.out(text);
        return EXIT.ok;
      }
      case 'replay':
        await store.replay(id as string);
        io.out(`Queued ${id} again: a durable receiver works it within its poll interval.`);
        return EXIT.ok;
      default: {
        const count = await store.recover({ status, since, until });
        io.out(`Queued ${count} deliver${count === 1 ? 'y' : 'ies'} again.`);
        return EXIT.ok;
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.err(`terra-sdk deliveries ${action}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  } finally {
    await close();
  }
}
