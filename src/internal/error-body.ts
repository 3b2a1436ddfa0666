/**
 * Turning Terra's error answers into typed errors. Terra answers errors in several shapes (facts
 * §2.8): a Problem (`{type, title, instance, detail}`), the legacy `{status: "error", message}` (also
 * sent with a 200 by older endpoints), the rate limiter's `{detail}`, and gateways' HTML pages.
 * @internal
 * @packageDocumentation
 */
import {
  TerraApiError,
  type TerraApiErrorInit,
  TerraAuthenticationError,
  TerraBadRequestError,
  TerraForbiddenError,
  TerraNotFoundError,
  TerraPayloadTooLargeError,
  TerraProviderError,
  TerraRateLimitError,
  TerraServerError,
} from '../errors.js';
import { numberHeader, rateLimitRule, retryAfterMs } from './rate-limit.js';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  424: 'Failed Dependency',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The request id Terra's gateway returns, if any. */
export function requestIdOf(headers: Headers): string | undefined {
  return headers.get('x-request-id') ?? headers.get('x-amzn-requestid') ?? undefined;
}

/** Terra's explanation in any of its error body shapes. */
function detailOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['detail', 'message', 'title']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/**
 * The most bytes of an error answer's body the client reads (64 KiB): Terra's explanations are a few
 * hundred bytes, and a gateway or a hostile server could send gigabytes. The rest is not read.
 */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** What an error answer was: its status and headers, and its body as text. */
export interface ErrorAnswer {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
  /** The body was longer than {@link MAX_ERROR_BODY_BYTES}: `text` is its beginning. */
  truncated?: boolean | undefined;
}

const CREDENTIALS_HINT =
  'Check the apiKey and devId options (TERRA_API_KEY, TERRA_DEV_ID): the key must belong to this dev id';

/**
 * The typed error for an HTTP error answer, from any of Terra's error body shapes. `hint` is what the
 * status means for this call (a 403 from the workout planner: the add-on is not enabled), said after
 * Terra's own explanation instead of the generic advice.
 */
export function errorFromAnswer(answer: ErrorAnswer, method: string, path: string, hint?: string): TerraApiError {
  const { status, headers, text } = answer;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // A gateway's HTML page or plain text: kept as text.
  }
  const init: TerraApiErrorInit = {
    status,
    statusText: answer.statusText || STATUS_TEXT[status],
    headers,
    requestId: requestIdOf(headers),
    body,
    method,
    path,
    detail:
      detailOf(body) ??
      (answer.truncated
        ? `the body was over ${MAX_ERROR_BODY_BYTES / 1024} KiB and not read further`
        : typeof body === 'string' && text !== ''
          ? 'the body was not JSON'
          : undefined),
  };
  switch (status) {
    case 400:
      return new TerraBadRequestError(init, hint);
    case 401:
      return new TerraAuthenticationError(init, hint ?? CREDENTIALS_HINT);
    case 403:
      return new TerraForbiddenError(init, hint ?? CREDENTIALS_HINT);
    case 404:
      return new TerraNotFoundError(init, hint);
    case 424:
      return new TerraProviderError(init, hint);
    case 429: {
      const resetAfter = numberHeader(headers, 'x-terra-ratelimit-reset-after');
      return new TerraRateLimitError({
        ...init,
        retryAfterMs: retryAfterMs(headers),
        rule: rateLimitRule(headers),
        limit: numberHeader(headers, 'x-terra-ratelimit-limit'),
        remaining: numberHeader(headers, 'x-terra-ratelimit-remaining'),
        resetAfterMs: resetAfter === undefined ? undefined : resetAfter * 1000,
      });
    }
    case 413:
      return new TerraPayloadTooLargeError(
        init,
        hint ?? 'The answer was too large: ask for a shorter date range, or use toWebhook',
      );
    default:
      return status >= 500 ? new TerraServerError(init, hint) : new TerraApiError(init, hint);
  }
}

/**
 * The error for a successful answer whose body is Terra's legacy `{"status": "error", "message": ...}`
 * (older endpoints answer some failures with a 200), or `undefined` for any other body. A user lookup
 * answered this way found no user.
 */
export function legacyErrorInBody(
  json: unknown,
  answer: { status: number; headers: Headers },
  method: string,
  path: string,
  notFound: boolean,
): TerraApiError | undefined {
  if (typeof json !== 'object' || json === null || (json as { status?: unknown }).status !== 'error') return undefined;
  const message = (json as { message?: unknown }).message;
  const init: TerraApiErrorInit = {
    status: answer.status,
    headers: answer.headers,
    requestId: requestIdOf(answer.headers),
    body: json,
    method,
    path,
    detail: typeof message === 'string' ? message : 'Terra reported an error',
  };
  return notFound ? new TerraNotFoundError(init) : new TerraApiError(init);
}
