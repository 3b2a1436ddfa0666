/**
 * The client's redirect policy. Requests are sent with `redirect: 'manual'`, and each redirect is
 * decided here: fetch itself strips only `Authorization` when it follows one to another host, so
 * following on its own would hand `x-api-key` and `dev-id` to whatever host a redirect names.
 *
 * - Only redirects to the origin of the request (the API's scheme, host and port) are followed, at
 *   most {@link MAX_REDIRECTS} in a row; anything else is a `TerraRedirectError` naming the target
 *   host, and nothing is sent there.
 * - 303, and 301 or 302 on a POST, continue as a GET without a body, as fetch does.
 * - 307 and 308 keep the method and send the body again, which only a replayable body allows.
 *
 * @internal
 * @packageDocumentation
 */
import { TerraRedirectError, type TerraRedirectReason } from '../errors.js';
import { requestIdOf } from './error-body.js';

/** The most redirects followed in a row, all on the API's own origin. */
export const MAX_REDIRECTS = 5;

/** What to send next after a redirect. */
export interface RedirectHop {
  url: URL;
  method: string;
  /** Whether the body goes with it (307, 308) or is dropped (303, and 301/302 on a POST). */
  keepBody: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Whether an answer is a redirect to act on: a 3xx with a Location, or a browser's opaque redirect. */
export function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (REDIRECTS.has(response.status) && response.headers.has('location'));
}

/**
 * Where a redirect leads, given the request's current URL and method and how many redirects were
 * already followed.
 * @throws {@link TerraRedirectError} for a redirect that must not be followed.
 */
export function followRedirect(
  response: Response,
  request: { url: URL; method: string; path: string; followed: number; replayableBody: boolean },
): RedirectHop {
  const refuse = (reason: TerraRedirectReason, targetHost: string | undefined) =>
    new TerraRedirectError({
      reason,
      targetHost,
      maxRedirects: MAX_REDIRECTS,
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      requestId: requestIdOf(response.headers),
      body: undefined,
      method: request.method,
      path: request.path,
    });
  if (response.type === 'opaqueredirect') throw refuse('hidden', undefined);
  let target: URL;
  try {
    target = new URL(response.headers.get('location') as string, request.url);
  } catch {
    // A Location that is not a URL leads nowhere that could be checked.
    throw refuse('cross_origin', undefined);
  }
  if (target.origin !== request.url.origin) throw refuse('cross_origin', target.host || target.protocol);
  if (request.followed >= MAX_REDIRECTS) throw refuse('too_many', target.host);
  const { status } = response;
  if (status === 303 || ((status === 301 || status === 302) && request.method === 'POST')) {
    return { url: target, method: request.method === 'HEAD' ? 'HEAD' : 'GET', keepBody: false };
  }
  if ((status === 307 || status === 308) && !request.replayableBody) throw refuse('body_not_replayable', target.host);
  return { url: target, method: request.method, keepBody: true };
}
