/**
 * Reading a webhook request's headers, whatever the runtime hands over (a Web `Headers`, Node's
 * lowercased record, a framework's plain record): the signature header under either of Terra's
 * names, and the delivery headers (trace id, reference, ordering timestamp, Content-Length), each
 * looked up in any letter case.
 *
 * @packageDocumentation
 */

/** The names Terra sends the signature under, newest first. Looked up in any letter case. */
export const SIGNATURE_HEADER_NAMES = ['x-terra-signature', 'terra-signature'] as const;

/** Request headers: a Web `Headers`, or a plain record as Node and most frameworks give them. */
export type HeadersLike = Headers | { readonly [name: string]: string | readonly string[] | null | undefined };

/** The signature header's value, or the request's headers to find it in. */
export type SignatureHeaderInput = string | HeadersLike | null | undefined;

function readHeader(headers: object, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') {
    const value = (headers as Headers).get(name);
    return value ?? undefined;
  }
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== name) continue;
    const value: unknown = (headers as Record<string, unknown>)[key];
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(',');
  }
  return undefined;
}

/**
 * Reads a header from a Web `Headers` or a plain record, in any letter case. A header sent twice in a
 * record (an array) is joined with commas.
 */
export function getHeader(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  return readHeader(headers, name.toLowerCase());
}

/**
 * Finds the signature header's value: `x-terra-signature` or `terra-signature`, in any letter case. A
 * string is taken as the value itself.
 */
export function findSignatureHeader(input: unknown): string | undefined {
  if (typeof input === 'string') return input;
  for (const name of SIGNATURE_HEADER_NAMES) {
    const value = getHeader(input, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

/** `X-Terra-Trace-Id`: the delivery's dedupe key, the same on every retry. */
export const traceIdOf = (headers: unknown): string | undefined => getHeader(headers, 'x-terra-trace-id');

/** `terra-reference`: the API request a delivery answers. */
export const referenceOf = (headers: unknown): string | undefined => getHeader(headers, 'terra-reference');

/**
 * `X-Terra-Ordering-Timestamp` in milliseconds since the epoch, when it is a whole number; `NaN`
 * when the header is there but is not one, so that a store refuses it rather than ordering the
 * delivery by its time of receipt as if Terra had sent none.
 */
export function orderingTimestampOf(headers: unknown): number | undefined {
  const value = getHeader(headers, 'x-terra-ordering-timestamp');
  if (value === undefined) return undefined;
  return /^\s*\d{1,16}\s*$/.test(value) ? Number(value) : Number.NaN;
}

/** The `Content-Length` of a request, when it has a valid one. */
export function contentLength(headers: HeadersLike | undefined): number | undefined {
  return parseContentLength(getHeader(headers, 'content-length'));
}

/** A `Content-Length` value as a number, when it is a valid one. */
export function parseContentLength(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  // Servers hand over the value trimmed: digits only is the usual case, checked without a regex.
  let digits = value.length >= 1 && value.length <= 15;
  for (let i = 0; digits && i < value.length; i++) {
    const code = value.charCodeAt(i);
    digits = code >= 48 && code <= 57;
  }
  if (digits) return Number(value);
  return /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : undefined;
}
