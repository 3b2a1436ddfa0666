/**
 * The sandbox's control API, under `/_sandbox/` (a path Terra does not use): what a person does at
 * the widget or at the provider, scripted over HTTP, so a running sandbox can be driven from a shell
 * (`terra-sdk sandbox connect GARMIN --reference-id person-1`) or a test in another process.
 *
 *   GET  /_sandbox/connections                  the connections that exist
 *   POST /_sandbox/connections                  { provider, reference_id? }: connect (auth, and user_reauth if it replaces one)
 *   POST /_sandbox/connections/reauth           { user_id } or { provider, reference_id }: connect again (new user id)
 *   POST /_sandbox/connections/deauth           the same: remove the connection (deauth)
 *   POST /_sandbox/connections/revoke           the same: the person revokes access at the provider (access_revoked)
 *   POST /_sandbox/connections/error            the same, and message?: the provider refuses the credentials (connection_error)
 *   POST /_sandbox/connections/permissions      the same, and scopes_added?, scopes_removed? (lists): permission_change
 *
 * Only the sandbox's own callers may use it, never a web page the developer happens to visit: a
 * request whose `Host` is not the sandbox's loopback address (DNS rebinding) or whose `Origin` is
 * another site is refused with 403, and a write must declare a JSON body (`content-type:
 * application/json`), which a cross-site form or a "simple" `fetch` cannot send without a CORS
 * preflight, which the sandbox never grants.
 *
 * @internal
 * @packageDocumentation
 */
import { TerraInvalidArgumentError } from '../errors.js';
import type { ConnectionSelector, TerraEmulator } from '../testing/emulator/index.js';

/** Where the control API lives on the sandbox. */
export const CONTROL_PATH = '/_sandbox';

const answer = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const problem = (status: number, title: string, detail: string) =>
  new Response(JSON.stringify({ type: 'about:blank', title, detail }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

const field = (body: Record<string, unknown>, key: string): string | undefined =>
  typeof body[key] === 'string' && body[key] !== '' ? (body[key] as string) : undefined;

/**
 * The emulator's message in the words of someone driving the sandbox from a shell: it names the
 * emulator's methods and options, which the person never called.
 */
function inCommandWords(message: string): string {
  return message
    .replace('list them with users()', 'list them with terra-sdk sandbox connections')
    .replace('name one by userId', 'name one by its user id (--user-id)')
    .replace('by userId, or by provider and referenceId', 'by its user id, or by provider and reference id');
}

/** The names the sandbox answers to on its port: the loopback addresses it listens on. */
export function loopbackHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

/** Why a request may come from another site (so is refused), or `undefined`. */
function crossSite(request: Request, hosts: ReadonlySet<string>): string | undefined {
  const host = request.headers.get('host')?.toLowerCase();
  if (host === undefined || !hosts.has(host))
    return 'the control API answers only requests addressed to the sandbox itself (Host 127.0.0.1 or localhost, with its port)';
  const origin = request.headers.get('origin');
  if (origin !== null) {
    let originHost: string | undefined;
    try {
      const parsed = new URL(origin);
      originHost = parsed.protocol === 'http:' ? parsed.host.toLowerCase() : undefined;
    } catch {
      originHost = undefined;
    }
    if (originHost === undefined || !hosts.has(originHost))
      return 'the control API refuses requests from web pages of other origins';
  }
  return undefined;
}

/**
 * Answers one request under {@link CONTROL_PATH}. `hosts` are the `host:port` names the sandbox
 * answers to ({@link loopbackHosts}); a request addressed elsewhere, or from another origin, is refused.
 */
export async function control(
  emulator: TerraEmulator,
  request: Request,
  hosts: ReadonlySet<string>,
): Promise<Response> {
  const path = new URL(request.url).pathname.slice(CONTROL_PATH.length).replace(/\/+$/, '');
  const route = `${request.method} ${path}`;
  const refused = crossSite(request, hosts);
  if (refused !== undefined) return problem(403, 'forbidden', refused);
  if (route === 'GET /connections') return answer(200, { connections: emulator.users() });
  const action = /^POST \/connections(?:\/(reauth|deauth|revoke|error|permissions))?$/.exec(route);
  if (!action) {
    return problem(
      404,
      'not found',
      `no such control: ${route}. Known: GET /_sandbox/connections, POST /_sandbox/connections[/reauth|/deauth|/revoke|/error|/permissions]`,
    );
  }
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json')
    return problem(
      415,
      'unsupported media type',
      'a control request must send its JSON body with content-type: application/json',
    );
  let body: unknown;
  try {
    const text = await request.text();
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return problem(
      400,
      'bad request',
      'the body must be a JSON object, such as {"provider":"GARMIN","reference_id":"person-1"}',
    );
  }
  const given = body as Record<string, unknown>;
  const which: ConnectionSelector = {
    userId: field(given, 'user_id'),
    provider: field(given, 'provider'),
    referenceId: field(given, 'reference_id'),
  };
  try {
    if (action[1] === 'error') {
      return answer(200, { user: emulator.failConnection(which, given.message as string | undefined) });
    }
    if (action[1] === 'permissions') {
      const change = { added: given.scopes_added, removed: given.scopes_removed } as {
        added?: string[];
        removed?: string[];
      };
      return answer(200, { user: emulator.changePermissions(which, change) });
    }
    if (action[1] === 'deauth' || action[1] === 'revoke')
      return answer(200, { user: emulator.disconnect(which, action[1] === 'revoke' ? 'revoke' : 'deauth') });
    // A connection to a provider the person already has (same reference id) replaces it: say which.
    const before = emulator.users();
    const user =
      action[1] === 'reauth'
        ? emulator.reauthenticate(which)
        : emulator.connect({ provider: which.provider ?? '', referenceId: which.referenceId ?? null });
    const left = new Set(emulator.users().map((u) => u.user_id));
    const replaced = before.find((u) => !left.has(u.user_id))?.user_id ?? null;
    return answer(action[1] === 'reauth' ? 200 : 201, { user, replaced });
  } catch (error) {
    if (!(error instanceof TerraInvalidArgumentError)) throw error;
    const missing = /no active connection/.test(error.message);
    return problem(missing ? 404 : 400, missing ? 'not found' : 'bad request', inCommandWords(error.message));
  }
}
