/**
 * Bytes without `Buffer`: the raw body in the forms runtimes hand it over, UTF-8 and lowercase hex.
 * Only Web APIs (`TextEncoder`, `TextDecoder`, typed arrays), so this runs on Node, Bun, Deno,
 * Workers and in browsers alike.
 *
 * @internal
 * @packageDocumentation
 */

/**
 * A request body exactly as it arrived: the text, or its bytes (`Uint8Array`, Node's `Buffer`, an
 * `ArrayBuffer` or any other typed array or `DataView` over the bytes). Never a parsed object.
 */
export type RawBody = string | ArrayBuffer | ArrayBufferView;

const encoder = /* @__PURE__ */ new TextEncoder();
const decoder = /* @__PURE__ */ new TextDecoder();

/** Encodes text as UTF-8. */
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** Decodes UTF-8 (a byte order mark is dropped, invalid sequences become U+FFFD). */
export const fromUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes);

const isArrayBuffer = (value: unknown): value is ArrayBuffer =>
  // `instanceof` fails for buffers made in another realm (a vm context, a worker's transfer).
  Object.prototype.toString.call(value) === '[object ArrayBuffer]';

/** The body as text or bytes, or `undefined` if it is not a raw body at all. */
export function rawBodyView(body: unknown): string | Uint8Array | undefined {
  if (typeof body === 'string') return body;
  // Bytes already (a Node Buffer is a Uint8Array too): no new view per call.
  if (body instanceof Uint8Array) return body;
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (isArrayBuffer(body)) return new Uint8Array(body);
  return undefined;
}

/** The body as text (decoded as UTF-8 when it is bytes). */
export function rawBodyText(body: string | Uint8Array): string {
  return typeof body === 'string' ? body : fromUtf8(body);
}

const HEX = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of the bytes. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] as number];
  return out;
}

/** The value of a lowercase hex digit's character code, or -1. */
function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

/**
 * The 32 bytes of a SHA-256 digest written as 64 lowercase hex characters, or `undefined` for any
 * other text (uppercase, base64, the wrong length): Terra signs in lowercase hex only.
 */
export function sha256FromHex(text: string): Uint8Array | undefined {
  if (text.length !== 64) return undefined;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    const high = nibble(text.charCodeAt(i * 2));
    const low = nibble(text.charCodeAt(i * 2 + 1));
    if (high < 0 || low < 0) return undefined;
    bytes[i] = high * 16 + low;
  }
  return bytes;
}
