import { Caller } from '../../src/internal/caller.js';
import { HttpClient } from '../../src/internal/http.js';
import { StreamingResource } from '../../src/resources/streaming.js';
import type { StreamingGateway } from '../../src/sandbox/streaming/index.js';

/** `terra.streaming` pointed at a local gateway, with the credentials the gateway expects by default. */
export function streamingFor(
  gateway: { url: string },
  credentials = { devId: 'dev', apiKey: 'key' },
): StreamingResource {
  const http = new HttpClient({ baseUrl: gateway.url, ...credentials, timeout: 5_000, maxRetries: 0 });
  return new StreamingResource({ caller: new Caller(http), streamingBaseUrl: gateway.url });
}

/** Fast reconnects, for tests. */
export const FAST = { minReconnectDelayMs: 5, maxReconnectDelayMs: 40 } as const;

export type { StreamingGateway };
