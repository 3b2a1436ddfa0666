/**
 * The client's one HTTP path: a single ky instance, created on the first request.
 *
 * ky is imported on first use rather than at module load: evaluating it touches `globalThis.Request`,
 * which makes Node start its fetch machinery (about 20 ms), and importing the SDK should not pay that.
 *
 * Retry policy (DESIGN.md): GET and DELETE retry on 408, 429 with rule r2, 5xx, time-outs and network
 * errors, with jittered exponential backoff; `Retry-After` is honoured up to 60 s. POST, PUT, PATCH
 * and multipart uploads are never retried. The time limit applies to each attempt's wait for an answer, and again to reading the body.
 *
 * No error built here keeps a request, a ky error or the request headers as its `cause`: they hold
 * the API key, and `util.inspect(error)` prints causes.
 *
 * @internal
 */
import type { HTTPError, KyInstance, Options as KyOptions } from 'ky';
import { TerraAbortError, type TerraApiError, TerraConnectionError, TerraTimeoutError } from '../errors.js';
import { errorFromAnswer, requestIdOf } from './error-body.js';
import { rateLimitRule } from './rate-limit.js';
import { USER_AGENT } from './version.js';

/** Options every method takes as its last argument. */
export interface RequestOptions {
  /** Aborts the request (and any wait between retries); the call rejects with `TerraAbortError`. */
  signal?: AbortSignal | undefined;
  /** Time limit of each attempt, in milliseconds, instead of the client's. */
  timeout?: number | undefined;
  /** Retries for this call instead of the client's (GET and DELETE only). */
  maxRetries?: number | undefined;
  /**
   * Query parameters to add to the request, for parameters this version of the SDK does not know yet
   * (such as `retry_if_rate_limited`). Values are strings, numbers or booleans (sent as `true` or
   * `false`). A key the method already sets is refused: use the method's own option for it.
   */
  extraQuery?: Readonly<Record<string, string | number | boolean>> | undefined;
}

export interface HttpConfig {
  baseUrl: string;
  apiKey: string;
  devId: string;
  timeout: number;
  maxRetries: number;
  fetch?: typeof globalThis.fetch | undefined;
}

/** The HTTP methods the client sends. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Path below the base URL, starting with `/`. */
  path: string;
  /** Query parameters; `undefined` values are left out. */
  query?: Record<string, string | undefined>;
  /** A JSON body. */
  body?: unknown;
  /** A multipart body (sent instead of `body`); never retried. */
  form?: FormData;
  /** What an error status means for this call, added to the error's message (403: add-on not enabled). */
  errorHints?: Partial<Record<number, string>>;
  /** Whether to send `x-api-key` (the integrations endpoints need only `dev-id`). Default true. */
  apiKey?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** The request id Terra's gateway returned, if any. */
  requestId: string | undefined;
  rawBody: string;
}

/** Statuses retried for GET and DELETE (429 only for rule r2, decided in `shouldRetry`). */
const RETRY_STATUSES = [408, 429, ...Array.from({ length: 100 }, (_, i) => 500 + i)];
/** The longest `Retry-After` honoured; a longer one is cut to this. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** Backoff before retry n (from 1): 0.5 s, 1 s, 2 s, ... at most 8 s, with equal jitter. */
const backoffMs = (attempt: number) => 500 * 2 ** (attempt - 1);
const BACKOFF_LIMIT_MS = 8_000;

export class HttpClient {
  readonly #config: HttpConfig;
  #ky: Promise<KyInstance> | undefined;

  constructor(config: HttpConfig) {
    this.#config = config;
  }

  get baseUrl(): string {
    return this.#config.baseUrl;
  }

  #instance(): Promise<KyInstance> {
    this.#ky ??= import('ky').then(({ default: ky }) =>
      ky.create({
        prefixUrl: this.#config.baseUrl,
        headers: { accept: 'application/json', 'dev-id': this.#config.devId, 'user-agent': USER_AGENT },
        throwHttpErrors: true,
        // Only a caller's fetch is pinned; otherwise ky looks up globalThis.fetch on each request.
        ...(this.#config.fetch ? { fetch: this.#config.fetch } : {}),
      }),
    );
    return this.#ky;
  }

