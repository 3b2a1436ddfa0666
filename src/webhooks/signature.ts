/**
 * The signature check under its old path, for code outside `webhooks/` that imports it from here
 * (`client.ts`). The check lives in `signature/`: `verify.ts` (options and the one check),
 * `header.ts` (the header's form) and `engines.ts` (Web Crypto and node:crypto); header lookup is in
 * `headers.ts`.
 *
 * @internal
 * @packageDocumentation
 */
export { findSignatureHeader, getHeader, type HeadersLike, SIGNATURE_HEADER_NAMES } from './headers.js';
export * from './signature/verify.js';
