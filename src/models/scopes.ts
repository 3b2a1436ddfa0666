/**
 * Turns Terra's `scopes` value into a clean list. Terra sends scopes as one comma-separated string
 * (`"ACTIVITY_EXPORT, HEALTH_EXPORT"`), which may be `null`, empty, padded with spaces, or repeat a
 * scope. The result has each scope once, trimmed, in first-seen order. An array (the newer
 * `Connection` shape) is cleaned the same way.
 *
 * @example
 * ```ts
 * parseScopes(' activity , sleep,,activity '); // ['activity', 'sleep']
 * parseScopes(null);                          // []
 * ```
 */
export function parseScopes(scopes: string | readonly string[] | null | undefined): string[] {
  if (scopes === null || scopes === undefined) return [];
  const parts = typeof scopes === 'string' ? scopes.split(',') : scopes;
  const seen = new Set<string>();
  for (const part of parts) {
    if (typeof part !== 'string') continue;
    const scope = part.trim();
    if (scope !== '') seen.add(scope);
  }
  return [...seen];
}

/**
 * Applies a `permission_change` event's deltas to the scopes you stored: removes `scopes_removed`,
 * then adds `scopes_added`. The event carries changes, not the full list, so never replace the stored
 * scopes with `scopes_added` alone.
 *
 * @example
 * ```ts
 * applyScopeChanges(['activity', 'sleep'], { scopes_added: 'daily', scopes_removed: 'sleep' });
 * // ['activity', 'daily']
 * ```
 */
export function applyScopeChanges(
  current: string | readonly string[] | null | undefined,
  change: { scopes_added?: string | null | undefined; scopes_removed?: string | null | undefined },
): string[] {
  const removed = new Set(parseScopes(change.scopes_removed));
  const kept = parseScopes(current).filter((scope) => !removed.has(scope));
  return parseScopes([...kept, ...parseScopes(change.scopes_added)]);
}
