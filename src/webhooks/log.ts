/**
 * What the webhook handler writes when the application passed no `onError` or `onDrift`: one line per
 * failed delivery (phase, status, code, trace id and, for a fault of the receiver's own setup, the
 * one-line fix), rate-limited, never a payload value or a stack.
 *
 * @internal
 * @packageDocumentation
 */
import { limitedLog } from '../internal/log-limit.js';

/** The part of a `WebhookErrorContext` a log line shows (typed here, so this file needs no handler). */
export interface LoggedFailure {
  readonly phase: string;
  readonly status: number;
  readonly afterResponse: boolean;
  readonly traceId?: string | undefined;
}

/** How many lines the default error logger writes a minute, at most. */
export const DEFAULT_LOG_LINES_PER_MINUTE = 10;

/**
 * The fix of each fault of the receiver's setup, by error code (or, for a configuration error, its
 * option): the error's own message says it too, but only `onError` sees that message, and a
 * newcomer's first clue is the default line. Faults of the sender (a missing or malformed signature
 * header) have no entry: nothing on the receiver can fix them.
 */
const FIXES: Readonly<Record<string, string>> = {
  body_not_raw:
    'the body was read or parsed before verification: mount the webhook route before app.use(express.json()), or give it express.raw({ type: "application/json" }); in a fetch handler, do not read the request first',
  missing_secret: "no signing secret: pass { secret } or set TERRA_WEBHOOK_SECRET to the destination's signing secret",
  no_matching_signature:
    "check that the secret is this destination's signing secret (no whitespace around it) and that the body reaches the handler unparsed",
  timestamp_outside_tolerance:
    "check this server's clock (signatures older or newer than toleranceSeconds are refused)",
  body_too_large: "raise maxBodyBytes if Terra's payloads for your account are this large",
  overloaded: 'listeners run past deadlineMs: make them faster, or queue the work and return',
  crypto: 'Web Crypto is missing: run on Node.js 20 or later, Bun, Deno or a Workers runtime',
};

/** A short token for a log line: word characters, dots, colons and dashes only, at most 64. */
const token = (value: unknown): string =>
  typeof value === 'string' && value !== '' ? value.replace(/[^\w.:-]/g, '_').slice(0, 64) : '-';

/** What the default logger writes for one failure: one line, without the message or stack. @internal */
export function logLine(error: unknown, context: LoggedFailure): string {
  const fields = error as { code?: unknown; name?: unknown; option?: unknown } | null;
  const code = typeof fields?.code === 'string' ? fields.code : fields?.name;
  const option = typeof fields?.option === 'string' ? fields.option : undefined;
  const fix =
    typeof code === 'string' && Object.hasOwn(FIXES, code)
      ? FIXES[code]
      : option !== undefined && Object.hasOwn(FIXES, option)
        ? FIXES[option]
        : undefined;
  const when = context.afterResponse ? ' after answering' : '';
  return `terra-sdk: webhook delivery failed${when}: phase=${context.phase} status=${context.status} code=${token(code)} trace=${token(context.traceId)}${fix === undefined ? '' : `; fix: ${fix}`}`;
}

/**
 * The logger used without `onError`: one line per failure, at most `perMinute` lines in a minute,
 * then one line counting the failures left out.
 * @internal
 */
export function rateLimitedLogger(
  write: (line: string) => void = (line) => console.error(line),
  perMinute = DEFAULT_LOG_LINES_PER_MINUTE,
  now: () => number = Date.now,
): (error: unknown, context: LoggedFailure) => void {
  const log = limitedLog({
    write,
    perMinute,
    now,
    leftOut: (count) =>
      `terra-sdk: ${count} more failed webhook deliveries in the last minute were not logged (pass onError to see each one)`,
  });
  return (error, context) => {
    log(logLine(error, context));
  };
}
