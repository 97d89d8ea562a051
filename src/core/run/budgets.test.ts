import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { BudgetExceededError } from "../policies/budget-exceeded-error.js";
import { fakeAgent } from "../test-support/fake-agent.js";
import { harness, trace } from "../test-support/harness.js";
import { foldRunLog } from "./fold-run-log.js";

function twoAgents() {
  const first = fakeAgent("first", { model: "m", tokens: 150, cents: 3, delayMs: 10 });
  const second = fakeAgent("second", { model: "m", tokens: 20, cents: 1, delayMs: 10 });
  const flow = workflow("budget")
    .step("a", first)
    .step("b", second, { dependsOn: ["a"] })
    .step("c", async ({ results }) => results.b.text, { dependsOn: ["b"] });
  return { first, second, flow };
}

describe("Budgets in a run", () => {
  it("stops: logs budget-exceeded, fails the step and the run with BudgetExceededError", async () => {
    const { clock, store, options } = harness();
    const { flow, second } = twoAgents();
    const run = flow.start("go", { ...options, budget: { maxTokens: 155 } });
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(BudgetExceededError.isInstance(result.error)).toBe(true);
    expect(result.error).toMatchObject({ scope: "run", action: "stop", spent: { tokens: 150 } });
    expect(second.calls).toHaveLength(0);
    expect(result.steps.b).toMatchObject({
      status: "failed",
      error: { name: "BudgetExceededError" },
    });
    expect(result.steps.c!.status).toBe("skipped");
    expect(trace(store, run.id).slice(-6)).toEqual([
      "step-start:b",
      "budget-exceeded:b",
      "step-error:b",
      "step-skip:c",
      "workflow-error",
      "run-error",
    ]);
  });

  it("switches to the cheaper model once the budget is spent", async () => {
    const { clock, store, options } = harness();
    const { flow, second } = twoAgents();
    const run = flow.start("go", {
      ...options,
      budget: { maxTokens: 155, onExceeded: { switchTo: "cheap" } },
    });
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(second.calls.map((call) => call.model)).toEqual(["cheap"]);
    expect(result.steps.b!.model).toBe("cheap");
    expect(store.events(run.id).find((event) => event.type === "budget-exceeded")).toMatchObject({
      action: "switch-model",
      switchTo: "cheap",
      stepId: "b",
    });
  });

  it("after switching, stops the run once the cheaper model passes the limit's headroom", async () => {
    const { clock, store, options } = harness();
    const agents = ["a", "b", "c", "d"].map((name) =>
      fakeAgent(name, { model: "m", tokens: 100, delayMs: 10 }),
    );
    const flow = workflow("chain");
    for (const [index, agent] of agents.entries()) {
      flow.step(agent.name, agent, index > 0 ? { dependsOn: [agents[index - 1]!.name] } : {});
    }
    const run = flow.start("go", {
      ...options,
      // Switch past 150 tokens; stop past 150 * 1.5 = 225.
      budget: { maxTokens: 150, onExceeded: { switchTo: "cheap", headroom: 0.5 } },
    });
    await clock.runAll();
    const result = await run.result;
    expect(agents.map((agent) => agent.calls.map((call) => call.model))).toEqual([
      ["m"],
      ["m"],
      ["cheap"],
      [],
    ]);
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({
      name: "BudgetExceededError",
      action: "stop",
      limit: { maxTokens: 225 },
      spent: { tokens: 300 },
    });
    expect(result.steps.d).toMatchObject({ status: "failed" });
    expect(
      store
        .events(run.id)
        .filter((event) => event.type === "budget-exceeded")
        .map((event) => [event.stepId, event.action]),
    ).toEqual([
      ["c", "switch-model"],
      ["d", "stop"],
    ]);
  });

  it("checks per-agent budgets", async () => {
    const { clock, options } = harness();
    const { flow } = twoAgents();
    const run = flow.start("go", {
      ...options,
      budget: { perAgent: { second: { maxTokens: 5 } } },
    });
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(result.error).toMatchObject({ scope: "agent", agent: "second" });
  });

  it("pauses: the run ends waiting with the refused step still in flight, and resumes with a new budget", async () => {
    const { clock, store, options } = harness();
    const { flow, first, second } = twoAgents();
    const run = flow.start("go", { ...options, budget: { maxTokens: 155, onExceeded: "pause" } });
    await clock.runAll();
    const waiting = await run.result;
    expect(waiting.status).toBe("waiting");
    expect(waiting.waitReason).toBe("budget-exceeded");
    expect(BudgetExceededError.isInstance(waiting.error)).toBe(true);
    expect(waiting.steps.a!.status).toBe("succeeded");
    expect(waiting.steps.b!.status).toBe("running");
    expect(waiting.steps.c!.status).toBe("pending");
    expect(trace(store, run.id).slice(-3)).toEqual([
      "step-start:b",
      "budget-exceeded:b",
      "run-wait",
    ]);
    expect(store.events(run.id).at(-1)).toMatchObject({
      type: "run-wait",
      reason: "budget-exceeded",
    });
    expect((await store.getRun(run.id))?.status).toBe("waiting");

    const state = foldRunLog(store.events(run.id));
    expect(state.status).toBe("waiting");
    // The budget carries what was spent: 150 + 10 estimated > 155 would refuse again.
    const tooSmall = flow.start("go", {
      ...options,
      resumeFrom: state,
      budget: { maxTokens: 155, onExceeded: "pause" },
    });
    await clock.runAll();
    expect((await tooSmall.result).status).toBe("waiting");

    const resumed = flow.start("go", {
      ...options,
      resumeFrom: foldRunLog(store.events(run.id)),
      budget: { maxTokens: 1_000 },
    });
    await clock.runAll();
    const result = await resumed.result;
    expect(resumed.id).toBe(run.id);
    expect(result.status).toBe("succeeded");
    expect(first.calls).toHaveLength(1);
    expect(second.calls).toHaveLength(1);
    expect(result.usage.totalTokens).toBe(170);
    expect(foldRunLog(store.events(run.id)).steps).toEqual(result.steps);
  });
});
