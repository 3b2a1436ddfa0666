/**
 * A Terra API emulator: Terra's endpoints and semantics over Web `Request`/`Response`, with users and
 * connections in memory and deterministic data. `terraHandlers` (msw, `terra-sdk/testing/msw`) and the
 * `terra-sdk sandbox` server (a local Terra on 127.0.0.1) are both this emulator. One file per API
 * area (users, data reads, writes, auth and widget, workouts, lab reports), the providers it offers,
 * its options, and the class that routes requests and keeps connections.
 *
 * @packageDocumentation
 */
export { TerraEmulator } from './emulator.js';
export {
  type ConnectionSelector,
  type EmulatorDelivery,
  emulatorOptionsShape,
  type FlowResult,
  type TerraEmulatorOptions,
} from './options.js';
