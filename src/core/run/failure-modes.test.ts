import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { harness, sleeper, trace } from "../test-support/harness.js";
import type { StepContext } from "../workflow/step-options.js";

const boom =
  (
    clock: { sleep(ms: number, options?: { signal?: AbortSignal }): Promise<void> },
    ms: number,
    message = "boom",
  ) =>
  async ({ signal }: StepContext) => {
    await clock.sleep(ms, { signal });
    throw new Error(message);
  };

describe("Failure mode fail-fast", () => {
  it("cancels running steps and fails the run on the first failure", async () => {
    const { clock, store, options } = harness();
    const flow = workflow("ff")
      .step("bad", boom(clock, 10))
      .step("slow", sleeper(clock, 100, "slow"))
      .step("next", sleeper(clock, 1, null), { dependsOn: ["slow"] });
    const run = flow.start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(result.error?.message).toBe("boom");
    expect(result.steps.bad!.status).toBe("failed");
    expect(result.steps.slow!.status).toBe("cancelled");
    expect(result.steps.next).toMatchObject({ status: "skipped", skipReason: "cancelled" });
    expect(result.steps.slow!.endedAt).toBe(10);
    expect(store.events(run.id).at(-1)).toMatchObject({
      type: "run-error",
      error: { message: "boom" },
    });
  });
});

describe("Failure mode continue", () => {
  it("skips dependents of a failed step (upstream-failed) and lets independent branches finish", async () => {
    const { clock, store, options } = harness();
    const flow = workflow("cont", { failureMode: "continue" })
      .step("bad", boom(clock, 10))
      .step("after-bad", sleeper(clock, 1, null), { dependsOn: ["bad"] })
      .step("after-after", sleeper(clock, 1, null), { dependsOn: ["after-bad"] })
      .step("good", sleeper(clock, 50, "good"))
      .step("after-good", sleeper(clock, 5, "done"), { dependsOn: ["good"] });
    const run = flow.start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(result.error?.message).toBe("boom");
    expect(result.steps["after-bad"]).toMatchObject({
      status: "skipped",
      skipReason: "upstream-failed",
    });
    expect(result.steps["after-after"]).toMatchObject({
      status: "skipped",
      skipReason: "upstream-failed",
    });
    expect(result.steps["after-good"]).toMatchObject({
      status: "succeeded",
      output: "done",
      endedAt: 55,
    });
    expect(trace(store, run.id, ["step-skip"])).toEqual([
      "step-skip:after-bad",
      "step-skip:after-after",
    ]);
  });

  it("can be chosen per run", async () => {
    const { clock, options } = harness();
    const flow = workflow("cont")
      .step("bad", boom(clock, 10))
      .step("good", sleeper(clock, 50, 1));
    const run = flow.start(undefined, { ...options, failureMode: "continue" });
    await clock.runAll();
    expect((await run.result).steps.good!.status).toBe("succeeded");
  });
});

describe("Quorum joins", () => {
  function quorumFlow(
    clock: Parameters<typeof sleeper>[0],
    failing: number,
    failureMode: "fail-fast" | "continue",
  ) {
    let flow = workflow("quorum", { failureMode });
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      const id = `vote${index}`;
      ids.push(id);
      flow = flow.step(id, index < failing ? boom(clock, 5 + index) : sleeper(clock, 10, index));
    }
    return flow.step(
      "tally",
      async ({ results }) => ids.filter((id) => id in results).map((id) => results[id]),
      { dependsOn: ids, quorum: 2 },
    );
  }

  it("runs the join once enough dependencies succeeded and the run succeeds (failures tolerated)", async () => {
    for (const mode of ["fail-fast", "continue"] as const) {
      const { clock, options } = harness();
      const run = quorumFlow(clock, 1, mode).start(undefined, options);
      await clock.runAll();
      const result = await run.result;
      expect(result.status).toBe("succeeded");
      expect(result.output).toEqual([1, 2]);
      expect(result.steps.vote0!.status).toBe("failed");
      expect(result.steps.tally!.startedAt).toBe(10);
    }
  });

  it("skips the join (upstream-failed) and fails the run when the quorum cannot be met", async () => {
    const { clock, options } = harness();
    const run = quorumFlow(clock, 2, "continue").start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(result.steps.tally).toMatchObject({ status: "skipped", skipReason: "upstream-failed" });
  });

  it("fails fast as soon as a quorum becomes unreachable", async () => {
    const { clock, options } = harness();
    const run = quorumFlow(clock, 2, "fail-fast").start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(result.steps.vote0!.status).toBe("failed");
    expect(result.steps.vote1!.status).toBe("failed");
    expect(result.steps.vote2!.status).toBe("cancelled");
    expect(result.steps.vote2!.endedAt).toBe(6);
  });
});
