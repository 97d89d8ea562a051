import { describe, expect, it } from "vitest";
import { collectSteps, type LooseStep, SpecGraph } from "./spec-graph.js";

/** A graph of steps given as `id: [dependencies]`, in that order. */
function graphOf(dependencies: Record<string, string[]>) {
  const steps = collectSteps(
    Object.entries(dependencies).map(([id, dependsOn]) => ({ id, dependsOn })),
  );
  const byId = new Map<string, LooseStep>(steps.map((step) => [step.id!, step]));
  const graph = new SpecGraph(byId);
  const upstream = (id: string) => {
    const reads = graph.upstreamOf(byId.get(id)!);
    return Object.keys(dependencies).filter((other) => reads(other));
  };
  return { graph, upstream };
}

describe("SpecGraph", () => {
  it("knows every step upstream of a step, through first and later dependencies alike", () => {
    const { upstream } = graphOf({
      plan: [],
      other: [],
      left: ["plan"],
      right: ["plan"],
      join: ["left", "right"],
      // Its first dependency leads nowhere near plan; the second does.
      late: ["other", "join"],
      loose: ["other"],
    });
    expect(upstream("plan")).toEqual([]);
    expect(upstream("join")).toEqual(["plan", "left", "right"]);
    expect(upstream("late")).toEqual(["plan", "other", "left", "right", "join"]);
    expect(upstream("loose")).toEqual(["other"]);
  });

  it("finds one cycle per group of steps that depend on each other, from its first listed step", () => {
    const { graph, upstream } = graphOf({
      a: ["c"],
      b: ["a"],
      c: ["b", "a"],
      d: ["c"],
      x: ["y"],
      y: ["x"],
    });
    expect(graph.cycles).toEqual([
      ["a", "c"],
      ["x", "y"],
    ]);
    // Inside a cycle every step is upstream of every other.
    expect(upstream("a")).toEqual(["b", "c"]);
    expect(upstream("d")).toEqual(["a", "b", "c"]);
  });

  it("ignores unknown dependencies and a step's dependency on itself", () => {
    const { graph, upstream } = graphOf({ a: ["a", "ghost"], b: ["a", "b"] });
    expect(graph.cycles).toEqual([]);
    expect(upstream("b")).toEqual(["a"]);
  });
});
