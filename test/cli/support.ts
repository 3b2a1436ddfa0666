/**
 * Runs the `terra-sdk` command in this process, capturing what it prints.
 */
import { main } from '../../src/cli/main.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(
  argv: string[],
  options: {
    env?: Record<string, string | undefined>;
    /** Called when a long-running command waits to be stopped, with what it printed so far. */
    untilStopped?: (stdout: () => string) => Promise<void>;
  } = {},
): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: options.env ?? {},
    untilStopped: () => options.untilStopped?.(() => out.join('\n')) ?? Promise.resolve(),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
