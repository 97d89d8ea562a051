import { describe, expect, it } from "vitest";
import { harness, trace } from "../test-support/harness.js";
import { workflow } from "../workflow/workflow.js";
import { foldRunLog } from "./fold-run-log.js";
import { currentStepScope } from "./step-scope.js";

describe("Run.decide", () => {
  it("lets a live run act on a decision at once, logging it once", async () => {
    const { clock, store, options } = harness();
    const flow = workflow("gate")
      .step("check", () => "checked", { approval: true })
      .step("slow", async ({ signal }) => {
        await clock.sleep(100, { signal });
        return "slow";
      });
    const run = flow.start(undefined, options);
    await clock.advance(10);
    expect(trace(store, run.id, ["approval-request", "step-end"])).toEqual([
      "approval-request:check",
    ]);
    expect(run.decide({ stepId: "check", approved: true, comment: "ok" })).toBe(true);
    await clock.advance(10);
    expect(trace(store, run.id, ["step-end"])).toEqual(["step-end:check"]);
    await clock.runAll();
    expect((await run.result).status).toBe("succeeded");
    expect(run.decide({ stepId: "check", approved: false })).toBe(false);
    expect(trace(store, run.id, ["approval-decision"])).toEqual(["approval-decision:check"]);
    expect(() => run.decide({ stepId: "check", approved: "yes" as never })).toThrow(
      /decision\.approved: expected a boolean/,
    );
  });

  it("does not ask again on resume for an approval a waiting run already asked for", async () => {
    const { clock, store, options } = harness();
    const flow = workflow("gate").step("check", () => "checked", { approval: true });
    const run = flow.start(undefined, options);
    await clock.runAll();
    expect((await run.result).status).toBe("waiting");
    const again = flow.start(undefined, {
      ...options,
      resumeFrom: foldRunLog(store.events(run.id)),
    });
    await clock.runAll();
    expect((await again.result).status).toBe("waiting");
    expect(trace(store, run.id, ["approval-request"])).toEqual(["approval-request:check"]);
  });
});

describe("A step scope", () => {
  it("is there for an agent step's code, and not elsewhere", async () => {
    const { clock, options } = harness();
    const seen: (string | undefined)[] = [];
    const probe = {
      kind: "agent" as const,
      name: "probe",
      async run() {
        await Promise.resolve();
        seen.push(currentStepScope()?.stepId);
        return { usage: undefined as never, cost: undefined as never };
      },
    };
    const flow = workflow("scoped")
      .step("agent-step", probe)
      .step("function-step", () => {
        seen.push(currentStepScope()?.stepId);
      });
    const run = flow.start(undefined, options);
    await clock.runAll();
    await run.result;
    expect(seen.sort()).toEqual(["agent-step", undefined].sort());
    expect(currentStepScope()).toBeUndefined();
  });

  it("stops only its step when a tool call asks for approval, and reruns it once decided", async () => {
    const { clock, store, options } = harness();
    let attempts = 0;
    const asker = {
      kind: "agent" as const,
      name: "asker",
      async run(_input: unknown, runOptions?: { signal?: AbortSignal }) {
        attempts++;
        const scope = currentStepScope()!;
        const decided = scope.toolApprovals.find((record) => record.decision?.approved);
        if (!decided) {
          const error = scope.requestApproval({
            toolCallId: "t1",
            tool: "send",
            input: { to: "x" },
          });
          expect(runOptions?.signal?.aborted).toBe(true);
          throw error;
        }
        return { text: "sent", usage: undefined as never, cost: undefined as never };
      },
    };
    const flow = workflow("tools")
      .step("mail", asker)
      .step("other", async ({ signal }) => {
        await clock.sleep(100, { signal });
        return "independent";
      });
    const run = flow.start(undefined, options);
    await clock.advance(1);
    // "mail" waits; "other" still runs, so the run is live.
    expect(trace(store, run.id, ["approval-request", "step-end"])).toEqual([
      "approval-request:mail",
    ]);
    expect(run.decide({ stepId: "mail", toolCallId: "t1", approved: true })).toBe(true);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(attempts).toBe(2);
    expect(foldRunLog(store.events(run.id)).toolApprovals.mail).toEqual([
      expect.objectContaining({ toolCallId: "t1", tool: "send", decision: { approved: true } }),
    ]);
  });
});
