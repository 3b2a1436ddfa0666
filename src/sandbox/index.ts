/**
 * A local Terra on 127.0.0.1, for Node: the Terra API your client reaches with `baseUrl`, the widget
 * and authorization pages a person clicks through, and signed webhooks POSTed to your endpoint.
 * Entry point `terra-sdk/sandbox`; the `terra-sdk sandbox` command runs the same thing.
 *
 * @module terra-sdk/sandbox
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import * as z from 'zod/mini';
import { readRequestBody, sendWebResponse, toWebRequest } from '../adapters/node-io.js';
import { TerraConfigurationError, TerraWebhookRequestError } from '../errors.js';
import {
  callback,
  milliseconds,
  optionsOf,
  parseConfig,
  positiveNumber,
  renamedOption,
  text,
  url,
  wholeNumber,
} from '../internal/options.js';
import { emulatorOptionsShape, TerraEmulator } from '../testing/emulator/index.js';
import { CONTROL_PATH, control, loopbackHosts } from './control.js';
import { type DeliveryAttempt, DeliveryQueue, type RetryOptions } from './delivery.js';
import { createStreamingGateway, type MountableStreamingGateway } from './streaming/index.js';

export { TerraConfigurationError, TerraInvalidArgumentError } from '../errors.js';
export {
  type ConnectionSelector,
  type EmulatorDelivery,
  type FlowResult,
  TerraEmulator,
} from '../testing/emulator/index.js';
export { type DeliveryAttempt, type RetryOptions, TERRA_RETRY_SCHEDULE_MS } from './delivery.js';
export * from './streaming/index.js';

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** The port to listen on, on 127.0.0.1. Default `0`: a free port (read it from `url`). */
  port?: number | undefined;
  /**
   * Where to POST webhooks (your endpoint). Without it, nothing is sent; the events are still
   * recorded in `emulator.deliveries`.
   */
  webhookUrl?: string | undefined;
  /** The signing secret webhooks are signed with. Required with `webhookUrl`. */
  secret?: string | undefined;
  /** Seed of the users' ids and data: the same seed gives the same ids and data. Default 1. */
  seed?: number | undefined;
  /** The API key requests must send. Default: any non-empty key. */
  apiKey?: string | undefined;
  /** The dev id requests must send. Default: any non-empty dev id. */
  devId?: string | undefined;
  /** How failed deliveries are retried. Default: Terra's schedule, a thousand times faster. */
  retry?: RetryOptions | undefined;
  /** Ranges longer than this many days are delivered as a large request, in chunks. Default 28. */
  largeRequestDays?: number | undefined;
  /** Days per chunk of a large request. Default 7. */
  chunkDays?: number | undefined;
  /** Rule r2: days a user may request per rolling hour. Default 6,000. */
  daysPerHour?: number | undefined;
  /** Rule r1: the longest range of one request, in days. Default 1,825. */
  maxSpanDays?: number | undefined;
  /**
   * Send webhooks shaped as real deliveries show them rather than as Terra's spec writes them (no
   * `version`, no `message`, `user.provider: null` on a deauth, other status words), to test that
   * your endpoint copes with what Terra really sends. Default `false`.
   */
  realistic?: boolean | undefined;
  /** Whether the Planned Workouts add-on is enabled; `false` answers planning with Terra's 403. Default `true`. */
  plannedWorkouts?: boolean | undefined;
  /** Whether lab reports are enabled; `false` answers uploads with Terra's 403. Default `true`. */
  labReports?: boolean | undefined;
  /**
   * Time between two statuses of a lab report, in milliseconds: a report is `sent` (and its
   * `lab_report.completed` webhook POSTed) five steps after its upload. Default 2,000.
   */
  labReportStepMs?: number | undefined;
  /** Called after each API request is answered. */
  onRequest?: ((request: SandboxRequest) => void) | undefined;
  /** Called after each attempt to deliver a webhook. */
  onDelivery?: ((attempt: DeliveryAttempt) => void) | undefined;
}

/** `retry`: the redelivery schedule, with its time limit resolved (Terra waits about 8 s for an answer). */
const retryOptions = () =>
  z.pipe(
    optionsOf<RetryOptions>()(() => ({
      retries: z._default(wholeNumber('retry.retries', 0, 100), 8),
      scale: z._default(positiveNumber('retry.scale'), 0.001),
      timeoutMs: z.optional(milliseconds('retry.timeoutMs')),
      timeout: z.optional(milliseconds('retry.timeout')),
    })),
    z.transform((retry, ctx) => {
      const renamed = renamedOption<number>(retry, 'timeoutMs', 'timeout');
      if (renamed.conflict !== undefined) {
        ctx.issues.push({ code: 'custom', message: `retry.${renamed.conflict}`, input: retry, path: ['timeoutMs'] });
      }
      return { ...retry, timeout: renamed.value ?? 8_000 };
    }),
  );

