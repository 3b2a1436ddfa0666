/**
 * The `terra-sdk` command: `sandbox`, `trigger`, `demo`, `stream`, `deliveries`, `doctor`, `--help`, `--version`.
 * @internal
 * @packageDocumentation
 */
import { VERSION } from '../internal/version.js';
import { UsageError } from './args.js';
import { deliveries } from './deliveries.js';
import { demo } from './demo/index.js';
import { doctor } from './doctor.js';
import { type CliIO, EXIT } from './io.js';
import { sandbox } from './sandbox.js';
import { stream } from './stream.js';
import { trigger } from './trigger.js';

export type { CliIO } from './io.js';

export const MAIN_HELP = `terra-sdk ${VERSION}: test a Terra integration without Terra.

Usage:
  terra-sdk sandbox [options]                  Run a local Terra API on 127.0.0.1
  terra-sdk sandbox connect <PROVIDER> ...     Connect, reauth, deauth, revoke, fail or change
                                               permissions of a connection on a running sandbox
  terra-sdk trigger <event> --url <url> ...    Send one signed test event to your webhook endpoint
  terra-sdk demo                               Walk a connection through its whole life, locally
  terra-sdk stream [--url <url>] [--json]      Tail the real-time stream (Terra's or a local gateway)
  terra-sdk deliveries <action> --database-url <url>
                                               List, show, replay or recover durable deliveries
  terra-sdk doctor --database-url <url> [--fix] Compare terra_connections with Terra's users
  terra-sdk --help                             Show this help
  terra-sdk --version                          Show the version

Run "terra-sdk <command> --help" for a command's options.`;

const COMMANDS: Readonly<Record<string, (argv: readonly string[], io: CliIO) => Promise<number>>> = {
  sandbox,
  trigger,
  demo,
  stream,
  deliveries,
  doctor,
};

/** Runs the command line `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? io.err : io.out)(MAIN_HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    io.out(VERSION);
    return EXIT.ok;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (run === undefined) {
    io.err(
      command.startsWith('-')
        ? `terra-sdk: unknown option ${command}. Run "terra-sdk --help" for usage.`
        : `terra-sdk: unknown command "${command}". Commands: sandbox, trigger, demo, stream, deliveries, doctor. Run "terra-sdk --help" for usage.`,
    );
    return EXIT.usage;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`terra-sdk ${command}: ${error.message}`);
      io.err(`Run "terra-sdk ${command} --help" for the options.`);
      return EXIT.usage;
    }
    throw error;
  }
}
