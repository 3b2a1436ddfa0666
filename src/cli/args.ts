/**
 * Command-line arguments, parsed by Node's own `util.parseArgs`, with messages that say what was
 * wrong in this command's words.
 * @internal
 * @packageDocumentation
 */
import { parseArgs as parseNodeArgs } from 'node:util';

/** A usage mistake: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** How an option takes its value. */
export type OptionKind = 'string' | 'boolean';

/** The options a command accepts, by long name (without `--`). */
export type OptionSpec = Readonly<Record<string, OptionKind>>;

/** What {@link parseArgs} found. */
export interface ParsedArgs {
  positionals: string[];
  values: Record<string, string | true>;
}

/** Short forms every command accepts. */
const SHORT: Readonly<Record<string, string>> = { help: 'h', version: 'v' };

/** The option a `util.parseArgs` message names (`'--port <value>'`, `'-h, --help'`), as `--port`. */
function optionNamed(message: string): string {
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  return /--[\w-]+/.exec(quoted)?.[0] ?? quoted.split(/\s/)[0] ?? 'an option';
}

/**
 * Parses `argv` against `spec`.
 * @throws {@link UsageError} for an unknown option, a missing value, a value given to a flag, or an
 *   option given twice.
 */
export function parseArgs(argv: readonly string[], spec: OptionSpec): ParsedArgs {
  const options = Object.fromEntries(
    Object.entries(spec).map(([name, type]) => [name, SHORT[name] ? { type, short: SHORT[name] } : { type }]),
  );
  let parsed: ReturnType<typeof parseNodeArgs<{ options: typeof options; tokens: true; allowPositionals: true }>>;
  try {
    parsed = parseNodeArgs({ args: [...argv], options, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const option = optionNamed(message);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${option}`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      if (/does not take an argument/.test(message)) throw new UsageError(`${option} takes no value`);
      const dash = /ambiguous/.test(message) ? ` (for a value that starts with "-", write ${option}=<value>)` : '';
      throw new UsageError(`${option} needs a value${dash}`);
    }
    throw new UsageError(message.split('\n')[0] ?? message);
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} was given more than once`);
    seen.add(token.name);
    if (spec[token.name] === 'string' && token.value === '') throw new UsageError(`--${token.name} needs a value`);
  }
  return { positionals: parsed.positionals, values: parsed.values as Record<string, string | true> };
}

/**
 * Reads a whole number option.
 * @throws {@link UsageError} if it is not a whole number within bounds.
 */
export function integerOption(
  values: ParsedArgs['values'],
  name: string,
  min: number,
  max: number,
): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${String(raw)}")`);
  }
  return value;
}

/**
 * Reads a positive number option.
 * @throws {@link UsageError} if it is not a positive number.
 */
export function positiveOption(values: ParsedArgs['values'], name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`--${name} must be a positive number (got "${String(raw)}")`);
  }
  return value;
}

/**
 * Reads a URL option.
 * @throws {@link UsageError} if it is not an http(s) URL.
 */
export function urlOption(values: ParsedArgs['values'], name: string): string | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(String(raw));
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`--${name} must be an http(s) URL, such as http://localhost:3000/webhooks/terra`);
  }
  return url.href;
}
