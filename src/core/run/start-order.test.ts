import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { harness, sleeper, trace } from "../test-support/harness.js";

async function startOrder(
  build: (
    flow: ReturnType<typeof workflow>,
    step: (ms?: number) => ReturnType<typeof sleeper>,
  ) => ReturnType<typeof workflow>,
) {
  const { clock, store, options } = harness();
  const flow = build(workflow("order"), (ms = 1) => sleeper(clock, ms, null));
  const run = flow.start(undefined, { ...options, concurrency: 1 });
  await clock.runAll();
  await run.result;
  return trace(store, run.id, ["step-start"]).map((entry) => entry.slice("step-start:".length));
}

describe("Scheduler start order", () => {
  it("starts the ready step with the highest priority first", async () => {
    const order = await startOrder((flow, step) =>
      flow
        .step("low", step(), { priority: -1 })
        .step("plain", step())
        .step("high", step(), { priority: 10 })
        .step("mid", step(), { priority: 5 }),
    );
    expect(order).toEqual(["high", "mid", "plain", "low"]);
  });

  it("breaks priority ties by the longest remaining path (critical path first)", async () => {
    const order = await startOrder((flow, step) =>
      flow
        .step("short", step())
        .step("long", step())
        .step("long-2", step(), { dependsOn: ["long"] })
        .step("long-3", step(), { dependsOn: ["long-2"] })
        .step("medium", step())
        .step("medium-2", step(), { dependsOn: ["medium"] }),
    );
    // long (3) first; then long-2 and medium tie at 2 (insertion order decides); then
    // the rank-1 steps in insertion order.
    expect(order).toEqual(["long", "long-2", "medium", "short", "long-3", "medium-2"]);
  });

  it("weighs the critical path by estimatedMs when given", async () => {
    const order = await startOrder((flow, step) =>
      flow
        .step("three-quick", step(), { estimatedMs: 1 })
        .step("three-quick-2", step(), { dependsOn: ["three-quick"], estimatedMs: 1 })
        .step("three-quick-3", step(), { dependsOn: ["three-quick-2"], estimatedMs: 1 })
        .step("one-slow", step(), { estimatedMs: 100 }),
    );
    expect(order[0]).toBe("one-slow");
  });

  it("breaks remaining ties by insertion order", async () => {
    const order = await startOrder((flow, step) =>
      flow.step("c", step()).step("a", step()).step("b", step()),
    );
    expect(order).toEqual(["c", "a", "b"]);
  });

  it("lets priority beat the critical path", async () => {
    const order = await startOrder((flow, step) =>
      flow
        .step("chain", step())
        .step("chain-2", step(), { dependsOn: ["chain"] })
        .step("urgent", step(), { priority: 1 }),
    );
    expect(order).toEqual(["urgent", "chain", "chain-2"]);
  });
});
