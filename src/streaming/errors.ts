/**
 * Errors of the streaming client. Every one is a {@link TerraError}; like the rest of the SDK's
 * errors, none holds a token, a credential or a payload value.
 *
 * @packageDocumentation
 */
import { TerraError } from '../errors.js';

/** The stream ended on a close code the SDK does not retry (or retried as far as it would). */
export class TerraStreamError extends TerraError {
  /** Always `'TerraStreamError'`, the class name, as in stack traces. */
  override name = 'TerraStreamError';
  /** The WebSocket close code that ended the stream, when a close ended it. */
  readonly closeCode: number | undefined;

  constructor(message: string, closeCode?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.closeCode = closeCode;
  }
}

/**
 * The gateway closed with 1003, 4003 or 4004: a frame it could not accept (malformed, a second
 * IDENTIFY, an opcode not valid here). That is a bug in the client or the gateway, not a network
 * problem, so the SDK stops instead of reconnecting into the same failure. Please report it.
 */
export class TerraStreamProtocolError extends TerraStreamError {
  /** Always `'TerraStreamProtocolError'`, the class name, as in stack traces. */
  override name = 'TerraStreamProtocolError';
}

/**
 * The gateway closed with 4002 (too many consumer sessions for this developer) on every attempt
 * within the back-off: another consumer holds the slots. Close it, or raise the limit with Terra.
 */
export class TerraStreamConsumerLimitError extends TerraStreamError {
  /** Always `'TerraStreamConsumerLimitError'`, the class name, as in stack traces. */
  override name = 'TerraStreamConsumerLimitError';
}

/**
 * The gateway refused fresh tokens (4001) several times in a row: tokens expire before they are
 * used (a clock or a slow network between minting and IDENTIFY), or the credentials are for another
 * environment.
 */
export class TerraStreamTokenError extends TerraStreamError {
  /** Always `'TerraStreamTokenError'`, the class name, as in stack traces. */
  override name = 'TerraStreamTokenError';
}

/**
 * The runtime has no global `WebSocket` (Node 20) and the `ws` package is not installed, or the local
 * streaming gateway (which needs `ws` on every Node) was started without it. Install it:
 * `npm install ws`. It is an optional peer dependency, used by the client only where no global
 * `WebSocket` exists.
 */
export class TerraWebSocketUnavailableError extends TerraError {
  /** Always `'TerraWebSocketUnavailableError'`, the class name, as in stack traces. */
  override name = 'TerraWebSocketUnavailableError';
  /** The package to install: `ws`. */
  readonly packageName = 'ws';

  /** @param options.server - The local gateway (a WebSocket server) needed it, not the client. */
  constructor(options?: { cause?: unknown; server?: boolean }) {
    super(
      options?.server
        ? 'The local streaming gateway needs the "ws" package (a WebSocket server) and it is not installed: run `npm install --save-dev ws`'
        : 'This runtime has no global WebSocket and the "ws" package is not installed: run `npm install ws` (an optional peer dependency of terra-sdk, needed on Node 20)',
      { cause: options?.cause },
    );
  }
}
