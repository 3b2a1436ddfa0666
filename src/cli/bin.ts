#!/usr/bin/env node
/**
 * The `terra-sdk` executable (package.json `bin`).
 * @internal
 * @packageDocumentation
 */
import { main } from './main.js';

main(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  untilStopped: () =>
    new Promise((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Not a usage mistake: a bug. Print the error's name and message, never a payload.
    const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
    process.stderr.write(`terra-sdk: unexpected ${name}: ${message}\n`);
    process.exitCode = 1;
  },
);
