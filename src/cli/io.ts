/**
 * What a command reads and writes, so the commands run the same in the `terra-sdk` process and in tests.
 * @internal
 * @packageDocumentation
 */

/** A command's surroundings. */
export interface CliIO {
  /** Prints one line to standard output. */
  out: (line: string) => void;
  /** Prints one line to standard error. */
  err: (line: string) => void;
  /** The environment (for `TERRA_WEBHOOK_SECRET`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves when a long-running command should stop (Ctrl+C, SIGTERM). */
  untilStopped: () => Promise<void>;
}

/** Exit codes: success, a failure of the operation, a usage mistake. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The webhook signing secret from `--secret` or `TERRA_WEBHOOK_SECRET`. */
export function secretFrom(values: Record<string, string | true>, env: CliIO['env']): string | undefined {
  const given = values.secret;
  if (typeof given === 'string') return given;
  const fromEnv = env.TERRA_WEBHOOK_SECRET;
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}