const sandboxOptions = optionsOf<SandboxOptions>()(() => {
  // The sandbox runs the emulator on the real clock and sends its events itself.
  const { now: _now, onEvent: _onEvent, ...sharedEmulatorOptions } = emulatorOptionsShape();
  return {
    ...sharedEmulatorOptions,
    port: z._default(wholeNumber('port', 0, 65_535), 0),
    webhookUrl: z.optional(url('webhookUrl', 'http', 'http://localhost:3000/webhooks/terra')),
    secret: z.optional(text('secret')),
    retry: retryOptions(),
    onRequest: z.optional(callback<(request: SandboxRequest) => void>('onRequest')),
    onDelivery: z.optional(callback<(attempt: DeliveryAttempt) => void>('onDelivery')),
  };
});

/** An API request the sandbox answered. */
export interface SandboxRequest {
  /** The HTTP method. */
  readonly method: string;
  /** The path, without the query string (`/api/v2/activity`). */
  readonly path: string;
  /** The status the sandbox answered with. */
  readonly status: number;
}

/** A running sandbox. */
export interface Sandbox {
  /** Where it listens: `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The API's base URL, for `new Terra({ baseUrl })`: `http://127.0.0.1:<port>/api/v2`. */
  readonly baseUrl: string;
  /** The port it listens on. */
  readonly port: number;
  /** Its state: connections, and every event emitted (`emulator.deliveries`). */
  readonly emulator: TerraEmulator;
  /** Every attempt to deliver a webhook so far, oldest first. */
  readonly attempts: readonly DeliveryAttempt[];
  /**
   * The streaming base URL, for `new Terra({ streamingBaseUrl })` or `TERRA_STREAMING_BASE_URL`: the
   * sandbox's own URL, which serves the token endpoints (`/auth/developer`, `/auth/user`) and the
   * socket (`/connect`) of the streaming gateway.
   */
  readonly streamingBaseUrl: string;
  /**
   * The streaming gateway, made on first use (the first token request, socket, or this call), to
   * dispatch frames or inject faults in tests. Rejects with `TerraWebSocketUnavailableError` without
   * the `ws` package; the rest of the sandbox works without it.
   */
  streaming(): Promise<MountableStreamingGateway>;
  /** Resolves once every webhook emitted so far was delivered or given up on. */
  idle(): Promise<void>;
  /** Stops the server and drops deliveries not yet made. */
  close(): Promise<void>;
}

const API_PATH = '/api/v2';
/** The streaming gateway's HTTP paths, besides the socket's `/connect`. */
const STREAMING_PATHS: ReadonlySet<string> = new Set(['/auth/developer', '/auth/user']);
const STREAMING_SOCKET_PATH = '/connect';

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const why =
        error.code === 'EADDRINUSE'
          ? `port ${port} on 127.0.0.1 is already in use: pick another port, or 0 for a free one.`
          : error.code === 'EACCES'
            ? `port ${port} needs privileges this process does not have: pick a port above 1023, or 0 for a free one.`
            : `the server could not listen on 127.0.0.1:${port} (${error.code ?? 'unknown error'}).`;
      reject(new TerraConfigurationError('port', `The sandbox could not start: ${why}`));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

