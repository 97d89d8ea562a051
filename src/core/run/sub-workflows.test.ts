import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import type { BatonEvent } from "../events.js";
import { BudgetExceededError } from "../policies/budget-exceeded-error.js";
import { fakeAgent } from "../test-support/fake-agent.js";
import { harness, label, sleeper } from "../test-support/harness.js";
import { WorkflowError } from "../workflow/workflow-error.js";

function child(agent = fakeAgent("summarizer", { tokens: 40, cents: 2, delayMs: 5 })) {
  return workflow<string>("child")
    .step("summarize", agent)
    .step("shout", async ({ results }) => results.summarize.text.toUpperCase(), {
      dependsOn: ["summarize"],
    });
}

async function collect(events: AsyncIterable<BatonEvent>): Promise<BatonEvent[]> {
  const all: BatonEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe("Sub-workflows", () => {
  it("runs a workflow as a step; its events reach the parent's stream with parentRunId", async () => {
    const { clock, store, options } = harness();
    const parent = workflow("parent")
      .step("prep", async () => "notes")
      .step("sub", child(), { dependsOn: ["prep"], input: ({ results }) => results.prep })
      .step("after", async ({ results }) => `${results.sub.output}!`, { dependsOn: ["sub"] });
    const run = parent.start(undefined, options);
    const streamed = collect(run.events);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(result.output).toBe("SUMMARIZER(NOTES)!");

    const childRuns = await store.listRuns({ parentId: run.id });
    expect(childRuns).toHaveLength(1);
    const childId = childRuns[0]!.id;
    expect(childRuns[0]).toMatchObject({ workflow: "child", status: "succeeded", input: "notes" });

    const events = await streamed;
    const childEvents = events.filter((event) => event.runId === childId);
    expect(childEvents.map((event) => label(event))).toEqual([
      "run-start",
      "workflow-start",
      "step-start:summarize",
      "model-call-start:summarize",
      "model-call-end:summarize",
      "step-end:summarize",
      "step-start:shout",
      "step-end:shout",
      "workflow-end",
      "run-end",
    ]);
    expect(childEvents.every((event) => event.parentRunId === run.id)).toBe(true);
    // The child's events sit in the stream between the parent's sub step start and end.
    const labels = events.map(
      (event) => `${event.runId === childId ? "child:" : ""}${label(event)}`,
    );
    expect(labels.indexOf("child:run-start")).toBeGreaterThan(labels.indexOf("step-start:sub"));
    expect(labels.indexOf("child:run-end")).toBeLessThan(labels.indexOf("step-end:sub"));
    // The child logs its own run; the parent's log holds only its own events.
    expect(store.events(childId).map((event) => event.type)).toContain("run-end");
    expect(store.events(run.id).every((event) => event.runId === run.id)).toBe(true);
  });

  it("rolls the child's usage and cost up into the parent step and run", async () => {
    const { clock, options } = harness();
    const parent = workflow("parent")
      .step("sub", child())
      .step("own", fakeAgent("own", { tokens: 10, cents: 1 }));
    const run = parent.start("text", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.steps.sub!.usage.totalTokens).toBe(40);
    expect(result.steps.sub!.cost.totalCents).toBe(2);
    expect(result.usage.totalTokens).toBe(50);
    expect(result.cost.totalCents).toBe(3);
  });

  it("fails the parent step with a WorkflowError when the child fails, billing the failed child", async () => {
    const { clock, options } = harness();
    const broken = workflow("broken")
      .step("spend", fakeAgent("spender", { tokens: 30, cents: 1 }))
      .step(
        "crash",
        async () => {
          throw new Error("child crashed");
        },
        { dependsOn: ["spend"] },
      );
    const parent = workflow("parent").step("sub", broken);
    const run = parent.start("x", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(WorkflowError.isInstance(result.error)).toBe(true);
    expect(result.error?.message).toMatch(
      /Workflow "broken" \(run run_1\/sub\) failed: child crashed/,
    );
    expect((result.error as WorkflowError).result.steps.crash!.status).toBe("failed");
    expect(result.steps.sub!.usage.totalTokens).toBe(30);
  });

  it("cancels the child when the parent is cancelled", async () => {
    const { clock, store, options } = harness();
    const slowChild = workflow("slow").step("wait", sleeper(clock, 1_000, 1));
    const run = workflow("parent").step("sub", slowChild).start(undefined, options);
    await clock.advance(10);
    run.cancel();
    await clock.runAll();
    expect((await run.result).status).toBe("cancelled");
    const [childRun] = await store.listRuns({ parentId: run.id });
    expect(childRun?.status).toBe("cancelled");
  });

  it("shares the parent's budget with the child's agents", async () => {
    const { clock, options } = harness();
    const parent = workflow("parent")
      .step("spend", fakeAgent("spender", { tokens: 100 }))
      .step("sub", child(), { dependsOn: ["spend"] });
    const run = parent.start("x", { ...options, budget: { maxTokens: 105 } });
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(BudgetExceededError.isInstance(result.error)).toBe(true);
  });

  it("as a plain Runnable, resolves with the result or rejects with WorkflowError", async () => {
    const { clock, ids, store } = harness();
    const good = child().run("doc", { clock, ids, store } as never);
    await clock.runAll();
    expect((await good).output).toBe("SUMMARIZER(DOC)");
    const bad = workflow("bad")
      .step("x", async () => {
        throw new Error("nope");
      })
      .run(undefined, { clock, ids, store } as never)
      .catch((error: unknown) => error);
    await clock.runAll();
    expect(WorkflowError.isInstance(await bad)).toBe(true);
  });

  it("times out as a whole with RunnableOptions.timeout", async () => {
    const { clock, ids, store } = harness();
    const slow = workflow("slow").step("wait", sleeper(clock, 1_000, 1));
    const running = slow.run(undefined, { clock, ids, store, timeout: 100 } as never);
    const settled = running.catch((error) => error);
    await clock.runAll();
    const error = await settled;
    expect(WorkflowError.isInstance(error)).toBe(true);
    expect(error.result.error.name).toBe("TimeoutError");
    expect(error.result.steps.wait.status).toBe("cancelled");
  });
});
