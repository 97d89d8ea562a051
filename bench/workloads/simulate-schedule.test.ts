import { describe, expect, it } from "vitest";
import { remainingPath, simulateSchedule } from "./simulate-schedule.js";
import { criticalPathMs, randomDag, type StepSpec, totalWorkMs } from "./workload.js";

describe("simulateSchedule", () => {
  // One long chain (a1 -> a2) and two short independent steps, on one slot.
  const steps: StepSpec[] = [
    { id: "s1", ms: 5, deps: [] },
    { id: "s2", ms: 5, deps: [] },
    { id: "a1", ms: 10, deps: [] },
    { id: "a2", ms: 10, deps: ["a1"] },
  ];

  it("adds the durations up on one slot, whatever the order", () => {
    expect(simulateSchedule(steps, 1, () => 0)).toBe(30);
  });

  it("finishes sooner with two slots when the critical path starts first", () => {
    const path = remainingPath(steps, (step) => step.ms);
    expect(path.get("a1")).toBe(20);
    expect(simulateSchedule(steps, 2, () => 0)).toBe(25);
    expect(simulateSchedule(steps, 2, (step) => path.get(step.id)!)).toBe(20);
  });

  it("never beats the lower bound on W7's random DAG", () => {
    const dag = randomDag(200, 7);
    const bound = Math.max(criticalPathMs(dag), totalWorkMs(dag) / 4);
    expect(simulateSchedule(dag, 4, () => 0)).toBeGreaterThanOrEqual(bound);
  });
});

describe("randomDag", () => {
  it("draws the same graph for the same seed, with deps on earlier steps only", () => {
    const dag = randomDag(100, 3);
    expect(randomDag(100, 3)).toEqual(dag);
    dag.forEach((step, index) => {
      for (const dep of step.deps) expect(Number(dep.slice(1))).toBeLessThan(index);
      expect(step.ms).toBeGreaterThanOrEqual(1);
      expect(step.ms).toBeLessThanOrEqual(20);
    });
  });
});
