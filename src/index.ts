/**
 * terra-sdk: the typed TypeScript SDK for the Terra health-data API.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * from './models/index.js';
