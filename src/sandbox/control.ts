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
 *
 * @internal
 * @packageDocumentation
 */
import { TerraInvalidArgumentError } from '../errors.js';
import type { ConnectionSelector, TerraEmulator } from '../testing/emulator.js';

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

/** Answers one request under {@link CONTROL_PATH}. */
export async function control(emulator: TerraEmulator, request: Request): Promise<Response> {
  const path = new URL(request.url).pathname.slice(CONTROL_PATH.length).replace(/\/+$/, '');
  const route = `${request.method} ${path}`;
  if (route === 'GET /connections') return answer(200, { connections: emulator.users() });
  const action = /^POST \/connections(?:\/(reauth|deauth|revoke))?$/.exec(route);
  if (!action) {
    return problem(
      404,
      'not found',
      `no such control: ${route}. Known: GET /_sandbox/connections, POST /_sandbox/connections[/reauth|/deauth|/revoke]`,
    );
  }
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
    return problem(missing ? 404 : 400, missing ? 'not found' : 'bad request', error.message);
  }
}
