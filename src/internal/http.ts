/**
 * The client's one HTTP path: a single ky instance, created on the first request, sending each
 * attempt; the retries (`retry.ts`) and the redirects (`redirects.ts`) are decided here, not by ky or
 * fetch.
 *
 * ky is imported on first use rather than at module load: evaluating it touches `globalThis.Request`,
 * which makes Node start its fetch machinery (about 20 ms), and importing the SDK should not pay that.
 *
 * Time: each attempt (its redirects on the same origin, the answer and reading its body) has
 * `timeout` milliseconds; GET and DELETE make at most `maxRetries + 1` attempts, with a wait between
 * two of at most 60 s (`Retry-After`) or 8 s (backoff). So a call never takes longer than
 * `timeout × (maxRetries + 1) + maxRetries × 60 s`, and a POST, PUT, PATCH or multipart upload (never
 * retried) never longer than `timeout`.
 *
 * No error built here keeps a request, a ky error or the request headers as its `cause`: they hold
 * the API key, and `util.inspect(error)` prints causes.
 *
 * @internal
 */
import type { KyInstance, Options as KyOptions } from 'ky';
import { TerraAbortError, TerraConnectionError, TerraError, TerraTimeoutError } from '../errors.js';
import { stopAfter } from './attempt.js';
import { errorFromAnswer, MAX_ERROR_BODY_BYTES, requestIdOf } from './error-body.js';
import { systemCause } from './network-error.js';
import { followRedirect, isRedirect } from './redirects.js';
import { isRetriedStatus, RETRIED_METHODS, retryDelayMs } from './retry.js';
import { USER_AGENT } from './version.js';
import { sleep } from './wait.js';

export { MAX_RETRY_AFTER_MS } from './retry.js';

/** Options every method takes as its last argument. */
export interface RequestOptions {
  /** Aborts the request (and any wait between retries); the call rejects with `TerraAbortError`. */
  signal?: AbortSignal | undefined;
  /**
   * Time limit of each attempt, in milliseconds, instead of the client's: the answer and its body
   * must arrive within it.
   */
  timeoutMs?: number | undefined;
  /**
   * The former name of {@link RequestOptions.timeoutMs}, still accepted; giving both with different
   * values is a `TerraInvalidArgumentError`.
   * @deprecated Use `timeoutMs`; `timeout` is removed in 0.3.
   */
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

/** One attempt's answer, body read (an error's at most `MAX_ERROR_BODY_BYTES`). */
interface Answer {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
  truncated?: boolean;
}

/**
 * The beginning of an error answer's body, at most {@link MAX_ERROR_BODY_BYTES}; the rest is not read
 * (the stream is cancelled), so a huge error body costs neither memory nor a huge message.
 */
async function readErrorBody(response: Response): Promise<{ text: string; truncated: boolean }> {
  const stream = response.body;
  if (stream === null) return { text: '', truncated: false };
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let left = MAX_ERROR_BODY_BYTES;
  try {
    // Ends: each turn takes bytes from a finite allowance, or the stream ends.
    while (left > 0) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode(), truncated: false };
      const kept = value.byteLength > left ? value.subarray(0, left) : value;
      left -= kept.byteLength;
      text += decoder.decode(kept, { stream: true });
    }
    return { text: text + decoder.decode(), truncated: true };
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

/** One attempt's failure, and whether another attempt may help. */
interface Failure {
  error: TerraError;
  retried: boolean;
}

/** Thrown inside an attempt when its time is up or the caller aborted. */
const STOPPED = Symbol('stopped');

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
        headers: { accept: 'application/json', 'dev-id': this.#config.devId, 'user-agent': USER_AGENT },
        // Each call is one attempt with no redirect followed: both are decided in this module.
        retry: 0,
        timeout: false,
        throwHttpErrors: false,
        redirect: 'manual',
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
    const timeout = options.timeoutMs ?? options.timeout ?? this.#config.timeout;
    const retries = RETRIED_METHODS.has(method) ? (options.maxRetries ?? this.#config.maxRetries) : 0;
    const url = new URL(`${this.#config.baseUrl}${path}`);
    const searchParams = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query ?? {})) if (value !== undefined) searchParams.set(key, value);
    url.search = searchParams.toString();

    for (let retry = 1; ; retry++) {
      const outcome = await this.#attempt(req, url, timeout, signal);
      const last = retry > retries;
      if ('error' in outcome) {
        if (last || !outcome.retried) throw outcome.error;
        await sleep(retryDelayMs(retry, undefined), signal, () => new TerraAbortError(method, path));
        continue;
      }
      if (outcome.status >= 200 && outcome.status <= 299) {
        return {
          status: outcome.status,
          headers: outcome.headers,
          requestId: requestIdOf(outcome.headers),
          rawBody: outcome.text,
        };
      }
      if (last || !isRetriedStatus(outcome.status, outcome.headers))
        throw errorFromAnswer(outcome, method, path, req.errorHints?.[outcome.status]);
      await sleep(retryDelayMs(retry, outcome), signal, () => new TerraAbortError(method, path));
    }
  }

  /**
   * One attempt: the request, the redirects it may follow on the API's origin, and the answer's body,
   * all within `timeout`.
   */
  async #attempt(
    req: HttpRequest,
    url: URL,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<Answer | Failure> {
    const { method, path } = req;
    const stop = stopAfter(timeout, signal);
    // Rejects once the attempt is stopped, so a fetch or a body that ignores the signal still ends.
    const stopped = new Promise<never>((_, reject) => {
      stop.signal.addEventListener('abort', () => reject(STOPPED), { once: true });
    });
    stopped.catch(() => undefined);
    let response: Response | undefined;
    try {
      const ky = await this.#instance();
      let hop = { url, method: method as string, withBody: true };
      for (let followed = 0; ; followed++) {
        const options: KyOptions = {
          method: hop.method,
          headers: req.apiKey === false ? {} : { 'x-api-key': this.#config.apiKey },
          signal: stop.signal,
          ...(!hop.withBody
            ? {}
            : req.form !== undefined
              ? { body: req.form }
              : req.body !== undefined
                ? { json: req.body }
                : {}),
        };
        response = await Promise.race([ky(hop.url, options), stopped]);
        if (!isRedirect(response)) break;
        const next = followRedirect(response, {
          url: hop.url,
          method: hop.method,
          path,
          followed,
          // A JSON body is text and a FormData is serialized anew by each fetch: both can go again.
          replayableBody: true,
        });
        void response.body?.cancel().catch(() => undefined);
        hop = { url: next.url, method: next.method, withBody: hop.withBody && next.keepBody };
      }
      const { status, statusText, headers } = response;
      if (status >= 200 && status <= 299) {
        const text = await Promise.race([response.text(), stopped]);
        return { status, statusText, headers, text };
      }
      const read = await Promise.race([readErrorBody(response), stopped]);
      return { status, statusText, headers, ...read };
    } catch (error) {
      void response?.body?.cancel().catch(() => undefined);
      if (signal?.aborted) return { error: new TerraAbortError(method, path), retried: false };
      if (stop.timedOut()) return { error: new TerraTimeoutError(method, path, timeout), retried: true };
      if (error instanceof TerraError) return { error, retried: false };
      const cause = systemCause(error);
      const code = (cause as { code?: string } | undefined)?.code;
      const reason =
        response === undefined
          ? code
            ? `could not reach Terra (${code})`
            : 'could not reach Terra'
          : 'the connection failed while reading the response';
      return { error: new TerraConnectionError(method, path, reason, { cause }), retried: true };
    } finally {
      stop.end();
    }
  }
}
