/**
 * Ping mode: with it on, Terra sends an `s3_payload` event holding a short-lived URL instead of the
 * data, and the event itself waits at that URL.
 *
 * @packageDocumentation
 */
import { TerraApiError, TerraConnectionError, TerraInvalidArgumentError } from '../errors.js';
import { describeKind } from '../internal/describe.js';
import type { S3PayloadEvent } from '../models/generated/S3PayloadEvent.js';
import { invalidJsonError, parseEvent, type TerraWebhookEvent } from './events.js';

/** Options of {@link fetchS3Payload}. */
export interface FetchS3PayloadOptions {
  /** The `fetch` to download with. Defaults to the global `fetch`. */
  fetch?: typeof fetch | undefined;
  /** Aborts the download. */
  signal?: AbortSignal | undefined;
}

/** Where errors say the request went: never the URL itself, which carries a credential. */
const PATH = 's3_payload url';

/**
 * Downloads the event an `s3_payload` event points to, and parses it as any other event.
 *
 * The URL expires a few minutes after Terra creates it (not after its first use), so call this as
 * soon as the event arrives, and store the data rather than the URL.
 *
 * @example
 * ```ts
 * handler.on('s3_payload', async (event, delivery) => {
 *   await handler.dispatch(await fetchS3Payload(event), delivery);
 * });
 * ```
 * @throws {@link TerraConnectionError} if the download fails on the network.
 * @throws {@link TerraApiError} if the storage answers with an error status (403 once the URL expired).
 * @throws {@link TerraValidationError} if the download is not JSON or not a valid event.
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
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchImpl(url, { method: 'GET', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    throw new TerraConnectionError('GET', PATH, 'could not download the payload', { cause: error });
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
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new TerraConnectionError('GET', PATH, 'the download broke off', { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalidJsonError('The s3_payload download');
  }
  return parseEvent(json);
}
