import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { CancelledError } from "../errors/cancelled-error.js";
import { fakeAgent } from "../test-support/fake-agent.js";
import { harness, sleeper, trace } from "../test-support/harness.js";

describe("Cancellation", () => {
  it("aborts the signal of every running step, ends them cancelled, skips the rest", async () => {
    const { clock, store, options } = harness();
    const reasons: unknown[] = [];
    const watched = async ({ signal }: { signal: AbortSignal }) => {
      signal.addEventListener("abort", () => reasons.push(signal.reason));
      await clock.sleep(100, { signal });
    };
    const agent = fakeAgent("agent", { delayMs: 100 });
    const flow = workflow("cancel")
      .step("a", watched)
      .step("b", agent)
      .step("after", sleeper(clock, 1, null), { dependsOn: ["a", "b"] });
    const run = flow.start("x", options);
    await clock.advance(10);
    run.cancel("user asked");
    const result = await run.result;
    expect(result.status).toBe("cancelled");
    expect(CancelledError.isInstance(result.error)).toBe(true);
    expect(result.error?.message).toBe("user asked");
    expect(reasons).toHaveLength(1);
    expect(CancelledError.isInstance(reasons[0])).toBe(true);
    expect(agent.calls[0]!.context.signal.aborted).toBe(true);
    expect(result.steps.a!.status).toBe("cancelled");
    expect(result.steps.b!.status).toBe("cancelled");
    expect(result.steps.after).toMatchObject({ status: "skipped", skipReason: "cancelled" });
    expect(trace(store, run.id).slice(-5)).toEqual([
      "step-error:a",
      "step-error:b",
      "step-skip:after",
      "workflow-error",
      "run-cancel",
    ]);
    expect(store.events(run.id).at(-1)).toMatchObject({ type: "run-cancel", reason: "user asked" });
    expect(clock.pendingTimers).toBe(0);
  });

  it("cancels through the caller's AbortSignal", async () => {
    const { clock, options } = harness();
    const controller = new AbortController();
    const flow = workflow("cancel").step("a", sleeper(clock, 100, 1));
    const run = flow.start(undefined, { ...options, signal: controller.signal });
    await clock.advance(10);
    controller.abort(new Error("shutting down"));
    const result = await run.result;
    expect(result.status).toBe("cancelled");
    expect(result.error?.message).toBe("shutting down");
  });

  it("starts no step when the signal is already aborted", async () => {
    const { clock, store, options } = harness();
    let ran = false;
    const flow = workflow("cancel").step("a", async () => {
      ran = true;
    });
    const run = flow.start(undefined, { ...options, signal: AbortSignal.abort() });
    await clock.runAll();
    expect((await run.result).status).toBe("cancelled");
    expect(ran).toBe(false);
    expect(trace(store, run.id)).toEqual([
      "run-start",
      "workflow-start",
      "step-skip:a",
      "workflow-error",
      "run-cancel",
    ]);
  });

  it("ignores a step that settles after the run was cancelled", async () => {
    const { clock, store, options } = harness();
    const flow = workflow("cancel").step("stubborn", async () => {
      await clock.sleep(50); // ignores its signal
      return "late";
    });
    const run = flow.start(undefined, options);
    await clock.advance(10);
    run.cancel();
    await clock.runAll();
    const result = await run.result;
    expect(result.steps.stubborn!.status).toBe("cancelled");
    expect(trace(store, run.id).filter((entry) => entry.startsWith("step-end"))).toEqual([]);
  });

  it("does nothing when cancelled after the end", async () => {
    const { clock, options } = harness();
    const run = workflow("done")
      .step("a", async () => 1)
      .start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    run.cancel();
    expect(result.status).toBe("succeeded");
  });
});
