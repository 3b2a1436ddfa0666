/**
 * Test an integration without Terra. Entry point `terra-sdk/testing`:
 *
 * - {@link fixtures}: deterministic, realistic records of every data type and events of every
 *   webhook type, valid against the SDK's schemas;
 * - {@link signWebhook}: a delivery signed as Terra signs it, ready to POST to your handler;
 * - {@link TerraEmulator}: Terra's API in memory, over Web `Request` and `Response`.
 *
 * This entry needs nothing but terra-sdk. msw handlers serving the emulator, for unit tests of code
 * that calls Terra, are in `terra-sdk/testing/msw` (msw is an optional peer dependency). For a local
 * Terra over HTTP, see `terra-sdk/sandbox`.
 *
 * @module terra-sdk/testing
 */
export { TerraConfigurationError, TerraInvalidArgumentError } from '../errors.js';
export { type SignedWebhook, type SignWebhookOptions, signWebhook } from '../webhooks/sign.js';
export {
  type ConnectionSelector,
  type EmulatorDelivery,
  type FlowResult,
  TerraEmulator,
  type TerraEmulatorOptions,
} from './emulator/index.js';
export {
  type ActivityFixtureOptions,
  type EventFixture,
  type EventFixtureOptions,
  type FixtureOptions,
  fixtures,
  type UserFixtureOptions,
} from './fixtures/index.js';
