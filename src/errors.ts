/**
 * Errors thrown by terra-sdk. Every one is an instance of {@link TerraError}.
 *
 * No message ever contains an API key, a dev id, a webhook secret, a signature or a value from a
 * payload: payloads are health data, and messages end up in logs.
 *
 * @packageDocumentation
 */

/** Base class of every error terra-sdk throws. */
export class TerraError extends Error {
  /** Always `'TerraError'`, the class name, as in stack traces. */
  override name = 'TerraError';
}

/**
 * The SDK was set up wrongly: a missing credential, or an option of the wrong kind. Thrown by
 * constructors, before any request is made.
 */
export class TerraConfigurationError extends TerraError {
  /** Always `'TerraConfigurationError'`, the class name, as in stack traces. */
  override name = 'TerraConfigurationError';
  /** The option at fault (`apiKey`, `timeout`, ...). */
  readonly option: string;

  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
}

/**
 * A method was called with an argument it cannot use (a date in the wrong format, an empty user id).
 * Thrown before any request is made.
 */
export class TerraInvalidArgumentError extends TerraError {
  /** Always `'TerraInvalidArgumentError'`, the class name, as in stack traces. */
  override name = 'TerraInvalidArgumentError';
  /** The argument at fault (`startDate`, `user`, ...). */
  readonly argument: string;

  constructor(argument: string, message: string) {
    super(message);
    this.argument = argument;
  }
}

/** What a {@link TerraApiError} knows about the failed request and Terra's answer. */
export interface TerraApiErrorInit {
  /** HTTP status Terra answered with. */
  status: number;
  /** HTTP status text, if any (`Not Found`). */
  statusText?: string | undefined;
  /** Response headers. */
  headers: Headers;
  /** The request id Terra returned, if any. */
  requestId?: string | undefined;
  /** The error body, parsed when it was JSON, else the text. */
  body: unknown;
  /** HTTP method of the request. */
  method: string;
  /** Path of the request below the base URL, without the query string (`/activity`). */
  path: string;
  /** Terra's explanation, from `detail` (Problem), `message` (legacy) or `detail` (rate limit). */
  detail?: string | undefined;
}

/**
 * The most characters of Terra's explanation an error message quotes; the whole of it (as read, see
 * `MAX_ERROR_BODY_BYTES`) stays in `detail` and `body`.
 */
export const MAX_DETAIL_IN_MESSAGE = 1_000;

/** Terra's explanation as the message quotes it: cut at {@link MAX_DETAIL_IN_MESSAGE}, saying so. */
function cutDetail(detail: string): string {
  if (detail.length <= MAX_DETAIL_IN_MESSAGE) return detail;
  return `${detail.slice(0, MAX_DETAIL_IN_MESSAGE)}… (cut: ${detail.length - MAX_DETAIL_IN_MESSAGE} more characters in error.detail)`;
}

/** Terra answered with an HTTP error status. Subclasses name the common ones. */
export class TerraApiError extends TerraError {
  /** Always `'TerraApiError'`, the class name, as in stack traces. */
  override name = 'TerraApiError';
  /** HTTP status Terra answered with. */
  readonly status: number;
  /** Response headers. */
  readonly headers: Headers;
  /** The request id Terra returned, if any: quote it when you contact Terra. */
  readonly requestId: string | undefined;
  /**
   * The error body: a Problem (`{type, title, instance, detail}`), the legacy
   * `{status: "error", message}`, or the text of a non-JSON body (an HTML gateway page).
   */
  readonly body: unknown;
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the request below the base URL, without the query string. */
  readonly path: string;
  /** Terra's explanation of the error, when it gave one. */
  readonly detail: string | undefined;

