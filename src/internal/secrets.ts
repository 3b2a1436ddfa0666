/**
 * The webhook signing secret option, the same wherever it is given (the client, the webhook handler,
 * `verifySignature`): a string, or a non-empty list of them while rotating.
 * @internal
 * @packageDocumentation
 */
import { describeKind } from './describe.js';

const WHERE = 'Use the signing secret of your Terra destination (Terra dashboard, webhook settings)';

/** What is wrong with a `secret` value, in words that never repeat it, or `undefined` if nothing. */
export function secretProblem(secret: unknown): string | undefined {
  if (secret === undefined || secret === null) {
    return `No webhook signing secret was given: pass { secret } or set TERRA_WEBHOOK_SECRET. ${WHERE}.`;
  }
  const list = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? (secret as unknown[]) : undefined;
  if (list === undefined) {
    return `The webhook secret is ${describeKind(secret)}; pass it as a string, or an array of strings while rotating. ${WHERE}.`;
  }
  if (list.length === 0) return `The list of webhook secrets is empty. ${WHERE}.`;
  for (const [index, item] of list.entries()) {
    if (typeof item === 'string' && item !== '') continue;
    const name = typeof secret === 'string' ? 'The webhook secret' : `Webhook secret [${index}]`;
    return `${name} is ${item === '' ? 'empty' : describeKind(item)}. ${WHERE}.`;
  }
  return undefined;
}

/** The secret option as a list; call only once {@link secretProblem} found nothing wrong. */
export function secretList(secret: string | readonly string[]): string[] {
  return typeof secret === 'string' ? [secret] : [...secret];
}
