/**
 * The low-level reason of a network failure, kept as an error's `cause` without what the runtime's
 * own error holds: fetch's errors quote the URL (a presigned URL's signature) and a request's headers.
 * @internal
 * @packageDocumentation
 */

/** A new error with only the system code of a fetch failure (`ECONNREFUSED (connect)`), or `undefined`. */
export function systemCause(error: unknown): Error | undefined {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (!(cause instanceof Error)) return undefined;
  const { code, syscall, errno } = cause as Error & { code?: unknown; syscall?: unknown; errno?: unknown };
  if (typeof code !== 'string') return undefined;
  const safe = new Error(`${code}${typeof syscall === 'string' ? ` (${syscall})` : ''}`);
  Object.assign(safe, { code, syscall, errno });
  // Its stack would show where it was made, here: nothing about the request.
  return safe;
}
