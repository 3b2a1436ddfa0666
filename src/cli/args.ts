/**
 * A small command-line parser: `--name value`, `--name=value`, boolean flags and positionals, with
 * messages that say what was wrong.
 * @internal
 * @packageDocumentation
 */

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
const SHORT: Readonly<Record<string, string>> = { '-h': 'help', '-v': 'version' };

/**
 * Parses `argv` against `spec`.
 * @throws {@link UsageError} for an unknown option, a missing value, a value given to a flag, or an
 *   option given twice.
 */
export function parseArgs(argv: readonly string[], spec: OptionSpec): ParsedArgs {
  const positionals: string[] = [];
  const values: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const flag = equals === -1 ? arg : arg.slice(0, equals);
    const name = SHORT[flag] ?? (flag.startsWith('--') ? flag.slice(2) : undefined);
    const kind = name === undefined ? undefined : spec[name];
    if (name === undefined || kind === undefined) throw new UsageError(`unknown option ${flag}`);
    if (Object.hasOwn(values, name)) throw new UsageError(`--${name} was given more than once`);
    if (kind === 'boolean') {
      if (equals !== -1) throw new UsageError(`--${name} takes no value`);
      values[name] = true;
      continue;
    }
    let value: string | undefined;
    if (equals !== -1) value = arg.slice(equals + 1);
    else if (i + 1 < argv.length && !(argv[i + 1] as string).startsWith('--')) value = argv[++i];
    if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
    values[name] = value;
  }
  return { positionals, values };
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
