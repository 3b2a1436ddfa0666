/**
 * Reading a webhook body within bounds: at most `maxBodyBytes`, within `bodyDeadlineMs`. The Web
 * stream reader is here; the Node adapters read Node streams with the same errors.
 *
 * @internal
 * @packageDocumentation
 */
import { TerraWebhookRequestError, type TerraWebhookRequestErrorCode } from '../errors.js';
import { startDeadline } from './deadline.js';

/** The status each refusal is answered with. */
export const REFUSAL_STATUS: Readonly<Record<TerraWebhookRequestErrorCode, number>> = {
  body_too_large: 413,
  body_timeout: 408,
  body_incomplete: 400,
  overloaded: 503,
};

/** The error for a body over `maxBytes`. */
export const tooLarge = (maxBytes: number): TerraWebhookRequestError =>
  new TerraWebhookRequestError(
    'body_too_large',
    413,
    `The request body is larger than maxBodyBytes (${maxBytes} bytes), so it was refused with 413 before more of it was read. If Terra's payloads for your account are this large, raise maxBodyBytes.`,
  );

/** The error for a body slower than `deadlineMs`. */
export const tooSlow = (deadlineMs: number): TerraWebhookRequestError =>
  new TerraWebhookRequestError(
    'body_timeout',
    408,
    `The request body did not arrive within bodyDeadlineMs (${deadlineMs} ms), so the request was answered 408 and its connection closed.`,
  );

/** The error for an upload the client broke off. */
export const brokenOff = (): TerraWebhookRequestError =>
  new TerraWebhookRequestError('body_incomplete', 400, 'The client broke off the upload before the body was complete.');

/**
 * The body bytes one handler holds across its deliveries, against its `maxBytesInFlight`. A reader
 * given one (for a body without a `Content-Length`) adds each chunk as it arrives and refuses the
 * body with {@link overBudget} once the total would pass `maxBytes` while other deliveries hold
 * bytes; on any failure it takes back what it added, on success the caller releases the body's
 * length. A counter, not a set: one addition per chunk.
 * @internal
 */
export interface ByteBudget {
  /** Bytes held now. */
  bytes: number;
  /** The handler's `maxBytesInFlight`. */
  readonly maxBytes: number;
}

/** Whether `added` more bytes (already counted in `budget.bytes`) pass the budget. */
export const passesBudget = (budget: ByteBudget, added: number): boolean =>
  budget.bytes > budget.maxBytes && budget.bytes > added;

/** The error for a body that would take the bytes in flight past `maxBytesInFlight`. */
export const overBudget = (maxBytes: number): TerraWebhookRequestError =>
  new TerraWebhookRequestError(
    'overloaded',
    503,
    `The bodies being received already hold close to maxBytesInFlight (${maxBytes} bytes), so the delivery was refused with 503 and Retry-After before more of it was read: Terra sends it again later.`,
  );

/** Joins chunks into one array (the chunk itself when there is one). */
export function concatChunks(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Reads a Web stream to its end, keeping at most `maxBytes`: past that, past `deadlineMs`, or past
 * the `budget` when one is given, the stream is cancelled and the read rejects with a
 * {@link TerraWebhookRequestError}.
 */
export async function readWebStream(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
  deadlineMs: number,
  budget?: ByteBudget,
): Promise<Uint8Array> {
  const reader = stream.getReader();
  let timedOut = false;
  const stopDeadline = startDeadline(deadlineMs, () => {
    timedOut = true;
    reader.cancel().catch(() => undefined);
  });
  const chunks: Uint8Array[] = [];
  let total = 0;
  let charged = 0;
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch {
        throw timedOut ? tooSlow(deadlineMs) : brokenOff();
      }
      if (timedOut) throw tooSlow(deadlineMs);
      if (result.done) break;
      total += result.value.byteLength;
      if (total > maxBytes) {
        reader.cancel().catch(() => undefined);
        throw tooLarge(maxBytes);
      }
      if (budget) {
        budget.bytes += result.value.byteLength;
        charged += result.value.byteLength;
        if (passesBudget(budget, charged)) {
          reader.cancel().catch(() => undefined);
          throw overBudget(budget.maxBytes);
        }
      }
      chunks.push(result.value);
    }
  } catch (error) {
    if (budget) budget.bytes -= charged;
    throw error;
  } finally {
    stopDeadline();
  }
  return concatChunks(chunks, total);
}
