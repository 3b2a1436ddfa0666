/**
 * The gateway's history for REPLAY: the last `size` dispatches as a ring of `{seq, text}`, and how
 * a REPLAY's exclusive `(after, before)` bounds are read with every digit of an int64.
 *
 * @packageDocumentation
 */
import { toSeq } from '../../streaming/protocol.js';

/** The last dispatches, oldest first, searchable by `seq`. @internal */
export class DispatchHistory {
  readonly #size: number;
  #seqs: bigint[] = [];
  #texts: string[] = [];
  /** The oldest entry kept. */
  #start = 0;

  constructor(size: number) {
    this.#size = size;
  }

  /** Keeps a dispatch (its frame's text), forgetting the oldest beyond the size. */
  record(text: string, seq: bigint): void {
    if (this.#seqs.length - this.#start >= this.#size) this.#start++;
    this.#seqs.push(seq);
    this.#texts.push(text);
    if (this.#start >= 4096 && this.#start * 2 >= this.#seqs.length) {
      this.#seqs.splice(0, this.#start);
      this.#texts.splice(0, this.#start);
      this.#start = 0;
    }
  }

  /** Calls `send` with each kept frame whose seq is in the exclusive range `(after, before)`, in order. */
  range(after: bigint, before: bigint, send: (text: string) => void): void {
    const seqs = this.#seqs;
    // Binary search for the first entry above `after`.
    let lo = this.#start;
    let hi = seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((seqs[mid] as bigint) <= after) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < seqs.length && (seqs[i] as bigint) < before; i++) send(this.#texts[i] as string);
  }
}

const REPLAY_BOUND = /"(after|before)"\s*:\s*(-?[\d.eE+-]+|"[^"]*"|null|true|false)/g;

/** The exclusive bounds of a REPLAY, read from its text so that int64 bounds keep every digit. @internal */
export function replayBounds(text: string, d: unknown): { after: bigint; before: bigint } | undefined {
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return undefined;
  const bounds: { after: bigint; before: bigint } = { after: 0n, before: 0n };
  for (const match of text.matchAll(REPLAY_BOUND)) {
    const key = match[1] as 'after' | 'before';
    if (!Object.hasOwn(d, key)) continue;
    const seq = /^\d+$/.test(match[2] as string) ? toSeq(match[2]) : undefined;
    if (seq === undefined) return undefined;
    bounds[key] = BigInt(seq);
  }
  return bounds;
}
