import { describe, expect, it } from "vitest";
import { EventStream } from "./event-stream.js";

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

describe("EventStream", () => {
  it("gives every consumer every item from the first, then ends", async () => {
    const stream = new EventStream<number>();
    const first = collect(stream);
    stream.push(1);
    await Promise.resolve();
    const second = collect(stream);
    stream.push(2);
    stream.end();
    const late = collect(stream);
    expect(await first).toEqual([1, 2]);
    expect(await second).toEqual([1, 2]);
    expect(await late).toEqual([1, 2]);
  });

  it("wakes waiting consumers on each push", async () => {
    const stream = new EventStream<string>();
    const iterator = stream[Symbol.asyncIterator]();
    const next = iterator.next();
    stream.push("a");
    expect(await next).toEqual({ value: "a", done: false });
  });

  it("stops one consumer on break without affecting others", async () => {
    const stream = new EventStream<number>();
    for (const item of [1, 2, 3]) stream.push(item);
    stream.end();
    const firstTwo: number[] = [];
    for await (const item of stream) {
      firstTwo.push(item);
      if (item === 2) break;
    }
    expect(firstTwo).toEqual([1, 2]);
    expect(await collect(stream)).toEqual([1, 2, 3]);
  });

  it("ignores pushes after the end", async () => {
    const stream = new EventStream<number>();
    stream.push(1);
    stream.end();
    stream.push(2);
    expect(await collect(stream)).toEqual([1]);
  });
});