  constructor(init: TerraApiErrorInit, hint?: string) {
    const statusText = init.statusText ? ` ${init.statusText}` : '';
    const detail = init.detail ? `: ${cutDetail(init.detail)}` : '';
    const request = init.requestId ? ` (request id ${init.requestId})` : '';
    super(
      `${init.method} ${init.path} failed with ${init.status}${statusText}${detail}${request}${hint ? `. ${hint}` : ''}`,
    );
    this.status = init.status;
    this.headers = init.headers;
    this.requestId = init.requestId;
    this.body = init.body;
    this.method = init.method;
    this.path = init.path;
    this.detail = init.detail;
  }
}

/** 400: Terra rejected the request's parameters (`detail` says which). */
export class TerraBadRequestError extends TerraApiError {
  /** Always `'TerraBadRequestError'`, the class name, as in stack traces. */
  override name = 'TerraBadRequestError';
}

/** 401 or 403: the API key or dev id is missing, wrong, or not allowed this operation. */
export class TerraAuthenticationError extends TerraApiError {
  /** Always `'TerraAuthenticationError'`, the class name, as in stack traces. */
  override name = 'TerraAuthenticationError';
}

/**
 * 403: the credentials are valid but not allowed this operation. For workouts and lab reports it
 * usually means the product (the Planned Workouts add-on, lab reports) is not enabled for your
 * account; the message says which.
 */
export class TerraForbiddenError extends TerraAuthenticationError {
  /** Always `'TerraForbiddenError'`, the class name, as in stack traces. */
  override name = 'TerraForbiddenError';
}

/**
 * 413: too large. For an upload, the file is over Terra's limit (20 MB for lab reports); for a
 * data request, the answer would be: ask for a shorter range, or use `toWebhook`.
 */
export class TerraPayloadTooLargeError extends TerraApiError {
  /** Always `'TerraPayloadTooLargeError'`, the class name, as in stack traces. */
  override name = 'TerraPayloadTooLargeError';
}

/** 404: no such user (or resource) for this dev id. */
export class TerraNotFoundError extends TerraApiError {
  /** Always `'TerraNotFoundError'`, the class name, as in stack traces. */
  override name = 'TerraNotFoundError';
}

/**
 * 424: the provider refused: a permission issue on the wearable's side, a workout it would not take,
 * or a deletion it could not make yet (retry later).
 */
export class TerraProviderError extends TerraApiError {
  /** Always `'TerraProviderError'`, the class name, as in stack traces. */
  override name = 'TerraProviderError';
}

/** 5xx: Terra or its gateway failed. Retried automatically for GET and DELETE. */
export class TerraServerError extends TerraApiError {
  /** Always `'TerraServerError'`, the class name, as in stack traces. */
  override name = 'TerraServerError';
}

/** What a {@link TerraRateLimitError} carries beyond the common fields. */
export interface TerraRateLimitInit extends TerraApiErrorInit {
  /** How long Terra asks to wait before retrying (from `Retry-After`), in milliseconds. */
  retryAfterMs?: number | undefined;
  /** The rule that was hit (`X-Terra-RateLimit-Rule`): `r1` (span) or `r2` (hourly volume). */
  rule?: string | undefined;
  /** `X-Terra-RateLimit-Limit`: days allowed per window. */
  limit?: number | undefined;
  /** `X-Terra-RateLimit-Remaining`: days left in the window. */
  remaining?: number | undefined;
  /** `X-Terra-RateLimit-Reset-After`, in milliseconds. */
  resetAfterMs?: number | undefined;
}

/**
 * 429: a rate limit was hit. Rule `r1` means one request spans more than 1,825 days: split it, since
 * retrying cannot help. Rule `r2` means more than 6,000 days were requested in an hour for one user:
 * wait `retryAfterMs`.
 */
export class TerraRateLimitError extends TerraApiError {
  /** Always `'TerraRateLimitError'`, the class name, as in stack traces. */
  override name = 'TerraRateLimitError';
  /** How long Terra asks to wait before retrying, in milliseconds (`Retry-After`), if it said. */
  readonly retryAfterMs: number | undefined;
  /** The rule that was hit: `r1` or `r2`, if Terra said. */
  readonly rule: string | undefined;
  /** Days allowed per window, if Terra said. */
  readonly limit: number | undefined;
  /** Days left in the window, if Terra said. */
  readonly remaining: number | undefined;
  /** Milliseconds until the window resets, if Terra said. */
  readonly resetAfterMs: number | undefined;

