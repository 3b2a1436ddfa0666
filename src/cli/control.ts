/**
 * `terra-sdk sandbox connect|reauth|deauth|revoke|error|permissions|connections`: what a person does at the widget or
 * at the provider, done on a running sandbox through its control API, without a browser.
 * @internal
 * @packageDocumentation
 */
import { describeNetworkError } from '../sandbox/delivery.js';
import { parseArgs, printableUrl, UsageError, urlOption } from './args.js';
import { type CliIO, EXIT } from './io.js';
import { bodyStart, withoutCredentials } from './remote.js';

const OPTIONS = {
  url: 'string',
  'reference-id': 'string',
  'user-id': 'string',
  add: 'string',
  remove: 'string',
  message: 'string',
  json: 'boolean',
  help: 'boolean',
} as const;

/** Where `terra-sdk sandbox` listens unless told otherwise. */
export const DEFAULT_SANDBOX_URL = 'http://127.0.0.1:4010';

/** The subcommands, with what each does. */
export const CONTROL_COMMANDS: Readonly<Record<string, string>> = {
  connect: 'connect a provider account, as the person would in the widget (auth; user_reauth if it replaces one)',
  reauth: 'connect the same account again: a new user id replaces the old (auth and user_reauth)',
  deauth: 'remove the connection (deauth)',
  revoke: 'the person revokes access at the provider (access_revoked)',
  error: 'the provider refuses the stored credentials; the person must reconnect (connection_error)',
  permissions: 'the person grants (--add) or withdraws (--remove) scopes at the provider (permission_change)',
  connections: 'list the connections',
};

export const CONTROL_HELP = `Usage: terra-sdk sandbox <action> [PROVIDER] [options]
       terra-sdk sandbox error|permissions <USER_ID> [options]

Does what a person does at the widget or at the provider, on a running sandbox, and sends the
webhooks Terra would send. The connection is named by PROVIDER and --reference-id, or by --user-id
(error and permissions also take the user id as their argument).

Actions:
${Object.entries(CONTROL_COMMANDS)
  .map(([name, what]) => `  ${name.padEnd(12)} ${what}`)
  .join('\n')}

Options:
  --reference-id <id>   Your id for the person (Terra's reference_id)
  --user-id <id>        The connection's Terra user id (reauth, deauth, revoke, error, permissions)
  --add <scopes>        permissions: scopes granted, comma-separated (such as sleep,heartrate)
  --remove <scopes>     permissions: scopes withdrawn, comma-separated
  --message <text>      error: the message Terra sends with connection_error
  --json                Print the sandbox's answer as JSON (connections: the list)
  --url <url>           The running sandbox (default ${DEFAULT_SANDBOX_URL})
  -h, --help            Show this help

Examples:
  terra-sdk sandbox connect GARMIN --reference-id person-1
  terra-sdk sandbox reauth GARMIN --reference-id person-1
  terra-sdk sandbox deauth --user-id 6f1d...
  terra-sdk sandbox error 6f1d...
  terra-sdk sandbox permissions 6f1d... --add sleep,heartrate --remove nutrition
  terra-sdk sandbox connections --json`;

interface ControlUser {
  user_id: string;
  provider: string;
  reference_id: string | null;
  scopes?: string | null;
}

/** A comma-separated list of scopes, as a list. */
function scopesOption(values: Record<string, string | true>, name: string): string[] | undefined {
  const raw = values[name];
  if (typeof raw !== 'string') return undefined;
  const scopes = raw
    .split(',')
    .map((scope) => scope.trim())
    .filter((scope) => scope !== '');
  if (scopes.length === 0) throw new UsageError(`--${name} needs scope names, such as --${name} sleep,heartrate`);
  return scopes;
}

/** The most of a control answer read, in characters (at most four bytes each: 1 MiB). */
const CONTROL_ANSWER_CHARS = 262_144;

