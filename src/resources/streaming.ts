/**
 * `terra.streaming`: Terra's real-time streaming gateway. Tokens from its REST endpoints, the
 * consumer stream (every user's live samples, without a gap across reconnects) and the producer
 * session (one user's samples, as Terra's mobile SDKs send them).
 *
 * @packageDocumentation
 */
import { TerraInvalidArgumentError, TerraValidationError } from '../errors.js';
import type { Caller } from '../internal/caller.js';
import type { RequestOptions } from '../internal/http.js';
import type { TerraApiResponse } from '../response.js';
import { openStream, type TerraStream } from '../streaming/consumer.js';
import type { StreamConnectOptions } from '../streaming/consumer-options.js';
import { openProducer, type StreamProduceOptions, type TerraStreamProducer } from '../streaming/producer.js';
import type { SocketFactory } from '../streaming/socket.js';
import { streamingSocketUrl } from '../streaming/url.js';

/** The answer of the token endpoints. */
export interface StreamToken {
  /** A single-use, short-lived token for one IDENTIFY. */
  token: string;
}

/** What {@link StreamingResource} is built from. @internal */
export interface StreamingResourceInit {
  /** Calls to the streaming base URL, with the client's credentials, retry rules and errors. */
  caller: Caller;
  /** The streaming base URL (`https://ws.tryterra.co`), from which the socket URL is derived. */
  streamingBaseUrl: string;
  /** The WebSocket implementation (tests); default: the runtime's global, else `ws`. */
  socketFactory?: SocketFactory | undefined;
}

function parseToken(json: unknown, answer: { subject: string }): StreamToken {
  const token = (json as { token?: unknown } | null | undefined)?.token;
  if (typeof token !== 'string' || token === '') {
    throw new TerraValidationError({
      subject: answer.subject,
      issues: [{ path: '$.token', pathSegments: ['token'], code: 'invalid_type', message: 'expected a token string' }],
    });
  }
  return { token };
}

/**
 * Terra's real-time stream (`terra.streaming`).
 *
 * @example
 * ```ts
 * const stream = terra.streaming.connect({ cursorStore });
 * for await (const { seq, userId, type, data } of stream) {
 *   console.log(seq, userId, type, data);
 * }
 * ```
 */
export class StreamingResource {
  readonly #caller: Caller;
  readonly #socketUrl: string;
  readonly #socketFactory: SocketFactory | undefined;

  /** @internal Built by the client. */
  constructor(init: StreamingResourceInit) {
    this.#caller = init.caller;
    this.#socketUrl = streamingSocketUrl(init.streamingBaseUrl);
    this.#socketFactory = init.socketFactory;
  }

  /** The socket URL (`wss://ws.tryterra.co/connect`). */
  get socketUrl(): string {
    return this.#socketUrl;
  }

  /**
   * A single-use consumer token (`POST /auth/developer`), for one socket that receives every user's
   * samples. `connect()` gets one per connection itself; call this only to drive the socket yourself.
   */
  async generateDeveloperToken(request?: RequestOptions): Promise<TerraApiResponse<StreamToken>> {
    return this.#caller.call('auth_token', { method: 'POST', path: '/auth/developer' }, request, parseToken);
  }

  /**
   * A single-use producer token for one user (`POST /auth/user?id=`), for an app's mobile producer:
   * mint it on your server and hand it to the app, never the API key.
   * @param userId - A Terra user id (or connection id) of yours.
   */
  async generateUserToken(userId: string, request?: RequestOptions): Promise<TerraApiResponse<StreamToken>> {
    if (typeof userId !== 'string' || userId.trim() === '')
      throw new TerraInvalidArgumentError('userId', 'userId must be a non-empty string');
    return this.#caller.call(
      'auth_token',
      { method: 'POST', path: '/auth/user', query: { id: userId } },
      request,
      parseToken,
    );
  }

  /**
   * Opens the consumer stream: every user's live samples, in `seq` order, each exactly once across
   * reconnects (a fresh token each time, REPLAY for what was missed). Nothing is opened until the
   * first `next()` (the first turn of `for await`), which rejects with `TerraInvalidArgumentError`
   * for an invalid option. See {@link StreamConnectOptions}.
   */
  connect<T = unknown>(options?: StreamConnectOptions): TerraStream<T> {
    return openStream<T>(
      {
        socketUrl: this.#socketUrl,
        // The stream's own signal: aborted by the caller's signal and by close().
        token: async (signal) => (await this.generateDeveloperToken({ signal })).getParsedResponse().token,
        socketFactory: this.#socketFactory,
      },
      options,
    );
  }

  /**
   * Opens a producer session for one user (a producer token from `userId`, or `token`), resolved
   * once the gateway says READY. It does not reconnect.
   */
  async produce(options: StreamProduceOptions): Promise<TerraStreamProducer> {
    if (typeof options !== 'object' || options === null)
      throw new TerraInvalidArgumentError('options', 'produce() takes { userId } or { token }');
    for (const key of Object.keys(options))
      if (!['userId', 'token', 'signal', 'handshakeTimeoutMs'].includes(key))
        throw new TerraInvalidArgumentError(key, `produce() has no option ${key}`);
    if (options.token !== undefined && (typeof options.token !== 'string' || options.token === ''))
      throw new TerraInvalidArgumentError('token', 'token must be a non-empty string');
    let token = options.token;
    if (token === undefined) {
      if (options.userId === undefined)
        throw new TerraInvalidArgumentError('userId', 'produce() needs a userId (or a producer token)');
      token = (
        await this.generateUserToken(options.userId, options.signal ? { signal: options.signal } : undefined)
      ).getParsedResponse().token;
    }
    return openProducer({
      socketUrl: this.#socketUrl,
      token,
      signal: options.signal,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      socketFactory: this.#socketFactory,
    });
  }
}
