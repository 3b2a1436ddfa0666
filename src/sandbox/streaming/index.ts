/**
 * The sandbox's streaming gateway: a local `ws.tryterra.co` for tests and demos.
 *
 * @packageDocumentation
 */
export {
  createStreamingGateway,
  type GatewayDispatch,
  type GatewayPresence,
  type MountableStreamingGateway,
  type StreamingGateway,
  type StreamingGatewayFaults,
  type StreamingGatewayOptions,
  type StreamingGatewayStats,
  startStreamingGateway,
} from './gateway.js';
