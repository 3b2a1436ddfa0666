/**
 * The streaming gateway's addresses: its base URL (the token endpoints) and the socket URL derived
 * from it.
 *
 * @packageDocumentation
 */
import { TerraConfigurationError } from '../errors.js';
import { readEnv } from '../internal/env.js';

/** Terra's streaming gateway. */
export const DEFAULT_STREAMING_BASE_URL = 'https://ws.tryterra.co';

/**
 * The streaming base URL: the option given, else env `TERRA_STREAMING_BASE_URL`, else
 * {@link DEFAULT_STREAMING_BASE_URL}; without a trailing slash.
 * @throws {@link TerraConfigurationError} if it is not an `http:` or `https:` URL.
 */
export function resolveStreamingBaseUrl(given?: string | undefined): string {
  const fromEnv = given === undefined ? readEnv('TERRA_STREAMING_BASE_URL') : undefined;
  const option = given !== undefined ? 'streamingBaseUrl' : 'TERRA_STREAMING_BASE_URL';
  const value = given ?? fromEnv ?? DEFAULT_STREAMING_BASE_URL;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new TerraConfigurationError(option, `${option} must be a URL such as ${DEFAULT_STREAMING_BASE_URL}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new TerraConfigurationError(
      option,
      `${option} must be an http: or https: URL such as ${DEFAULT_STREAMING_BASE_URL} (the socket URL is derived from it)`,
    );
  if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '')
    throw new TerraConfigurationError(option, `${option} must have no query, fragment or credentials`);
  return value.replace(/\/+$/, '');
}

/** The socket URL of a streaming base URL: `https` becomes `wss`, `http` becomes `ws`, path `/connect`. */
export function streamingSocketUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/connect`;
  return url.toString();
}
