import { describe, expect, it } from "vitest";
import { runFifo } from "./fifo-scheduler.js";
import type { StepSpec } from "./workload.js";

const steps: StepSpec[] = [
  { id: "a", ms: 0, deps: [] },
  { id: "b", ms: 0, deps: [] },
  { id: "c", ms: 0, deps: ["a"] },
  { id: "d", ms: 0, deps: ["a", "b"] },
  { id: "e", ms: 0, deps: [] },
];

describe("runFifo", () => {
  it("starts ready steps in the order they became ready, within the limit", async () => {
    const started: string[] = [];
    let running = 0;
    let most = 0;
    await runFifo(steps, 2, async (id) => {
      started.push(id);
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
    });
    expect(most).toBe(2);
    expect(started).toEqual(["a", "b", "e", "c", "d"]);
  });

  it("rejects when a step fails", async () => {
    await expect(
      runFifo(steps, 4, async (id) => {
        if (id === "c") throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
  });
});
