/**
 * Errors thrown by terra-sdk. Every one is an instance of {@link TerraError}.
 *
 * No message ever contains an API key, a dev id, a signature or a value from a payload: payloads
 * are health data, and messages end up in logs.
 *
 * @packageDocumentation
 */

/** Base class of every error terra-sdk throws. */
export class TerraError extends Error {
  override name = 'TerraError';
}

/** One reason a value does not match a model schema. */
export interface TerraValidationIssue {
  /** Where the problem is, as a JSON path from the root of the value: `$.data[0].metadata.type`. */
  readonly path: string;
  /** The same location as a list of keys and indexes. */
  readonly pathSegments: readonly (string | number)[];
  /** What kind of problem it is (zod's issue code): `invalid_type`, `too_small`, `invalid_union`, ... */
  readonly code: string;
  /** What was expected, in words. Never contains the value that was received. */
  readonly message: string;
}

/** How many issues a {@link TerraValidationError} message spells out; the rest are counted. */
const ISSUES_IN_MESSAGE = 5;

/**
 * A response, an event or a value handed to `parseModel` does not match its schema. The error lists
 * where and what was expected, never the offending values.
 */
export class TerraValidationError extends TerraError {
  override name = 'TerraValidationError';
  /** Every problem found. */
  readonly issues: readonly TerraValidationIssue[];
  /** The model the value was checked against, when known (`Activity`, `AuthSuccessEvent`, ...). */
  readonly model: string | undefined;

  constructor(options: { subject: string; model?: string | undefined; issues: readonly TerraValidationIssue[] }) {
    const { subject, model, issues } = options;
    const shown = issues
      .slice(0, ISSUES_IN_MESSAGE)
      .map((issue) => `at ${issue.path}: ${issue.message}`)
      .join('; ');
    const more = issues.length > ISSUES_IN_MESSAGE ? `; and ${issues.length - ISSUES_IN_MESSAGE} more` : '';
    const against = model ? `the ${model} schema` : 'its schema';
    const count = issues.length === 1 ? '1 issue' : `${issues.length} issues`;
    super(`${subject} does not match ${against} (${count}): ${shown}${more}`);
    this.issues = issues;
    this.model = model;
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats a path as `$.a[0].b`, quoting keys that are not identifiers: `$["lab_report.completed"]`. */
export function formatJsonPath(segments: readonly PropertyKey[]): string {
  let out = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && IDENTIFIER.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}
