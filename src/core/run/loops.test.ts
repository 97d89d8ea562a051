import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { fakeAgent } from "../test-support/fake-agent.js";
import { harness, trace } from "../test-support/harness.js";
import { foldRunLog } from "./fold-run-log.js";

describe("Loops", () => {
  it("repeats a step, each iteration seeing the previous output, until the predicate holds", async () => {
    const { clock, store, options } = harness();
    const seen: unknown[] = [];
    const flow = workflow("loop")
      .step(
        "refine",
        async ({ previous, iteration }) => {
          seen.push([iteration, previous]);
          return ((previous as number | undefined) ?? 1) * 2;
        },
        { loop: { until: ({ output }) => (output as number) >= 10, maxIterations: 10 } },
      )
      .step("use", async ({ results }) => results.refine + 1, { dependsOn: ["refine"] });
    const run = flow.start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    expect(seen).toEqual([
      [1, undefined],
      [2, 2],
      [3, 4],
      [4, 8],
    ]);
    expect(result.output).toBe(17);
    expect(result.steps.refine).toMatchObject({ output: 16, iterations: 4, attempts: 4 });
    expect(trace(store, run.id, ["step-start", "step-end"])).toEqual([
      "step-start:refine",
      "step-start:refine",
      "step-start:refine",
      "step-start:refine",
      "step-end:refine",
      "step-start:use",
      "step-end:use",
    ]);
    expect(foldRunLog(store.events(run.id)).steps.refine!.iterations).toBe(4);
  });

  it("stops at maxIterations even when the predicate never holds", async () => {
    const { clock, options } = harness();
    let calls = 0;
    const flow = workflow("loop").step("spin", async () => ++calls, {
      loop: { until: () => false, maxIterations: 3 },
    });
    const run = flow.start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(result.output).toBe(3);
    expect(calls).toBe(3);
  });

  it("re-evaluates an agent step's input each iteration and sums its usage", async () => {
    const { clock, options } = harness();
    const writer = fakeAgent("writer", { tokens: 10, delayMs: 1 });
    const flow = workflow("loop").step("draft", writer, {
      input: ({ previous, iteration }) =>
        iteration === 1 ? "start" : `improve: ${(previous as { text: string }).text}`,
      loop: { until: ({ iteration }) => iteration === 2, maxIterations: 5 },
    });
    const run = flow.start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    expect(writer.calls.map((call) => call.input)).toEqual(["start", "improve: writer(start)"]);
    expect(result.steps.draft!.usage.totalTokens).toBe(20);
    expect(result.usage.totalTokens).toBe(20);
  });

  it("fails the step when the predicate throws", async () => {
    const { clock, options } = harness();
    const flow = workflow("loop").step("s", async () => 1, {
      loop: {
        until: () => {
          throw new Error("bad predicate");
        },
        maxIterations: 3,
      },
    });
    const run = flow.start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(result.error?.message).toBe("bad predicate");
  });
});
