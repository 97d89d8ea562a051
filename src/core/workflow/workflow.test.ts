import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { ConfigurationError } from "../errors/configuration-error.js";
import { fakeAgent } from "../test-support/fake-agent.js";
import { harness } from "../test-support/harness.js";

const noop = async () => undefined;

describe("Workflow builder", () => {
  it("rejects bad step arguments with TypeErrors naming the step and what arrived", () => {
    const flow = workflow("w");
    expect(() => flow.step("", noop)).toThrow(/step id: expected a non-empty string, received ""/);
    expect(() => flow.step("a", 42 as never)).toThrow(
      /step "a": expected a function, an agent or a workflow, received 42/,
    );
    expect(() => flow.step("a", noop, { dependsOn: "b" as never })).toThrow(
      /step "a" dependsOn: expected an array/,
    );
    expect(() => flow.step("a", noop, { priority: Number.NaN })).toThrow(/step "a" priority/);
    expect(() => flow.step("a", noop, { timeout: 0 })).toThrow(/step "a" timeout/);
    expect(() => flow.step("a", noop, { retry: { maxAttempts: 0 } })).toThrow(
      /step "a" retry.maxAttempts/,
    );
    expect(() => flow.step("a", noop, { loop: { until: () => true, maxIterations: 0 } })).toThrow(
      /step "a" loop.maxIterations/,
    );
    expect(() => flow.step("a", noop, { bogus: 1 } as never)).toThrow(/unknown option "bogus"/);
  });

  it("rejects a duplicate step id at .step with a ConfigurationError", () => {
    const flow = workflow("w").step("a", noop);
    const error = (() => {
      try {
        flow.step("a", noop);
      } catch (caught) {
        return caught;
      }
    })();
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/already has a step "a"/);
  });

  it("rejects self-dependencies and a quorum above the dependency count at once", () => {
    expect(() => workflow("w").step("a", noop, { dependsOn: ["a"] })).toThrow(/depends on itself/);
    expect(() => workflow("w").step("j", noop, { dependsOn: ["a"], quorum: 2 })).toThrow(
      /quorum 2 but only 1 dependencies/,
    );
  });

  it("rejects unknown dependencies at start, before anything runs", () => {
    const { options, store } = harness();
    const flow = workflow("w")
      .step("a", noop)
      .step("b", noop, { dependsOn: ["zzz"] });
    expect(() => flow.start(undefined, options)).toThrow(/step "b" depends on unknown step "zzz"/);
    expect(store.calls).toEqual([]);
  });

  it("names the cycle", () => {
    const flow = workflow("w")
      .step("start", noop)
      .step("a", noop, { dependsOn: ["start", "c"] })
      .step("b", noop, { dependsOn: ["a"] })
      .step("c", noop, { dependsOn: ["b"] });
    expect(() => flow.graph()).toThrow(
      /has a cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)/,
    );
    expect(() => flow.start(undefined)).toThrow(ConfigurationError);
  });

  it("rejects a route on a step nothing depends on", () => {
    const flow = workflow("w").step("a", noop, { route: () => "b" });
    expect(() => flow.graph()).toThrow(/step "a" has a route but no step depends on it/);
  });

  it("rejects bad start options with TypeErrors", () => {
    const flow = workflow("w").step("a", noop);
    expect(() => flow.start(undefined, { concurrency: 0 })).toThrow(/concurrency/);
    expect(() => flow.start(undefined, { failureMode: "maybe" as never })).toThrow(/failureMode/);
    expect(() => flow.start(undefined, { limits: { m: { concurrency: -1 } } })).toThrow(
      /limits\["m"\].concurrency/,
    );
    expect(() => flow.start(undefined, { budget: { maxTokens: -5 } })).toThrow(/budget.maxTokens/);
  });

  it("describes its graph: steps, kinds, edges and critical path", () => {
    const researcher = fakeAgent("researcher");
    const flow = workflow("report")
      .step("facts", researcher, { estimatedMs: 100 })
      .step("outline", noop, { priority: 2 })
      .step("draft", noop, { dependsOn: ["facts", "outline"], quorum: 1, estimatedMs: 50 });
    const graph = flow.graph();
    expect(graph.name).toBe("report");
    expect(graph.edges).toEqual([
      { from: "facts", to: "draft" },
      { from: "outline", to: "draft" },
    ]);
    expect(graph.steps.map((step) => [step.id, step.kind, step.target, step.criticalPath])).toEqual(
      [
        ["facts", "agent", "researcher", 150],
        ["outline", "function", undefined, 51],
        ["draft", "function", undefined, 50],
      ],
    );
    expect(graph.steps[2]!.quorum).toBe(1);
    expect(Object.isFrozen(graph.steps)).toBe(true);
  });

  it("is a Runnable of kind workflow", () => {
    const flow = workflow("w");
    expect(flow.kind).toBe("workflow");
    expect(flow.name).toBe("w");
    expect(typeof flow.run).toBe("function");
  });
});
