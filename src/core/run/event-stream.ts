/**
 * A replayable, multi-consumer async stream: every iterator starts at the first item
 * ever pushed and ends after `end()`. Items are kept for the stream's life, so a
 * consumer that starts late still sees everything.
 */
export class EventStream<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  #ended = false;
  #wake: (() => void) | undefined;
  #waiting: Promise<void> | undefined;

  /** Items pushed so far. */
  get items(): readonly T[] {
    return this.#items;
  }

  get ended(): boolean {
    return this.#ended;
  }

  push(item: T): void {
    if (this.#ended) return;
    this.#items.push(item);
    this.#notify();
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#notify();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    let index = 0;
    let closed = false;
    const next = async (): Promise<IteratorResult<T>> => {
      for (;;) {
        if (closed) return { value: undefined, done: true };
        if (index < this.#items.length) return { value: this.#items[index++]!, done: false };
        if (this.#ended) return { value: undefined, done: true };
        await this.#changed();
      }
    };
    return {
      next,
      return: async () => {
        closed = true;
        return { value: undefined, done: true };
      },
    };
  }

  #changed(): Promise<void> {
    this.#waiting ??= new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    return this.#waiting;
  }

  #notify(): void {
    const wake = this.#wake;
    if (wake) {
      this.#wake = undefined;
      this.#waiting = undefined;
      wake();
    }
  }
}