/**
 * Starts a local Terra on 127.0.0.1: Terra's API under `/api/v2` with users and connections in memory,
 * the widget and authorization pages, and, with `webhookUrl`, every event Terra would send, signed
 * with `secret` and POSTed with Terra's delivery headers, failures retried with backoff.
 *
 * @example
 * ```ts
 * import { Terra } from 'terra-sdk';
 * import { startSandbox } from 'terra-sdk/sandbox';
 *
 * const sandbox = await startSandbox({ webhookUrl: 'http://127.0.0.1:3000/webhooks/terra', secret: 'test-secret' });
 * const terra = new Terra({ apiKey: 'any', devId: 'any', baseUrl: sandbox.baseUrl });
 * const session = (await terra.generateWidgetSession({ referenceId: 'user-1' })).getParsedResponse();
 * // open session.url in a browser, or: sandbox.emulator.connect({ provider: 'GARMIN', referenceId: 'user-1' })
 * await sandbox.close();
 * ```
 * @throws {@link TerraConfigurationError} for an unusable option (a `webhookUrl` without `secret` or
 *   with `user:pass@`, a port out of range, ...) or a port that is taken.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const given = parseConfig(sandboxOptions, options, 'startSandbox options');
  const { port, webhookUrl, secret, onRequest, onDelivery } = given;
  const { retries, scale, timeout } = given.retry;
  if (webhookUrl !== undefined && secret === undefined) {
    throw new TerraConfigurationError(
      'secret',
      'A webhookUrl needs a secret: the signing secret your endpoint verifies deliveries with.',
    );
  }
  if (webhookUrl !== undefined) {
    const target = new URL(webhookUrl);
    // fetch refuses a URL with credentials, which used to surface as a network error at each delivery.
    if (target.username !== '' || target.password !== '')
      throw new TerraConfigurationError(
        'webhookUrl',
        'webhookUrl must not hold a user name or password (user:pass@): deliveries cannot send them. Terra authenticates its deliveries by their signature (the secret), not by the URL.',
      );
  }
  // The emulator's own options are checked by the emulator, once the port (its URL) is known.
  const { seed, apiKey, devId, largeRequestDays, chunkDays, daysPerHour, maxSpanDays, realistic } = options;
  const { plannedWorkouts, labReports, labReportStepMs } = options;

  const attempts: DeliveryAttempt[] = [];
  const queue =
    webhookUrl !== undefined && secret !== undefined
      ? new DeliveryQueue({
          url: webhookUrl,
          secret,
          retries,
          scale,
          timeout,
          onAttempt: (attempt) => {
            attempts.push(attempt);
            onDelivery?.(attempt);
          },
        })
      : undefined;

  let emulator: TerraEmulator | undefined;
  // Set once the port is known; the emulator (and so the control API) starts after it.
  let controlHosts: ReadonlySet<string> = new Set();
  // The gateway (and `ws` with it) is loaded on its first use only: without `ws`, the sandbox runs
  // without streaming and says so once.
  let gateway: Promise<MountableStreamingGateway> | undefined;
  let warned = false;
  const streaming = (): Promise<MountableStreamingGateway> => {
    gateway ??= createStreamingGateway({ apiKey, devId });
    return gateway;
  };
  const streamingOrWarn = (): Promise<MountableStreamingGateway | undefined> =>
    streaming().catch((error: unknown) => {
      if (!warned) {
        warned = true;
        process.emitWarning(
          `The sandbox runs without streaming: ${error instanceof Error ? error.message : String(error)}`,
          'TerraSandboxWarning',
        );
      }
      return undefined;
    });
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (STREAMING_PATHS.has(path)) void answerStreaming(req, res);
    else void answer(req, res);
  });
  const answerStreaming = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    const mounted = await streamingOrWarn();
    let status = 501;
    if (mounted === undefined) {
      req.resume();
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ status: 'error', message: 'streaming is unavailable: install the ws package to use it' }),
      );
    } else {
      mounted.handleRequest(req, res);
      status = res.statusCode;
    }
    try {
      onRequest?.({ method: req.method ?? 'POST', path, status });
    } catch {
      // A listener's failure must not break the server.
    }
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0] as string;
    if (path !== STREAMING_SOCKET_PATH) {
      socket.destroy();
      return;
    }
    void streamingOrWarn().then((mounted) => {
      if (mounted === undefined || !mounted.handleUpgrade(req, socket, head)) {
        socket.end('HTTP/1.1 501 Not Implemented\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      }
    });
  });
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    let status = 500;
    const path = (req.url ?? '/').split('?')[0] as string;
    try {
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readRequestBody(req);
      const request = toWebRequest(req, body);
      const response = !emulator
        ? new Response('The sandbox is starting.', { status: 503, headers: { 'retry-after': '1' } })
        : path === '/'
          ? new Response(
              `Terra sandbox. API base URL: ${emulator.baseUrl}\nConnections: ${emulator.users().length}\nControl API: ${CONTROL_PATH}/connections\n`,
              {
                headers: { 'content-type': 'text/plain; charset=utf-8' },
              },
            )
          : path.startsWith(`${CONTROL_PATH}/`)
            ? await control(emulator, request, controlHosts)
            : await emulator.handle(request);
      status = response.status;
      await sendWebResponse(res, response);
    } catch (error) {
      // A body over 50 MiB or slower than 10 s (readRequestBody's bounds) gets its own status.
      const refused = error instanceof TerraWebhookRequestError ? error : undefined;
      status = refused?.status ?? 500;
      if (!res.headersSent) {
        res.writeHead(status, {
          'content-type': 'application/problem+json',
          ...(refused ? { connection: 'close' } : {}),
        });
        res.end(
          JSON.stringify({
            type: 'about:blank',
            title: refused ? refused.code.replace(/_/g, ' ') : 'internal server error',
            instance: path,
          }),
        );
      } else res.end();
    }
    try {
      onRequest?.({ method: req.method ?? 'GET', path, status });
    } catch {
      // A listener's failure must not break the server.
    }
  };

  const boundPort = await listen(server, port);
  controlHosts = loopbackHosts(boundPort);
  const url = `http://127.0.0.1:${boundPort}`;
  try {
    emulator = new TerraEmulator({
      baseUrl: `${url}${API_PATH}`,
      seed,
      apiKey,
      devId,
      largeRequestDays,
      chunkDays,
      daysPerHour,
      maxSpanDays,
      realistic,
      plannedWorkouts,
      labReports,
      labReportStepMs,
      onEvent: (delivery) => queue?.enqueue(delivery),
    });
  } catch (error) {
    await new Promise((resolve) => server.close(resolve));
    throw error;
  }
  const running = emulator;
  // Lab reports end on the clock, not on a request: their webhooks go out without anyone asking.
  const ticker = setInterval(() => running.tick(), 1_000);
  ticker.unref?.();
  let closing: Promise<void> | undefined;
  return {
    url,
    baseUrl: running.baseUrl,
    port: boundPort,
    emulator: running,
    attempts,
    streamingBaseUrl: url,
    streaming,
    idle: () => queue?.idle() ?? Promise.resolve(),
    close: () => {
      closing ??= (async () => {
        clearInterval(ticker);
        queue?.close();
        const mounted = gateway === undefined ? undefined : await gateway.catch(() => undefined);
        await mounted?.closeSockets();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
