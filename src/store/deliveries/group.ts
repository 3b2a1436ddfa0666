/**
 * Group commit: calls made while a statement is in flight wait for it and then go together as one
 * statement. The first call goes at once, so a lone delivery waits for nothing; under load, many
 * deliveries share one round trip (recording them before their 200, marking them handled after their
 * listener), the way queue libraries batch their acknowledgements.
 * @internal
 */

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/**
 * A function that runs `flush` on batches of at most `max` items: one result per item, in order.
 * When a batch of several fails, each of its items is run again alone, so that one bad item fails
 * only its own call.
 */
export function grouped<I, O>(flush: (items: readonly I[]) => Promise<O[]>, max = 128): (item: I) => Promise<O> {
  const waiting: Waiting<I, O>[] = [];
  let flushing = false;
  const settle = async (batch: Waiting<I, O>[]) => {
    try {
      const results = await flush(batch.map((w) => w.item));
      for (const [i, w] of batch.entries()) w.resolve(results[i] as O);
    } catch (error) {
      if (batch.length === 1) (batch[0] as Waiting<I, O>).reject(error);
      else await Promise.all(batch.map((w) => settle([w])));
    }
  };
  const drain = async () => {
    flushing = true;
    try {
      // The waiting list is bounded by the callers: the handler admits a bounded number of deliveries.
      while (waiting.length > 0) await settle(waiting.splice(0, max));
    } finally {
      flushing = false;
    }
  };
  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!flushing) void drain();
    });
}
