import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import type { LoggedEvent } from "../ports/run-store.js";
import { harness } from "../test-support/harness.js";
import { TestStore } from "../test-support/test-store.js";
import { foldRunLog } from "./fold-run-log.js";

/** `type:step completed/total percent%` for each event of a log that carries progress. */
function progressLines(events: readonly LoggedEvent[]): string[] {
  return events
    .filter((event) => event.progress !== undefined)
    .map((event) => {
      const { completed, total, percent } = event.progress as {
        completed: number;
        total: number;
        percent: number;
      };
      const step = typeof event.stepId === "string" ? `:${event.stepId}` : "";
      return `${event.type}${step} ${completed}/${total} ${percent}%`;
    });
}

describe("Run progress", () => {
  it("is on every run and step event: steps ended of all, in whole percent rounded down", async () => {
    const { clock, store, options } = harness();
    let tries = 0;
    const flow = workflow("report")
      .step("fetch", () => "data")
      .step(
        "parse",
        () => {
          tries++;
          if (tries === 1) throw new Error("flaky");
          return 2;
        },
        { dependsOn: ["fetch"], retry: { maxAttempts: 2, initialDelayMs: 0, retryOn: () => true } },
      )
      .step("skip", () => 0, { dependsOn: ["fetch"], when: () => false });
    const run = flow.start(undefined, options);
    await clock.runAll();
    await run.result;
    expect(progressLines(store.events(run.id))).toEqual([
      "run-start 0/3 0%",
      "step-start:fetch 0/3 0%",
      "step-end:fetch 1/3 33%",
      "step-skip:skip 2/3 66%",
      "step-start:parse 2/3 66%",
      // A failed attempt that will be retried has not ended the step.
      "step-error:parse 2/3 66%",
      "step-retry:parse 2/3 66%",
      "step-start:parse 2/3 66%",
      "step-end:parse 3/3 100%",
      "run-end 3/3 100%",
    ]);
    // Events that are not a run's or a step's carry none.
    expect(store.events(run.id).filter((event) => event.type.startsWith("workflow-"))).toEqual([
      expect.not.objectContaining({ progress: expect.anything() }),
      expect.not.objectContaining({ progress: expect.anything() }),
    ]);
  });

  it("counts failed and cancelled steps as ended, so a failed run can still reach 100%", async () => {
    const { clock, store, options } = harness();
    const flow = workflow("fragile")
      .step("a", () => {
        throw new Error("no");
      })
      .step("b", () => 1, { dependsOn: ["a"] });
    const run = flow.start(undefined, options);
    await clock.runAll();
    expect((await run.result).status).toBe("failed");
    expect(progressLines(store.events(run.id)).slice(-3)).toEqual([
      "step-error:a 1/2 50%",
      "step-skip:b 2/2 100%",
      "run-error 2/2 100%",
    ]);
  });

  it("gives a sub-workflow's run a progress of its own, over its own steps", async () => {
    const { clock, store, options } = harness();
    const inner = workflow("inner")
      .step("x", () => 1)
      .step("y", () => 2, { dependsOn: ["x"] });
    const outer = workflow("outer")
      .step("prep", () => 0)
      .step("nested", inner, { dependsOn: ["prep"] });
    const run = outer.start(undefined, options);
    await clock.runAll();
    await run.result;
    const [child] = (await store.listRuns({ parentId: run.id })).map((record) => record.id);
    if (!child) throw new Error("no child run");
    expect(progressLines(store.events(child))).toEqual([
      "run-start 0/2 0%",
      "step-start:x 0/2 0%",
      "step-end:x 1/2 50%",
      "step-start:y 1/2 50%",
      "step-end:y 2/2 100%",
      "run-end 2/2 100%",
    ]);
    expect(progressLines(store.events(run.id)).slice(-2)).toEqual([
      "step-end:nested 2/2 100%",
      "run-end 2/2 100%",
    ]);
  });

  it("counts the steps a resumed run had already ended", async () => {
    const { clock, store, options } = harness();
    const flow = workflow("gate")
      .step("draft", () => "text")
      .step("publish", () => "done", { dependsOn: ["draft"], approval: true });
    const first = flow.start(undefined, options);
    await clock.runAll();
    expect((await first.result).status).toBe("waiting");
    expect(progressLines(store.events(first.id)).at(-1)).toBe("run-wait 1/2 50%");

    // Approved, as `approve` logs it, then resumed from the folded log.
    const approval = { type: "approval-decision", at: 0, runId: first.id, stepId: "publish" };
    const state = foldRunLog([...store.events(first.id), { ...approval, approved: true }]);
    const fresh = new TestStore();
    const resumed = flow.start(undefined, { ...options, store: fresh, resumeFrom: state });
    await clock.runAll();
    expect((await resumed.result).status).toBe("succeeded");
    expect(progressLines(fresh.events(resumed.id))).toEqual([
      "run-resume 1/2 50%",
      "step-start:publish 1/2 50%",
      "step-end:publish 2/2 100%",
      "run-end 2/2 100%",
    ]);
  });
});
