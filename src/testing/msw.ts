/**
 * msw handlers that answer like Terra, for unit tests of code that calls Terra. Entry point
 * `terra-sdk/testing/msw`; it imports `msw`, an optional peer dependency, which is why it is not part
 * of `terra-sdk/testing`.
 *
 * @module terra-sdk/testing/msw
 */
import { type HttpHandler, http } from 'msw';
import { TerraEmulator, type TerraEmulatorOptions } from './emulator/index.js';

/**
 * msw handlers that answer like Terra, for unit tests: the API under the emulator's `baseUrl`
 * (Terra's own URL by default, so a client without `baseUrl` is intercepted) and the widget and link
 * pages. Pass a {@link TerraEmulator} to seed users and read the webhooks it would send, or options
 * to make one.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { TerraEmulator } from 'terra-sdk/testing';
 * import { terraHandlers } from 'terra-sdk/testing/msw';
 *
 * const terra = new TerraEmulator();
 * const server = setupServer(...terraHandlers(terra));
 * const user = terra.connect({ provider: 'GARMIN', referenceId: 'user-123' });
 * ```
 */
export function terraHandlers(emulator: TerraEmulator | TerraEmulatorOptions = {}): HttpHandler[] {
  const terra = emulator instanceof TerraEmulator ? emulator : new TerraEmulator(emulator);
  const origin = new URL(terra.baseUrl).origin;
  const handle = ({ request }: { request: Request }) => terra.handle(request);
  return [
    http.all(`${terra.baseUrl}/*`, handle),
    http.all(`${origin}/widget/:id`, handle),
    http.all(`${origin}/connect/:id`, handle),
  ];
}
