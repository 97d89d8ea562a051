import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { BatonError } from "../errors/baton-error.js";
import { TimeoutError } from "../errors/timeout-error.js";
import { fakeAgent } from "../test-support/fake-agent.js";
import { harness } from "../test-support/harness.js";
import { WorkflowError } from "../workflow/workflow-error.js";
import { foldRunLog } from "./fold-run-log.js";

const badRequest = () => new BatonError("bad request");

describe("Spend of failed steps", () => {
  it("bills a failed agent step: its step-error, its record and the run's totals carry what it spent", async () => {
    const { clock, store, options } = harness();
    const flow = workflow("w").step(
      "a",
      fakeAgent("a", { tokens: 110, cents: 11, fail: badRequest }),
    );
    const run = flow.start("go", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(result.error?.message).toBe("bad request");
    const stepError = store.events(run.id).find((event) => event.type === "step-error");
    expect(stepError).toMatchObject({
      stepId: "a",
      usage: { totalTokens: 110 },
      cost: { totalCents: 11 },
    });
    expect(result.steps.a).toMatchObject({ usage: { totalTokens: 110 }, cost: { totalCents: 11 } });
    expect(result.usage.totalTokens).toBe(110);
    expect(result.cost).toEqual({
      modelCents: 11,
      toolCents: 0,
      totalCents: 11,
      unpricedModels: [],
    });
    expect(foldRunLog(store.events(run.id)).cost.totalCents).toBe(11);
  });

  it("bills a failed sub-workflow once: the parent step carries the child's spend, its failed step included", async () => {
    const { clock, store, options } = harness();
    const child = workflow<string>("child")
      .step("summarize", fakeAgent("summarizer", { tokens: 40, cents: 2 }))
      .step("judge", fakeAgent("judge", { tokens: 110, cents: 11, fail: badRequest }), {
        dependsOn: ["summarize"],
      });
    const parent = workflow("parent").step("sub", child);
    const run = parent.start("notes", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(WorkflowError.isInstance(result.error)).toBe(true);
    const [childRun] = await store.listRuns({ parentId: run.id });
    const childState = foldRunLog(store.events(childRun!.id));
    expect(childState.usage.totalTokens).toBe(150);
    expect(childState.cost.totalCents).toBe(13);
    expect(result.steps.sub).toMatchObject({
      status: "failed",
      usage: { totalTokens: 150 },
      cost: { totalCents: 13 },
    });
    expect(result.usage.totalTokens).toBe(150);
    expect(result.cost.totalCents).toBe(13);
  });

  it("bills an agent step that timed out for what it spent before its time ran out", async () => {
    const { clock, store, options } = harness();
    const agent = fakeAgent("slow", {
      model: "primary",
      tokens: 100,
      cents: 4,
      delayMs: 60,
      fail: (model) => (model === "primary" ? badRequest() : undefined),
    });
    const flow = workflow("w").step("s", agent, { timeout: 100, fallbackModels: ["backup"] });
    const run = flow.start("x", options);
    await clock.runAll();
    const result = await run.result;
    expect(agent.calls.map((call) => call.model)).toEqual(["primary", "backup"]);
    expect(result.status).toBe("failed");
    expect(TimeoutError.isInstance(result.error)).toBe(true);
    expect(result.error?.message).toBe('Step "s" timed out after 100 ms');
    expect(result.steps.s).toMatchObject({
      status: "failed",
      endedAt: 100,
      error: { name: "TimeoutError" },
      usage: { totalTokens: 100 },
      cost: { totalCents: 4 },
    });
    expect(store.events(run.id).find((event) => event.type === "step-error")).toMatchObject({
      usage: { totalTokens: 100 },
    });
  });

  it("fails a runnable step that ignores its timeout's abort, one turn after the timeout", async () => {
    const { clock, options } = harness();
    const deaf = {
      name: "deaf",
      kind: "agent" as const,
      execute: () => new Promise<never>(() => {}),
    };
    const run = workflow("w").step("s", deaf, { timeout: 10 }).start("x", options);
    await clock.runAll();
    const result = await run.result;
    expect(TimeoutError.isInstance(result.error)).toBe(true);
    expect(result.steps.s).toMatchObject({ status: "failed", endedAt: 10 });
  });
});