/** The JSON in `text`, or `undefined` when it is not JSON (or was cut off). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Runs one control action against the sandbox at `--url`. */
export async function sandboxControl(action: string, argv: readonly string[], io: CliIO): Promise<number> {
  const { positionals, values } = parseArgs(argv, OPTIONS);
  if (values.help) {
    io.out(CONTROL_HELP);
    return EXIT.ok;
  }
  const given = new URL(urlOption(values, 'url') ?? DEFAULT_SANDBOX_URL);
  // Printed without user, password or query values; the credentials go as Basic auth.
  const base = printableUrl(given).replace(/\/+$/, '');
  const { target, authorization } = withoutCredentials(given);
  const [first, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`one connection at a time; unexpected "${extra[0]}"`);
  const referenceId = typeof values['reference-id'] === 'string' ? values['reference-id'] : undefined;
  const byUserId = (action === 'error' || action === 'permissions') && referenceId === undefined;
  if (byUserId && first !== undefined && values['user-id'] !== undefined)
    throw new UsageError(`give the user id once: ${action} <USER_ID> or ${action} --user-id <id>`);
  // error and permissions name a connection by its user id (the one a person's app knows) first.
  const provider = byUserId ? undefined : first;
  const userId = typeof values['user-id'] === 'string' ? values['user-id'] : byUserId ? first : undefined;
  const add = scopesOption(values, 'add');
  const remove = scopesOption(values, 'remove');
  const message = typeof values.message === 'string' ? values.message : undefined;
  if (action !== 'permissions' && (add !== undefined || remove !== undefined))
    throw new UsageError('--add and --remove are for permissions');
  if (action !== 'error' && message !== undefined) throw new UsageError('--message is for error');
  if (action === 'permissions' && add === undefined && remove === undefined)
    throw new UsageError(
      'which scopes changed? Such as: permissions <USER_ID> --add sleep,heartrate --remove nutrition',
    );
  if (action === 'connections') {
    if (provider !== undefined || referenceId !== undefined || userId !== undefined)
      throw new UsageError('connections takes no provider, --reference-id or --user-id');
  } else if (action === 'connect') {
    if (provider === undefined)
      throw new UsageError('which provider? Such as: terra-sdk sandbox connect GARMIN --reference-id person-1');
    if (userId !== undefined)
      throw new UsageError('connect makes a new user id; --user-id is for reauth, deauth and revoke');
  } else if (userId === undefined && (provider === undefined || referenceId === undefined)) {
    throw new UsageError(
      byUserId
        ? `name the connection: ${action} <USER_ID>, or ${action} PROVIDER --reference-id <id>`
        : `name the connection: ${action} PROVIDER --reference-id <id>, or ${action} --user-id <id>`,
    );
  }

  const path =
    action === 'connections' || action === 'connect' ? '/_sandbox/connections' : `/_sandbox/connections/${action}`;
  const body = {
    provider,
    reference_id: referenceId,
    user_id: userId,
    ...(action === 'permissions' ? { scopes_added: add ?? [], scopes_removed: remove ?? [] } : {}),
    ...(message === undefined ? {} : { message }),
  };
  let response: Response;
  try {
    const endpoint = new URL(target);
    endpoint.pathname = `${endpoint.pathname.replace(/\/+$/, '')}${path}`;
    response = await fetch(endpoint, {
      method: action === 'connections' ? 'GET' : 'POST',
      headers: {
        ...(authorization === undefined ? {} : { authorization }),
        ...(action === 'connections' ? {} : { 'content-type': 'application/json' }),
      },
      ...(action === 'connections' ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    const reason = describeNetworkError(error);
    io.err(
      reason === 'connection refused'
        ? `No sandbox answers at ${base} (connection refused): start one with "terra-sdk sandbox", or pass its --url.`
        : `Could not reach the sandbox at ${base}: ${reason}.`,
    );
    return EXIT.failed;
  }
  // At most 1 MiB is read: a sandbox's answers are far smaller, and --url may name any server.
  const answer = parseJson(await bodyStart(response, CONTROL_ANSWER_CHARS)) as
    | { user?: ControlUser; replaced?: string | null; connections?: ControlUser[]; detail?: string }
    | undefined;
  if (!response.ok || answer === undefined) {
    io.err(
      `The sandbox at ${base} refused ${action}: ${answer?.detail ?? `it answered ${response.status}; is it a terra-sdk sandbox?`}`,
    );
    return EXIT.failed;
  }
  if (values.json === true) {
    io.out(JSON.stringify(action === 'connections' ? (answer.connections ?? []) : answer, null, 2));
    return EXIT.ok;
  }
  const describe = (u: ControlUser) =>
    `${u.provider} user ${u.user_id}${u.reference_id ? ` (reference id ${u.reference_id})` : ''}`;
  if (action === 'connections') {
    const list = answer.connections ?? [];
    if (list.length === 0) io.out('No connections.');
    for (const user of list) io.out(describe(user));
    return EXIT.ok;
  }
  const user = answer.user as ControlUser;
  const sent: Record<string, string> = {
    connect: answer.replaced ? 'auth and user_reauth sent' : 'auth sent',
    reauth: `replaces ${answer.replaced}; auth and user_reauth sent`,
    deauth: 'deauth sent',
    revoke: 'access_revoked sent',
    error: 'connection_error sent; it needs the person to reconnect (terra-sdk sandbox reauth)',
    permissions: `permission_change sent; scopes now ${user.scopes || 'none'}`,
  };
  const verb: Record<string, string> = {
    connect: 'Connected',
    reauth: 'Reconnected',
    deauth: 'Removed',
    revoke: 'Revoked',
    error: 'The provider refused the credentials of',
    permissions: 'Changed the permissions of',
  };
  io.out(`${verb[action]} ${describe(user)}: ${sent[action]}.`);
  return EXIT.ok;
}