  constructor(init: TerraRateLimitInit) {
    const hint =
      init.rule === 'r1'
        ? 'Rule r1: one request may span at most 1,825 days; split the date range (retrying cannot help)'
        : init.retryAfterMs !== undefined
          ? `Retry after ${Math.ceil(init.retryAfterMs / 1000)} s`
          : undefined;
    super(init, hint);
    this.retryAfterMs = init.retryAfterMs;
    this.rule = init.rule;
    this.limit = init.limit;
    this.remaining = init.remaining;
    this.resetAfterMs = init.resetAfterMs;
  }
}

/** Why a redirect was not followed. */
export type TerraRedirectReason =
  /** It pointed to another origin (scheme, host or port): your credentials are never sent there. */
  | 'cross_origin'
  /** More redirects in a row than the client follows ({@link MAX_REDIRECTS}). */
  | 'too_many'
  /** A 307 or 308 asked to send the body again, and the body was a stream that cannot be replayed. */
  | 'body_not_replayable'
  /** The runtime hides redirects (a browser's opaque redirect), so where it pointed is unknown. */
  | 'hidden';

/** What a {@link TerraRedirectError} knows beyond the common fields. */
export interface TerraRedirectInit extends TerraApiErrorInit {
  /** Why the redirect was not followed. */
  reason: TerraRedirectReason;
  /** The host the redirect pointed to (`host:port` when a port is given), when known. */
  targetHost: string | undefined;
  /** For `too_many`: how many redirects in a row the client follows, for the message. */
  maxRedirects?: number | undefined;
}

/**
 * Terra (or something between you and Terra) answered with a redirect the client would not follow.
 * The client follows redirects only on the API's own origin (at most {@link MAX_REDIRECTS}); one
 * to another origin is this error, and nothing, neither your API key nor your dev id nor the body,
 * is sent to that host. Check `baseUrl`: it should be Terra's API address.
 */
export class TerraRedirectError extends TerraApiError {
  /** Always `'TerraRedirectError'`, the class name, as in stack traces. */
  override name = 'TerraRedirectError';
  /** Why the redirect was not followed. */
  readonly reason: TerraRedirectReason;
  /** The host the redirect pointed to, when known (`evil.example`, `api.example:8443`). */
  readonly targetHost: string | undefined;

  constructor(init: TerraRedirectInit) {
    const to = init.targetHost ? ` (${init.targetHost})` : '';
    const limit = init.maxRedirects === undefined ? 'the allowed number of' : String(init.maxRedirects);
    super(init, REDIRECT_HINT[init.reason].replace('$to', to).replace('$limit', limit));
    this.reason = init.reason;
    this.targetHost = init.targetHost;
  }
}

const REDIRECT_HINT: Record<TerraRedirectReason, string> = {
  cross_origin:
    'The answer redirects to another origin$to. The client follows redirects only on the API’s own origin, so nothing was sent there; check baseUrl',
  too_many: 'The answer redirects more than $limit times in a row$to; check baseUrl',
  body_not_replayable:
    'The answer asks for the body to be sent again$to, and it was a stream that cannot be replayed; send it as bytes or a Blob',
  hidden:
    'The answer is a redirect whose target this runtime hides, so it was not followed; check baseUrl (it should be Terra’s API address)',
};

/** The request never got an HTTP answer: DNS, refused or reset connection, TLS. */
export class TerraConnectionError extends TerraError {
  /** Always `'TerraConnectionError'`, the class name, as in stack traces. */
  override name = 'TerraConnectionError';
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the request below the base URL. */
  readonly path: string;

  constructor(method: string, path: string, message: string, options?: { cause?: unknown }) {
    super(`${method} ${path}: ${message}`, options);
    this.method = method;
    this.path = path;
  }
}

