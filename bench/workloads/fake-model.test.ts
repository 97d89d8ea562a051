import { describe, expect, it } from "vitest";
import { FakeModel } from "./fake-model.js";
import { chain, type WorkloadCase } from "./workload.js";

const twoSteps: WorkloadCase = {
  label: "two",
  steps: chain(2, 0),
  shape: { kind: "chain" },
  idealMs: 0,
};

describe("FakeModel", () => {
  it("returns its input plus one", async () => {
    const model = new FakeModel(twoSteps);
    expect(await model.call("s0", 41)).toBe(42);
  });

  it("reports a step that starts before its dependency ended", async () => {
    const model = new FakeModel(twoSteps);
    await model.call("s1");
    await model.call("s0");
    expect(model.problems(twoSteps)).toContain("s1 started before s0 ended");
  });

  it("reports a run that skipped a step", async () => {
    const model = new FakeModel(twoSteps);
    await model.call("s0");
    expect(model.problems(twoSteps)).toContain("1 step calls, expected 2");
  });

  it("reports more steps at once than the concurrency limit", async () => {
    const limited: WorkloadCase = {
      label: "limited",
      steps: [
        { id: "a", ms: 1, deps: [] },
        { id: "b", ms: 1, deps: [] },
      ],
      shape: { kind: "dag" },
      concurrency: 1,
      idealMs: 2,
    };
    const model = new FakeModel(limited);
    await Promise.all([model.call("a"), model.call("b")]);
    expect(model.problems(limited)).toContain("2 steps ran at once, limit 1");
  });

  it("finds nothing wrong with a faithful run, and forgets the last run on reset", async () => {
    const model = new FakeModel(twoSteps);
    await model.call("s1");
    model.reset();
    await model.call("s0");
    await model.call("s1");
    expect(model.problems(twoSteps)).toEqual([]);
  });
});
