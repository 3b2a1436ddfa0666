/**
 * Reading JSON from Terra (responses, webhook bodies, s3_payload downloads) with one error for a body
 * that is not JSON. `JSON.parse`'s own message quotes the text, which is health data: it never
 * reaches the error.
 * @internal
 * @packageDocumentation
 */
import { TerraValidationError } from '../errors.js';

/** The error for a body that is not JSON; `subject` says which body ("The webhook body"). */
export function invalidJsonError(subject: string): TerraValidationError {
  return new TerraValidationError({
    subject,
    issues: [{ path: '$', pathSegments: [], code: 'invalid_json', message: 'expected a JSON body' }],
  });
}

/**
 * Parses JSON text.
 * @throws {@link TerraValidationError} (issue code `invalid_json`) if the text is not JSON.
 */
export function parseJson(text: string, subject: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw invalidJsonError(subject);
  }
}
