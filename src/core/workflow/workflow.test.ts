import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { ConfigurationError } from "../errors/configuration-error.js";
import { OptionsError } from "../errors/options-error.js";
import { fakeAgent } from "../test-support/fake-agent.js";
import { harness } from "../test-support/harness.js";
import { thrownBy } from "../test-support/thrown-by.js";

const noop = async () => undefined;

describe("Workflow builder", () => {
  it("rejects a bad step id or target with TypeErrors naming the step and what arrived", () => {
    const flow = workflow("w");
    expect(() => flow.step("", noop)).toThrow(/step id: expected a non-empty string, received ""/);
    expect(() => flow.step("a", 42 as never)).toThrow(
      /step "a": expected a function, an agent or a workflow, received 42/,
    );
  });

  it("rejects bad step options with one OptionsError that lists every problem", () => {
    const error = thrownBy(() =>
      workflow("w").step("a", noop, {
        dependsOn: "b",
        priority: Number.NaN,
        timeout: 0,
        retry: { maxAttempts: 0 },
        loop: { until: () => true, maxIterations: 0 },
        dependOn: ["x"],
      } as never),
    );
    expect(OptionsError.isInstance(error)).toBe(true);
    expect((error as OptionsError).message).toBe(
      [
        'Invalid options for step "a" (6 problems):',
        '  dependsOn: expected an array of step ids, received "b"',
        "  priority: expected a finite number, received NaN",
        "  retry.maxAttempts: expected an integer >= 1, received 0",
        "  timeout: expected a number of ms > 0, received 0",
        "  loop.maxIterations: expected an integer >= 1, received 0",
        '  dependOn: unknown option "dependOn" (did you mean "dependsOn"?)',
      ].join("\n"),
    );
  });

  it("rejects bad workflow options the same way", () => {
    expect(() => workflow("w", { failureMode: "maybe", concurency: 2 } as never)).toThrow(
      [
        'Invalid options for workflow("w") (2 problems):',
        '  failureMode: expected "fail-fast" or "continue", received "maybe"',
        '  concurency: unknown option "concurency" (did you mean "concurrency"?)',
      ].join("\n"),
    );
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

  it("rejects bad start and run options with one OptionsError, before anything runs", async () => {
    const flow = workflow("w").step("a", noop);
    expect(() =>
      flow.start(undefined, {
        concurrency: 0,
        failureMode: "maybe",
        limits: { m: { concurrency: -1 } },
        budget: { maxTokens: -5 },
        circuitBreaker: { minimumCals: 5 },
      } as never),
    ).toThrow(
      [
        'Invalid options for workflow("w").start() (5 problems):',
        "  concurrency: expected an integer >= 1 or Infinity, received 0",
        "  budget.maxTokens: expected an integer >= 0, received -5",
        "  limits.m.concurrency: expected an integer >= 1 or Infinity, received -1",
        '  circuitBreaker.minimumCals: unknown option "minimumCals" (did you mean "minimumCalls"?)',
        '  failureMode: expected "fail-fast" or "continue", received "maybe"',
      ].join("\n"),
    );
    await expect(flow.run(undefined, { timeout: -1, retrys: 2 } as never)).rejects.toThrow(
      [
        'Invalid options for workflow("w").run() (2 problems):',
        "  timeout: expected a number of ms > 0, received -1",
        '  retrys: unknown option "retrys" (did you mean "retry"?)',
      ].join("\n"),
    );
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

  it("preloads each agent of its steps and sub-workflows once, and never rejects", async () => {
    const preloaded: string[] = [];
    const preloading = (name: string, fails = false) =>
      Object.assign(fakeAgent(name), {
        preload: async () => {
          preloaded.push(name);
          if (fails) throw new Error(`${name} cannot load`);
        },
      });
    const writer = preloading("writer");
    const inner = workflow("inner").step("x", preloading("broken", true)).step("y", writer);
    const flow = workflow("outer")
      .step("a", writer)
      .step("b", writer)
      .step("c", noop)
      .step("d", inner)
      .step("e", fakeAgent("plain"));
    await expect(flow.preload()).resolves.toBeUndefined();
    expect(preloaded.sort()).toEqual(["broken", "writer"]);
  });
});
