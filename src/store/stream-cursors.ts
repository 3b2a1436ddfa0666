/**
 * A streaming consumer's cursor kept in the store (`store.streamCursor(name)`), so that a consumer
 * restarted after a crash resumes from the last `seq` it finished.
 * @internal
 */
import { TerraInvalidArgumentError } from '../errors.js';
import { checkId } from './arguments.js';
import { type Runner, withRetry } from './database.js';
import { SELECT_STREAM_CURSOR, UPSERT_STREAM_CURSOR } from './sql.js';
import type { StoreStreamCursor } from './types.js';

/** An int64 seq as decimal digits, without leading zeros. */
const SEQ = /^(0|[1-9]\d{0,19})$/;

/**
 * The cursor named `name` on `runner`; `guard` turns database failures into typed rejections.
 * @throws {@link TerraInvalidArgumentError} for a name that is not a non-empty string of at most 255 characters.
 */
export function streamCursor(
  runner: Runner,
  name: unknown,
  guard: <T>(operation: 'streamCursor', body: () => Promise<T>) => Promise<T>,
): StoreStreamCursor {
  const key = checkId(name, 'name', 255);
  return {
    get: () =>
      guard('streamCursor', async () => {
        const [row] = (await withRetry(() => runner.query(SELECT_STREAM_CURSOR, [key]))) as { seq: string }[];
        return row?.seq;
      }),
    set: (seq) =>
      guard('streamCursor', async () => {
        if (typeof seq !== 'string' || !SEQ.test(seq))
          throw new TerraInvalidArgumentError('seq', 'seq must be decimal digits (a stream cursor)');
        await withRetry(() => runner.query(UPSERT_STREAM_CURSOR, [key, seq]));
      }),
  };
}
