/**
 * The label of an enum value, from one of the generated label maps, or `undefined` for a value this
 * version of the SDK does not know (Terra adds values over time, and the models accept them).
 *
 * @example
 * ```ts
 * import { ActivityTypeLabels, enumLabel } from 'terra-sdk';
 * enumLabel(ActivityTypeLabels, activity.metadata.type) ?? `type ${activity.metadata.type}`; // 'Running'
 * ```
 */
export function enumLabel(
  labels: Readonly<Record<string | number, string>>,
  value: string | number | null | undefined,
): string | undefined {
  if (value === null || value === undefined) return undefined;
  return Object.hasOwn(labels, value) ? labels[value] : undefined;
}
