/**
 * `terra-sdk demo`: the whole life of a Terra connection against a local sandbox, and a person's ring
 * and watch merged into one week by the data store, from an install
 * (`npx terra-sdk demo`) as from a clone (`npm run demo`), with nothing to compile.
 * @internal
 * @packageDocumentation
 */
import { parseArgs, UsageError } from '../args.js';
import { type CliIO, EXIT } from '../io.js';
import { runDemo } from './steps.js';

export const DEMO_HELP = `Usage: terra-sdk demo [--receiver-secret <secret>]

Walks one connection through its whole life without Terra: starts a local Terra sandbox and a
webhook endpoint (terra-sdk/node) that keeps the connections table and the person's data
(terra-sdk/store), makes the calls an app makes, and checks each step. The person then wears a ring
(Oura) and a watch (Garmin) for a week: both send the same nights through signed webhooks, and
store.days() must give each night once, the watch's copy in alsoFrom. Prints the connections table
and the merged week, one line per date. Exits 0 when every step did what Terra would do, 1 with the
reason otherwise.

The store is kept on an embedded PGlite (install @electric-sql/pglite), or on the PostgreSQL the
DATABASE_URL environment variable names (install pg).

Options:
  --receiver-secret <secret>   The secret your endpoint verifies with: another one than the
                               sandbox signs with shows how a wrong secret fails
  -h, --help                   Show this help`;

/** The optional package a database needs, when it is not installed. */
function missingPackage(error: unknown, databaseUrl: string | undefined): string | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined;
  const wanted = databaseUrl ? 'pg' : '@electric-sql/pglite';
  return typeof message === 'string' && message.includes(wanted) ? wanted : undefined;
}

/** Runs `terra-sdk demo`. */
export async function demo(argv: readonly string[], io: CliIO): Promise<number> {
  const { positionals, values } = parseArgs(argv, { 'receiver-secret': 'string', help: 'boolean' });
  if (values.help) {
    io.out(DEMO_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const receiverSecret = typeof values['receiver-secret'] === 'string' ? values['receiver-secret'] : undefined;
  const databaseUrl = io.env.DATABASE_URL || undefined;
  try {
    return (await runDemo({ receiverSecret, databaseUrl, print: io.out })) ? EXIT.ok : EXIT.failed;
  } catch (error) {
    const missing = missingPackage(error, databaseUrl);
    if (missing === undefined) throw error;
    io.err(`The demo keeps its store with ${missing}, which is not installed: npm install ${missing}`);
    return EXIT.failed;
  }
}
