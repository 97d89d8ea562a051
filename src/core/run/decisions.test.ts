import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import type { Outcome } from "../outcome.js";
import type { RunContext } from "../run-context.js";
import { harness, trace } from "../test-support/harness.js";
import { foldRunLog, noCost, noUsage } from "./fold-run-log.js";

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

describe("A step's run context", () => {
  it("names the step to what an agent step and a function step run", async () => {
    const { clock, options } = harness();
    const seen: string[] = [];
    const probe = {
      kind: "agent" as const,
      name: "probe",
      async execute(_input: unknown, context: RunContext): Promise<Outcome> {
        await Promise.resolve();
        seen.push(`${context.runId}/${context.stepId}`);
        return { status: "succeeded", output: "ok", usage: noUsage, cost: noCost };
      },
    };
    const flow = workflow("scoped")
      .step("agent-step", probe)
      .step("function-step", ({ runId, stepId }) => {
        seen.push(`${runId}/${stepId}`);
      });
    const run = flow.start(undefined, options);
    await clock.runAll();
    await run.result;
    expect(seen.sort()).toEqual([`${run.id}/agent-step`, `${run.id}/function-step`]);
  });

  it("stops only its step when a tool call asks for approval, and reruns it once decided", async () => {
    const { clock, store, options } = harness();
    let attempts = 0;
    const asker = {
      kind: "agent" as const,
      name: "asker",
      async execute(_input: unknown, context: RunContext): Promise<Outcome> {
        attempts++;
        const decided = context.approvals.records.find((record) => record.decision?.approved);
        if (!decided) {
          context.approvals.request({ toolCallId: "t1", tool: "send", input: { to: "x" } });
          expect(context.signal.aborted).toBe(true);
          return {
            status: "failed",
            error: new Error("stopped for approval"),
            usage: noUsage,
            cost: noCost,
          };
        }
        return { status: "succeeded", output: { text: "sent" }, usage: noUsage, cost: noCost };
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
