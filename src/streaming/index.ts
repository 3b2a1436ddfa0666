/**
 * Terra's real-time streaming gateway: the protocol, the consumer stream, the producer session, the
 * cursor store and the errors. The client reaches it as `terra.streaming`.
 *
 * @packageDocumentation
 */
export { TerraStream } from './consumer.js';
export {
  DEFAULT_MAX_BUFFERED_FRAMES,
  type StreamConnectOptions,
  type StreamStats,
  type StreamWarning,
} from './consumer-options.js';
export { createMemoryCursorStore, MemoryCursorStore, type StreamCursorStore } from './cursor.js';
export {
  TerraStreamConsumerLimitError,
  TerraStreamError,
  TerraStreamProtocolError,
  TerraStreamTokenError,
  TerraWebSocketUnavailableError,
} from './errors.js';
export {
  type StreamProduceOptions,
  type StreamProducerClose,
  type StreamProducerStatus,
  TerraStreamProducer,
} from './producer.js';
export {
  compareSeq,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  MAX_SEQ,
  StreamCloseCode,
  type StreamFrameIssue,
  type StreamItem,
  StreamOp,
  type StreamOpcode,
  StreamRole,
  toSeq,
} from './protocol.js';
export { MAX_CONSUMER_LIMIT_CLOSES, MAX_TOKEN_REFUSALS } from './reconnect.js';
export { DEFAULT_STREAMING_BASE_URL, resolveStreamingBaseUrl, streamingSocketUrl } from './url.js';
