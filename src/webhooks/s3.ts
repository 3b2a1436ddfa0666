/**
 * Ping mode: with it on, Terra sends an `s3_payload` event holding a short-lived URL instead of the
 * data, and the event itself waits at that URL.
 *
 * @packageDocumentation
 */

import * as z from 'zod/mini';
import {
  TerraAbortError,
  TerraApiError,
  TerraConnectionError,
  TerraInvalidArgumentError,
  TerraTimeoutError,
  TerraValidationError,
  TerraWebhookRequestError,
} from '../errors.js';
import { stopAfter } from '../internal/attempt.js';
import { describeKind } from '../internal/describe.js';
import { parseJson } from '../internal/json.js';
import { systemCause } from '../internal/network-error.js';
import {
  abortSignal,
  callback,
  milliseconds,
  optionsOf,
  parseArguments,
  renamedOption,
  wholeNumber,
} from '../internal/options.js';
import type { S3PayloadEvent } from '../models/generated/S3PayloadEvent.js';
import { readWebStream } from './body.js';
import { parseEvent, type TerraWebhookEvent } from './events.js';
import { DEFAULT_MAX_BODY_BYTES } from './handler.js';
import { contentLength } from './headers.js';

/** Options of {@link fetchS3Payload}. */
export interface FetchS3PayloadOptions {
  /** The `fetch` to download with. Defaults to the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /** Aborts the download; the call rejects with `TerraAbortError`. */
  signal?: AbortSignal | undefined;
  /**
   * Time limit of the whole download (the answer and its body), in milliseconds. Default
   * {@link DEFAULT_S3_TIMEOUT_MS}; past it the call rejects with `TerraTimeoutError`.
   */
  timeoutMs?: number | undefined;
  /**
   * The former name of {@link FetchS3PayloadOptions.timeoutMs}.
   * @deprecated Use `timeoutMs`; `timeout` is removed in 0.3.
   */
  timeout?: number | undefined;
  /**
   * The largest download accepted, in bytes: a larger `Content-Length` is refused before reading,
   * and a body without one is cut off once it passes the limit (`TerraValidationError`, issue code
   * `too_large`). Default 50 MiB, as a webhook body.
   */
  maxBodyBytes?: number | undefined;
}

/** The default time limit of {@link fetchS3Payload}, in milliseconds. */
export const DEFAULT_S3_TIMEOUT_MS = 30_000;

/** Where errors say the request went: never the URL itself, which carries a credential. */
const PATH = 's3_payload url';

const optionsSchema = optionsOf<FetchS3PayloadOptions>()(() => ({
  fetch: z.optional(callback<typeof fetch>('fetch')),
  signal: z.optional(abortSignal('signal')),
  timeoutMs: z.optional(milliseconds('timeoutMs')),
  timeout: z.optional(milliseconds('timeout')),
  maxBodyBytes: z.optional(wholeNumber('maxBodyBytes', 1)),
}));

const tooLarge = (maxBytes: number) =>
  new TerraValidationError({
    subject: 'The s3_payload download',
    issues: [
      {
        path: '$',
        pathSegments: [],
        code: 'too_large',
        message: `is larger than maxBodyBytes (${maxBytes} bytes); raise maxBodyBytes if Terra's payloads for your account are this large`,
      },
    ],
  });

/**
 * Downloads the event an `s3_payload` event points to, and parses it as any other event, within a
 * time limit and a size limit.
 *
 * The URL expires a few minutes after Terra creates it (not after its first use), so call this as
 * soon as the event arrives, and store the data rather than the URL. No error this throws holds the
 * URL, in its message, its `cause` or its stack: the URL is a credential.
 *
 * @example
 * ```ts
 * handler.on('s3_payload', async (event, delivery) => {
 *   await handler.dispatch(await fetchS3Payload(event), delivery);
 * });
 * ```
 * @throws {@link TerraConnectionError} if the download fails on the network.
 * @throws {@link TerraTimeoutError} if it takes longer than `timeoutMs`.
 * @throws {@link TerraAbortError} if `signal` aborts it.
 * @throws {@link TerraApiError} if the storage answers with an error status (403 once the URL expired).
 * @throws {@link TerraValidationError} if the download is larger than `maxBodyBytes`, not JSON or not
 *   a valid event.
 * @throws {@link TerraInvalidArgumentError} for an event without a URL or an unusable option.
 */
export async function fetchS3Payload(
  event: S3PayloadEvent,
  options: FetchS3PayloadOptions = {},
): Promise<TerraWebhookEvent> {
  const url = (event as Partial<S3PayloadEvent> | null | undefined)?.url;
  if (typeof url !== 'string' || url === '') {
    throw new TerraInvalidArgumentError(
      'event',
      `Expected an s3_payload event with a url; its url is ${describeKind(url)}.`,
    );
  }
  const given = parseArguments(optionsSchema, options, 'fetchS3Payload options');
  const renamed = renamedOption<number>(given, 'timeoutMs', 'timeout');
  if (renamed.conflict !== undefined) throw new TerraInvalidArgumentError('timeoutMs', renamed.conflict);
  const timeout = renamed.value ?? DEFAULT_S3_TIMEOUT_MS;
  const maxBytes = given.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const { signal } = given;
  if (signal?.aborted) throw new TerraAbortError('GET', PATH);
  const started = Date.now();
  const stop = stopAfter(timeout, signal);
  const stopped = () =>
    signal?.aborted
      ? new TerraAbortError('GET', PATH)
      : stop.timedOut()
        ? new TerraTimeoutError('GET', PATH, timeout)
        : undefined;
  try {
    let response: Response;
    try {
      response = await (given.fetch ?? globalThis.fetch)(url, { method: 'GET', signal: stop.signal });
    } catch (error) {
      throw (
        stopped() ??
        new TerraConnectionError('GET', PATH, 'could not download the payload', { cause: systemCause(error) })
      );
    }
    if (!response.ok) {
      // The storage's error body can quote the signed URL's parameters: drop it.
      await response.body?.cancel().catch(() => undefined);
      throw new TerraApiError(
        {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
          body: undefined,
          method: 'GET',
          path: PATH,
        },
        response.status === 403
          ? 'The URL may have expired: Terra signs it for a few minutes, so download it as soon as the event arrives'
          : undefined,
      );
    }
    const declared = contentLength(response.headers);
    if (declared !== undefined && declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    let bytes: Uint8Array;
    try {
      bytes = response.body
        ? await readWebStream(response.body, maxBytes, Math.max(1, timeout - (Date.now() - started)))
        : new Uint8Array(0);
    } catch (error) {
      const code = error instanceof TerraWebhookRequestError ? error.code : undefined;
      if (code === 'body_too_large') throw tooLarge(maxBytes);
      if (code === 'body_timeout') throw new TerraTimeoutError('GET', PATH, timeout);
      throw stopped() ?? new TerraConnectionError('GET', PATH, 'the download broke off');
    }
    return parseEvent(parseJson(new TextDecoder().decode(bytes), 'The s3_payload download'));
  } finally {
    stop.end();
  }
}
