/**
 * The ready set: a binary max-heap of step indices. The step that starts first has the
 * highest priority, then the longest remaining path to the end of the graph (critical
 * path first), then the lowest index (insertion order). Push and pop are O(log n).
 */
export class ReadyQueue {
  /**
   * A plain array that grows as steps are pushed: every run makes a queue, and a typed
   * array's buffer costs more to make than a small workflow's whole queue work.
   */
  readonly #heap: number[] = [];
  readonly #priority: Float64Array;
  readonly #rank: Float64Array;
  #size = 0;

  /** `priority[i]` and `rank[i]` describe step `i`. */
  constructor(priority: Float64Array, rank: Float64Array) {
    this.#priority = priority;
    this.#rank = rank;
  }

  get size(): number {
    return this.#size;
  }

  push(step: number): void {
    const heap = this.#heap;
    let index = this.#size++;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = heap[parent]!;
      if (!this.#before(step, above)) break;
      heap[index] = above;
      index = parent;
    }
    heap[index] = step;
  }

  /** The step to start next; call only when `size > 0`. */
  pop(): number {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap[--this.#size]!;
    const size = this.#size;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && this.#before(heap[right]!, heap[left]!) ? right : left;
      const candidate = heap[child]!;
      if (!this.#before(candidate, last)) break;
      heap[index] = candidate;
      index = child;
    }
    if (size > 0) heap[index] = last;
    return top;
  }

  /** Whether step `a` starts before step `b`. */
  #before(a: number, b: number): boolean {
    const priorityA = this.#priority[a]!;
    const priorityB = this.#priority[b]!;
    if (priorityA !== priorityB) return priorityA > priorityB;
    const rankA = this.#rank[a]!;
    const rankB = this.#rank[b]!;
    if (rankA !== rankB) return rankA > rankB;
    return a < b;
  }
}