  async request(req: HttpRequest, options: RequestOptions = {}): Promise<HttpResponse> {
    const { method, path } = req;
    const signal = options.signal;
    if (signal?.aborted) throw new TerraAbortError(method, path);
    const timeout = options.timeout ?? this.#config.timeout;
    const limit = options.maxRetries ?? this.#config.maxRetries;
    const searchParams = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined) searchParams.set(key, value);
    const kyOptions: KyOptions = {
      method,
      searchParams,
      timeout,
      headers: req.apiKey === false ? {} : { 'x-api-key': this.#config.apiKey },
      retry: {
        limit,
        methods: ['get', 'delete'],
        statusCodes: RETRY_STATUSES,
        afterStatusCodes: [408, 429, 503],
        maxRetryAfter: MAX_RETRY_AFTER_MS,
        delay: backoffMs,
        backoffLimit: BACKOFF_LIMIT_MS,
        jitter: (delay) => delay / 2 + (Math.random() * delay) / 2,
        retryOnTimeout: true,
        shouldRetry: ({ error }) => {
          // Rule r1 (a span over 1,825 days) fails the same way every time; only r2 waits out.
          if (isHttpError(error) && error.response.status === 429) {
            return rateLimitRule(error.response.headers) === 'r2' ? undefined : false;
          }
          return undefined;
        },
      },
      ...(req.form !== undefined ? { body: req.form } : req.body !== undefined ? { json: req.body } : {}),
      ...(signal ? { signal } : {}),
    };
    let response: Response;
    try {
      const ky = await this.#instance();
      response = await ky(path.replace(/^\//, ''), kyOptions);
    } catch (error) {
      throw await toTerraError(error, method, path, timeout, signal, req.errorHints);
    }
    const rawBody = await readBody(response, method, path, timeout, signal);
    return { status: response.status, headers: response.headers, requestId: requestIdOf(response.headers), rawBody };
  }
}

function isHttpError(error: unknown): error is HTTPError {
  return error instanceof Error && error.name === 'HTTPError' && 'response' in error;
}

/** Reads a body as text within the time limit. */
async function readBody(
  response: Response,
  method: string,
  path: string,
  timeout: number,
  signal: AbortSignal | undefined,
): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TerraTimeoutError(method, path, timeout)), timeout);
    onAbort = () => reject(new TerraAbortError(method, path));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([response.text(), stop]);
  } catch (error) {
    void response.body?.cancel().catch(() => undefined);
    if (error instanceof TerraTimeoutError || error instanceof TerraAbortError) throw error;
    throw new TerraConnectionError(method, path, 'the connection failed while reading the response', {
      cause: systemCause(error),
    });
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

/** The low-level reason of a network failure (`ECONNREFUSED` and the like), without request data. */
function systemCause(error: unknown): unknown {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (cause instanceof Error) {
    const { code, syscall, errno } = cause as Error & { code?: string; syscall?: string; errno?: number };
    const safe = new Error(code ? `${code}${syscall ? ` (${syscall})` : ''}` : cause.message);
    Object.assign(safe, { code, syscall, errno });
    return safe;
  }
  return undefined;
}

async function toTerraError(
  error: unknown,
  method: string,
  path: string,
  timeout: number,
  signal: AbortSignal | undefined,
  hints?: Partial<Record<number, string>>,
): Promise<Error> {
  if (signal?.aborted) return new TerraAbortError(method, path);
  if (isHttpError(error)) return apiError(error.response, method, path, timeout, hints);
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError') return new TerraTimeoutError(method, path, timeout);
  if (name === 'AbortError') return new TerraAbortError(method, path);
  const cause = systemCause(error);
  const code = (cause as { code?: string } | undefined)?.code;
  const reason = code ? `could not reach Terra (${code})` : 'could not reach Terra';
  return new TerraConnectionError(method, path, reason, { cause });
}

/** Builds the typed error for an HTTP error response, reading its body within the time limit. */
async function apiError(
  response: Response,
  method: string,
  path: string,
  timeout: number,
  hints?: Partial<Record<number, string>>,
): Promise<TerraApiError> {
  let text = '';
  try {
    text = await readBody(response, method, path, timeout, undefined);
  } catch {
    // The status says enough; a body that cannot be read is left out.
  }
  return errorFromAnswer(
    { status: response.status, statusText: response.statusText, headers: response.headers, text },
    method,
    path,
    hints?.[response.status],
  );
}
