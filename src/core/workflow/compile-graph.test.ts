import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";

const noop = async () => undefined;

/** A workflow whose steps s0 <- s1 <- ... form one chain, added in `order`. */
function chain(count: number, order: "dependencies-first" | "dependents-first") {
  const flow = workflow("chain");
  for (let position = 0; position < count; position++) {
    const index = order === "dependencies-first" ? position : count - 1 - position;
    flow.step(`s${index}`, noop, index > 0 ? { dependsOn: [`s${index - 1}`] } : {});
  }
  return flow;
}

describe("compileGraph", () => {
  it("orders a 100,000-step chain added in either order, critical path first", {
    timeout: 60_000,
  }, () => {
    for (const order of ["dependencies-first", "dependents-first"] as const) {
      const graph = chain(100_000, order).graph();
      const s0 = graph.steps.find((step) => step.id === "s0")!;
      const last = graph.steps.find((step) => step.id === "s99999")!;
      expect(s0.criticalPath).toBe(100_000);
      expect(last.criticalPath).toBe(1);
    }
  });

  it("names a cycle that runs through 100,000 steps", () => {
    const count = 100_000;
    const flow = workflow("ring");
    for (let index = 0; index < count; index++)
      flow.step(`s${index}`, noop, { dependsOn: [`s${(index + count - 1) % count}`] });
    const message = (() => {
      try {
        flow.graph();
      } catch (error) {
        return (error as Error).message;
      }
      return "no error";
    })();
    const names = message.replace(/^Workflow "ring" has a cycle: /, "").split(" -> ");
    expect(names).toHaveLength(count + 1);
    expect(names[0]).toBe(names.at(-1));
    // Each name is followed by the step that depends on it.
    const misplaced = names.findIndex(
      (name, position) =>
        position > 0 && name !== `s${(Number(names[position - 1]!.slice(1)) + 1) % count}`,
    );
    expect(misplaced).toBe(-1);
  });
});
