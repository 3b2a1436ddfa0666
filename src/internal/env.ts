/**
 * Reads an environment variable on any runtime: Node and Bun (`process.env`), Deno (`Deno.env`,
 * which throws without `--allow-env`), and runtimes with no environment at all (Workers, browsers).
 * Empty values count as unset.
 */
export function readEnv(name: string): string | undefined {
  const global = globalThis as {
    process?: { env?: Record<string, string | undefined> };
    Deno?: { env?: { get(key: string): string | undefined } };
  };
  try {
    const value = global.process?.env?.[name] ?? global.Deno?.env?.get(name);
    return value === undefined || value === '' ? undefined : value;
  } catch {
    // Deno without env permission: behave as if the variable were unset.
    return undefined;
  }
}
