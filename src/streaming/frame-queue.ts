/**
 * The consumer's buffer of items waiting for the caller: a FIFO over an array with a moving head,
 * compacted now and then, so that taking an item is O(1) and memory follows what is waiting. Its
 * bound (`maxBufferedFrames`) is kept by the stream, which decides what happens when it is reached.
 *
 * @packageDocumentation
 */

/** A FIFO of items. @internal */
export class FrameQueue<T> {
  #items: T[] = [];
  #head = 0;

  /** Items waiting. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Adds an item at the end. */
  push(item: T): void {
    this.#items.push(item);
  }

  /** Takes the first item; only when `length > 0`. */
  shift(): T {
    const item = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined as unknown as T;
    this.#head++;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      // Drops the taken slots once they are most of the array.
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Drops every item. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