/** An attempt took longer than the time limit (`timeout`, per attempt). */
export class TerraTimeoutError extends TerraConnectionError {
  /** Always `'TerraTimeoutError'`, the class name, as in stack traces. */
  override name = 'TerraTimeoutError';
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(method: string, path: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(method, path, `no answer within ${timeoutMs} ms (raise the \`timeout\` option if this is expected)`, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A wait for something to finish on Terra's side (a lab report's processing, with
 * `labReports.waitForResult`) ran out of time. Nothing failed: the work may still finish; wait again,
 * or with a longer `timeout`.
 */
export class TerraWaitTimeoutError extends TerraError {
  /** Always `'TerraWaitTimeoutError'`, the class name, as in stack traces. */
  override name = 'TerraWaitTimeoutError';
  /** The limit that was reached, in milliseconds. */
  readonly timeoutMs: number;
  /** The last status seen (`processing`, `standardizing`, ...). */
  readonly lastStatus: string;

  constructor(what: string, lastStatus: string, timeoutMs: number) {
    super(
      `${what} was still ${lastStatus} after ${timeoutMs} ms: wait again, or pass a longer \`timeout\` to wait longer`,
    );
    this.timeoutMs = timeoutMs;
    this.lastStatus = lastStatus;
  }
}

/** The caller aborted the request through its `AbortSignal`. */
export class TerraAbortError extends TerraError {
  /** Always `'TerraAbortError'`, the class name, as in stack traces. */
  override name = 'TerraAbortError';
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the request below the base URL. */
  readonly path: string;

  constructor(method: string, path: string, options?: { cause?: unknown }) {
    super(`${method} ${path}: aborted by the caller's signal`, options);
    this.method = method;
    this.path = path;
  }
}

/** One reason a value does not match a model schema. */
export interface TerraValidationIssue {
  /** Where the problem is, as a JSON path from the root of the value: `$.data[0].metadata.type`. */
  readonly path: string;
  /** The same location as a list of keys and indexes. */
  readonly pathSegments: readonly (string | number)[];
  /** What kind of problem it is (zod's issue code): `invalid_type`, `too_small`, `invalid_union`, ... */
  readonly code: string;
  /** What was expected, in words. Never contains the value that was received. */
  readonly message: string;
}

/** How many issues a {@link TerraValidationError} message spells out; the rest are counted. */
const ISSUES_IN_MESSAGE = 5;

/**
 * A response, an event or a value handed to `parseModel` does not match its schema (or a response
 * that should be JSON is not). The error lists where and what was expected, never the offending values.
 */
export class TerraValidationError extends TerraError {
  /** Always `'TerraValidationError'`, the class name, as in stack traces. */
  override name = 'TerraValidationError';
  /** Every problem found. */
  readonly issues: readonly TerraValidationIssue[];
  /** The model the value was checked against, when known (`Activity`, `AuthSuccessEvent`, ...). */
  readonly model: string | undefined;

  constructor(options: { subject: string; model?: string | undefined; issues: readonly TerraValidationIssue[] }) {
    const { subject, model, issues } = options;
    const shown = issues
      .slice(0, ISSUES_IN_MESSAGE)
      .map((issue) => `at ${issue.path}: ${issue.message}`)
      .join('; ');
    const more = issues.length > ISSUES_IN_MESSAGE ? `; and ${issues.length - ISSUES_IN_MESSAGE} more` : '';
    const against = model ? `the ${model} schema` : 'its schema';
    const count = issues.length === 1 ? '1 issue' : `${issues.length} issues`;
    super(`${subject} does not match ${against} (${count}): ${shown}${more}`);
    this.issues = issues;
    this.model = model;
  }
}

/**
 * A call that may have changed something at Terra (a create, plan, upload, modify, write, delete or
 * deauthenticate) was sent and answered with a success, but the answer could not be read at all (it
 * is not JSON). The change may have been made: look before you retry. `status` and `requestId`
 * identify the answer for Terra's support. An answer that is JSON but differs from its schema is never
 * an error for such a call: it is returned with `response.drift`.
 */
export class TerraUnreadableResponseError extends TerraValidationError {
  /** Always `'TerraUnreadableResponseError'`, the class name, as in stack traces. */
  override name = 'TerraUnreadableResponseError';
  /** The HTTP method sent. */
  readonly method: string;
  /** The path sent, below the base URL. */
  readonly path: string;
  /** The HTTP status Terra answered with (a success: the request was received). */
  readonly status: number;
  /** The request id Terra's gateway returned, if any. */
  readonly requestId: string | undefined;

  constructor(init: { method: string; path: string; status: number; requestId: string | undefined }) {
    const { method, path, status, requestId } = init;
    super({
      subject: `The ${method} ${path} response`,
      issues: [{ path: '$', pathSegments: [], code: 'invalid_json', message: 'expected a JSON body' }],
    });
    this.message =
      `${method} ${path} was sent and Terra answered ${status}${requestId ? ` (request id ${requestId})` : ''}, ` +
      'but the answer is not JSON and cannot be read: the change may have been made at Terra, so check before retrying';
    this.method = method;
    this.path = path;
    this.status = status;
    this.requestId = requestId;
  }
}

/** Why a webhook delivery failed verification. */
export type TerraWebhookVerificationErrorCode =
  /** No signing secret was configured. */
  | 'missing_secret'
  /** The request has no `terra-signature` (or `x-terra-signature`) header. */
  | 'missing_header'
  /** The header is not `t=<unix seconds>,v1=<hex>`. */
  | 'malformed_header'
  /** The signed timestamp is further from now than the tolerance allows. */
  | 'timestamp_outside_tolerance'
  /** No `v1` signature matches the body with any configured secret. */
  | 'no_matching_signature'
  /** The body given is not the raw request body (a parsed object, or re-serialized JSON). */
  | 'body_not_raw';

/**
 * A webhook delivery could not be verified as coming from Terra. Answer it with 401. The message says
 * what went wrong and how to fix it; it never contains the secret, the signature or the body.
 */
export class TerraWebhookVerificationError extends TerraError {
  /** Always `'TerraWebhookVerificationError'`, the class name, as in stack traces. */
  override name = 'TerraWebhookVerificationError';
  /** What went wrong, for programs: see {@link TerraWebhookVerificationErrorCode}. */
  readonly code: TerraWebhookVerificationErrorCode;

  constructor(code: TerraWebhookVerificationErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Why a webhook request was refused before it could be verified. */
export type TerraWebhookRequestErrorCode =
  /** The body is larger than `maxBodyBytes` (by its `Content-Length`, or once that much arrived): 413. */
  | 'body_too_large'
  /** The body did not arrive within `bodyDeadlineMs`: 408. */
  | 'body_timeout'
  /** The client broke off the upload: 400 (usually nobody is left to read it). */
  | 'body_incomplete'
  /** `maxLateListeners` listeners are still running after their deadline: 503 with `Retry-After`. */
  | 'overloaded';

/**
 * A webhook request was refused before verification, to keep the receiver's memory and time
 * bounded: a body too large or too slow, an upload broken off, or too many listeners still running.
 * Handed to `onError` with phase `receive`; `status` is the answer the request got.
 */
export class TerraWebhookRequestError extends TerraError {
  /** Always `'TerraWebhookRequestError'`, the class name, as in stack traces. */
  override name = 'TerraWebhookRequestError';
  /** What went wrong, for programs: see {@link TerraWebhookRequestErrorCode}. */
  readonly code: TerraWebhookRequestErrorCode;
  /** The HTTP status the request was answered with (413, 408, 400 or 503). */
  readonly status: number;

  constructor(code: TerraWebhookRequestErrorCode, status: number, message: string) {
    super(message);
    this.code = code;
    this.status = status;
  }
}
