/**
 * Test an integration without Terra. Entry point `terra-sdk/testing`:
 *
 * - {@link fixtures}: deterministic, realistic records of every data type and events of every
 *   webhook type, valid against the SDK's schemas;
 * - {@link signWebhook}: a delivery signed as Terra signs it, ready to POST to your handler;
 * - {@link TerraEmulator}: Terra's API in memory, over Web `Request` and `Response`;
 * - {@link terraHandlers}: msw handlers serving that emulator, for unit tests of code that calls Terra.
 *
 * This entry imports `msw` (an optional peer dependency: install it next to terra-sdk in your dev
 * dependencies). For a local Terra over HTTP, see `terra-sdk/sandbox`.
 *
 * @packageDocumentation
 */
export { TerraConfigurationError, TerraInvalidArgumentError } from '../errors.js';
export { type SignedWebhook, type SignWebhookOptions, signWebhook } from '../webhooks/sign.js';
export { type EmulatorDelivery, type FlowResult, TerraEmulator, type TerraEmulatorOptions } from './emulator.js';
export {
  type ActivityFixtureOptions,
  type EventFixture,
  type EventFixtureOptions,
  type FixtureOptions,
  fixtures,
  type UserFixtureOptions,
} from './fixtures.js';
export { terraHandlers } from './msw.js';
