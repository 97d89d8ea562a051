import { describe, expect, it } from "vitest";
import { ReadyQueue } from "./ready-queue.js";

function drain(queue: ReadyQueue): number[] {
  const order: number[] = [];
  while (queue.size > 0) order.push(queue.pop());
  return order;
}

describe("ReadyQueue", () => {
  it("pops the highest priority first", () => {
    const queue = new ReadyQueue(Float64Array.of(0, 5, 1), Float64Array.of(1, 1, 1));
    for (const step of [0, 1, 2]) queue.push(step);
    expect(drain(queue)).toEqual([1, 2, 0]);
  });

  it("breaks priority ties by the longest remaining path", () => {
    const queue = new ReadyQueue(Float64Array.of(0, 0, 0), Float64Array.of(2, 9, 4));
    for (const step of [0, 1, 2]) queue.push(step);
    expect(drain(queue)).toEqual([1, 2, 0]);
  });

  it("breaks remaining ties by insertion order (lowest index)", () => {
    const queue = new ReadyQueue(new Float64Array(5), new Float64Array(5).fill(3));
    for (const step of [4, 2, 0, 3, 1]) queue.push(step);
    expect(drain(queue)).toEqual([0, 1, 2, 3, 4]);
  });

  it("keeps heap order across interleaved pushes and pops", () => {
    const count = 200;
    const priority = new Float64Array(count);
    const rank = new Float64Array(count);
    for (let step = 0; step < count; step++) {
      priority[step] = (step * 7919) % 5;
      rank[step] = (step * 104729) % 11;
    }
    const queue = new ReadyQueue(priority, rank);
    const popped: number[] = [];
    for (let step = 0; step < count; step++) {
      queue.push(step);
      if (step % 3 === 2) popped.push(queue.pop());
    }
    popped.push(...drain(queue));
    expect(popped.sort((a, b) => a - b)).toEqual([...Array(count).keys()]);
    const fresh = new ReadyQueue(priority, rank);
    for (let step = 0; step < count; step++) fresh.push(step);
    const expected = [...Array(count).keys()].sort(
      (a, b) => priority[b]! - priority[a]! || rank[b]! - rank[a]! || a - b,
    );
    expect(drain(fresh)).toEqual(expected);
  });
});
