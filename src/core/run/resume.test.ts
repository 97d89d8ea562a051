import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import type { LoggedEvent } from "../ports/run-store.js";
import { harness, trace } from "../test-support/harness.js";
import { TestStore } from "../test-support/test-store.js";
import { ApprovalRejectedError } from "../workflow/approval-rejected-error.js";
import { foldRunLog } from "./fold-run-log.js";

describe("Resume from a folded log", () => {
  it("keeps ended steps' recorded outputs, never reruns them, and reruns steps that were in flight", async () => {
    const { clock, store, options } = harness();
    const calls: string[] = [];
    const flow = workflow<number>("crashy")
      .step("a", async ({ input }) => {
        calls.push("a");
        return input + 1;
      })
      .step(
        "b",
        async ({ results, signal }) => {
          calls.push("b");
          await clock.sleep(100, { signal });
          return results.a * 10;
        },
        { dependsOn: ["a"] },
      )
      .step(
        "c",
        async ({ results }) => {
          calls.push("c");
          return results.b + 1;
        },
        { dependsOn: ["b"] },
      );
    const first = flow.start(1, options);
    await clock.advance(10);
    // The process "crashes" here: b is in flight. Only the log survives.
    const surviving: LoggedEvent[] = store.events(first.id);
    const state = foldRunLog(surviving);
    expect(state.steps.a).toMatchObject({ status: "succeeded", output: 2 });
    expect(state.steps.b!.status).toBe("running");
    first.cancel();

    const fresh = new TestStore();
    calls.length = 0;
    const resumed = flow.start(999, { ...options, store: fresh, resumeFrom: state });
    await clock.runAll();
    const result = await resumed.result;
    expect(resumed.id).toBe(first.id);
    expect(result.status).toBe("succeeded");
    expect(result.output).toBe(21);
    expect(calls).toEqual(["b", "c"]);
    expect(result.steps.b!.attempts).toBe(2);
    expect(trace(fresh, resumed.id).slice(0, 3)).toEqual([
      "run-resume",
      "workflow-start",
      "step-start:b",
    ]);
    // The whole log (before and after the crash) folds to the result.
    expect(foldRunLog([...surviving, ...fresh.events(resumed.id)]).steps).toEqual(result.steps);
  });

  it("keeps recorded failures and route choices", async () => {
    const { clock, store, options } = harness();
    let routeCalls = 0;
    let brokenCalls = 0;
    const flow = workflow("kept", { failureMode: "continue" })
      .step("broken", async () => {
        brokenCalls++;
        throw new Error("broken");
      })
      .step("pick", async () => "x", {
        route: () => {
          routeCalls++;
          return "left";
        },
      })
      .step("left", async () => "L", { dependsOn: ["pick"] })
      .step("right", async () => "R", { dependsOn: ["pick"] });
    const run = flow.start(undefined, options);
    await clock.runAll();
    await run.result;
    const again = flow.start(undefined, {
      ...options,
      store: new TestStore(),
      resumeFrom: foldRunLog(store.events(run.id)),
    });
    await clock.runAll();
    const result = await again.result;
    expect(brokenCalls).toBe(1);
    expect(routeCalls).toBe(1);
    expect(result.status).toBe("failed");
    expect(result.steps.right!.skipReason).toBe("route");
  });

  it("continues appending to the run's existing record in the same store", async () => {
    const { clock, store, options } = harness();
    const flow = workflow("same-store")
      .step("a", async () => 1)
      .step("b", async () => 2, {
        approval: true,
        dependsOn: ["a"],
      });
    const run = flow.start(undefined, options);
    await clock.runAll();
    expect((await run.result).status).toBe("waiting");
    await store.append(run.id, [
      { type: "approval-decision", at: 1, runId: run.id, stepId: "b", approved: true },
    ]);
    const resumed = flow.start(undefined, {
      ...options,
      resumeFrom: foldRunLog(store.events(run.id)),
    });
    await clock.runAll();
    expect((await resumed.result).status).toBe("succeeded");
    expect((await store.getRun(run.id))?.status).toBe("succeeded");
    expect(store.calls.filter((call) => call.startsWith("createRun"))).toHaveLength(1);
  });
});

describe("Approvals", () => {
  function approvalFlow() {
    return workflow<string>("publish")
      .step("draft", async ({ input }) => `draft of ${input}`)
      .step("publish", async ({ results }) => `published ${results.draft}`, {
        dependsOn: ["draft"],
        approval: { message: ({ results }) => `Publish "${results.draft}"?` },
      })
      .step("metrics", async () => "counted");
  }

  it("asks for approval and ends the run waiting while other branches finish", async () => {
    const { clock, store, options } = harness();
    const run = approvalFlow().start("post", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("waiting");
    expect(result.waitReason).toBe("approval");
    expect(result.steps.publish!.status).toBe("waiting");
    expect(result.steps.metrics!.status).toBe("succeeded");
    expect(store.events(run.id).find((event) => event.type === "approval-request")).toMatchObject({
      stepId: "publish",
      message: 'Publish "draft of post"?',
    });
    expect(store.events(run.id).at(-1)).toMatchObject({ type: "run-wait", reason: "approval" });
  });

  it("runs the step once an approval decision is in the log", async () => {
    const { clock, store, options } = harness();
    const flow = approvalFlow();
    const run = flow.start("post", options);
    await clock.runAll();
    await run.result;
    const decision = {
      type: "approval-decision",
      at: 0,
      runId: run.id,
      stepId: "publish",
      approved: true,
    };
    const resumed = flow.start("post", {
      ...options,
      store: new TestStore(),
      resumeFrom: foldRunLog([...store.events(run.id), decision]),
    });
    await clock.runAll();
    const result = await resumed.result;
    expect(result.status).toBe("succeeded");
    expect(result.steps.publish!.output).toBe("published draft of post");
  });

  it("fails the step with ApprovalRejectedError when rejected", async () => {
    const { clock, store, options } = harness();
    const flow = approvalFlow();
    const run = flow.start("post", options);
    await clock.runAll();
    await run.result;
    const decision = {
      type: "approval-decision",
      at: 0,
      runId: run.id,
      stepId: "publish",
      approved: false,
      comment: "not yet",
    };
    const resumed = flow.start("post", {
      ...options,
      store: new TestStore(),
      resumeFrom: foldRunLog([...store.events(run.id), decision]),
    });
    await clock.runAll();
    const result = await resumed.result;
    expect(result.status).toBe("failed");
    expect(ApprovalRejectedError.isInstance(result.error)).toBe(true);
    expect(result.error?.message).toBe('Step "publish" was not approved: not yet');
  });
});
