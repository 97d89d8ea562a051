import { describe, expect, it } from "vitest";
import { CancelledError } from "../core/errors/cancelled-error.js";
import { parseSpec, parseSpecWork } from "./parse-spec.js";
import { chainSpec } from "./test-support/chain-spec.js";
import { finishWork, finishWorkAsync, type Work } from "./work.js";

function* counting(slices: number, trace: string[]): Work<number> {
  for (let slice = 0; slice < slices; slice++) {
    trace.push(`slice ${slice}`);
    yield;
  }
  return slices;
}

describe("finishWork / finishWorkAsync", () => {
  it("run work to the same end, at once or a slice at a time", async () => {
    expect(finishWork(counting(3, []))).toBe(3);
    expect(await finishWorkAsync(counting(3, []), { sliceMs: 0 })).toBe(3);
  });

  it("let other tasks run between slices, and stop when the signal aborts", async () => {
    const trace: string[] = [];
    const controller = new AbortController();
    setImmediate(() => {
      trace.push("abort");
      controller.abort(new Error("received SIGTERM"));
    });
    const error = await finishWorkAsync(counting(1_000_000, trace), {
      signal: controller.signal,
      sliceMs: 0,
    }).catch((caught: unknown) => caught);
    expect(CancelledError.isInstance(error)).toBe(true);
    expect((error as CancelledError).cause).toEqual(new Error("received SIGTERM"));
    expect(trace).toEqual(["slice 0", "abort"]);
  });

  it("stop a large spec's validation part way when the signal aborts", async () => {
    const text = JSON.stringify(chainSpec(20_000));
    const controller = new AbortController();
    let slices = 0;
    const work = parseSpecWork(text, { format: "json" });
    const counted: Work<unknown> = (function* () {
      for (;;) {
        const step = work.next();
        if (step.done) return step.value;
        if (++slices === 3) controller.abort();
        yield;
      }
    })();
    const error = await finishWorkAsync(counted, { signal: controller.signal, sliceMs: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect(CancelledError.isInstance(error)).toBe(true);
    expect(slices).toBe(3);
    // The same text, to the end, is a valid spec.
    expect(parseSpec(text, { format: "json", kind: "workflow" }).steps).toHaveLength(20_000);
  });
});
