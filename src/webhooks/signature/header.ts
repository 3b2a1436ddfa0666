/**
 * Terra's signature header, `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`: read into its timestamp and
 * candidate signatures, or refused with a `TerraWebhookVerificationError` that says what is wrong.
 *
 * @internal
 * @packageDocumentation
 */
import { TerraWebhookVerificationError } from '../../errors.js';
import { describeKind } from '../../internal/describe.js';
import { findSignatureHeader, type SignatureHeaderInput } from '../headers.js';

/** A verification error with its code. */
export const fail = (code: TerraWebhookVerificationError['code'], message: string): TerraWebhookVerificationError =>
  new TerraWebhookVerificationError(code, message);

/** The sentence every header error ends with. */
export const HEADER_HELP = 'Pass the value of the terra-signature header unchanged, or the request headers.';

/** The parts of a signature header. */
export interface ParsedHeader {
  /** The timestamp exactly as written, which is what was signed. */
  t: string;
  timestamp: number;
  v1: string[];
}

/** The header as Terra writes it: one timestamp, one signature, nothing else. */
const CANONICAL_HEADER = /^t=(\d{1,15}),v1=([0-9a-f]{64})$/;

export function parseSignatureHeader(value: string): ParsedHeader {
  // Nearly every delivery: one match instead of splitting and trimming each element.
  const canonical = CANONICAL_HEADER.exec(value);
  if (canonical !== null) {
    const t = canonical[1] as string;
    return { t, timestamp: Number(t), v1: [canonical[2] as string] };
  }
  let t: string | undefined;
  const v1: string[] = [];
  const otherSchemes = new Set<string>();
  for (const element of value.split(',')) {
    const part = element.trim();
    const equals = part.indexOf('=');
    if (equals <= 0) continue;
    const key = part.slice(0, equals).trim();
    const item = part.slice(equals + 1).trim();
    if (key === 't') {
      if (t !== undefined && t !== item) {
        throw fail('malformed_header', `The signature header holds two different t= timestamps. ${HEADER_HELP}`);
      }
      t = item;
    } else if (key === 'v1') {
      v1.push(item);
    } else if (/^v\d+$/.test(key)) {
      otherSchemes.add(key);
    }
  }
  const form = 'The signature header is not of the form t=<unix seconds>,v1=<hex signature>';
  if (t === undefined) throw fail('malformed_header', `${form}: it has no t= timestamp. ${HEADER_HELP}`);
  if (!/^\d{1,15}$/.test(t)) {
    throw fail('malformed_header', `${form}: its t= timestamp is not a number of seconds. ${HEADER_HELP}`);
  }
  if (v1.length === 0) {
    const only = [...otherSchemes].sort().join(', ');
    throw fail(
      'malformed_header',
      only
        ? `${form}: it has no v1 signature, only ${only}. Only v1 is accepted, so a delivery cannot be downgraded to a weaker scheme.`
        : `${form}: it has no v1= signature. ${HEADER_HELP}`,
    );
  }
  return { t, timestamp: Number(t), v1 };
}

/**
 * The `missing_header` error for a delivery without a signature header, or `undefined` when it has
 * one: the adapters answer 401 with it before reading the body.
 * @internal
 */
export function missingSignature(header: SignatureHeaderInput): TerraWebhookVerificationError | undefined {
  const value = findSignatureHeader(header);
  return value === undefined || value.trim() === '' ? unsignedError(header, value) : undefined;
}

export function unsignedError(header: SignatureHeaderInput, value: string | undefined): TerraWebhookVerificationError {
  const given =
    typeof header === 'string' || header === undefined || header === null
      ? value === undefined
        ? 'no signature header was given'
        : 'the signature header is empty'
      : typeof header === 'object'
        ? 'the headers have neither x-terra-signature nor terra-signature'
        : `the signature argument is ${describeKind(header)}`;
  return fail(
    'missing_header',
    `The delivery is not signed: ${given}. Terra signs every webhook; answer 401 to unsigned requests. ${HEADER_HELP}`,
  );
}
