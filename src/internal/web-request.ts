/**
 * Telling a Web `Request` from a raw body by its shape. Not `instanceof Request`: that fails across
 * realms and for framework-made requests, and on Node merely reading the global `Request` loads the
 * whole fetch implementation (tens of milliseconds, and it needs `Buffer`).
 * @internal
 * @packageDocumentation
 */

/** Whether `value` is a Web `Request` (or looks and reads like one), rather than a body or headers. */
export function isWebRequest(value: unknown): value is Request {
  return (
    typeof value === 'object' &&
    value !== null &&
    !ArrayBuffer.isView(value) &&
    typeof (value as Request).arrayBuffer === 'function' &&
    typeof (value as Request).headers === 'object' &&
    (value as Request).headers !== null &&
    typeof (value as Request).method === 'string'
  );
}
