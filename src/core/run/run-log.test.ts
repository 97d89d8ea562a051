import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { BatonError } from "../errors/baton-error.js";
import type { BatonEvent } from "../events.js";
import { fakeAgent } from "../test-support/fake-agent.js";
import { harness, label, sleeper } from "../test-support/harness.js";
import { foldRunLog } from "./fold-run-log.js";

async function collect(events: AsyncIterable<BatonEvent>): Promise<string[]> {
  const labels: string[] = [];
  for await (const event of events) labels.push(label(event));
  return labels;
}

describe("Run log", () => {
  it("stores step-start before calling the step, and step-end before dependents start", async () => {
    const { clock, store, options } = harness();
    const mark = (id: string, value: unknown) => async () => {
      store.calls.push(`called:${id}`);
      return value;
    };
    const flow = workflow("wal")
      .step("a", mark("a", 1))
      .step("b", mark("b", 2), { dependsOn: ["a"] });
    const run = flow.start(undefined, options);
    await clock.runAll();
    await run.result;
    expect(store.calls).toEqual([
      "createRun:run_1",
      "append:run_1:run-start,workflow-start,step-start",
      "called:a",
      "append:run_1:step-end,step-start",
      "called:b",
      "append:run_1:step-end,workflow-end,run-end",
      "updateRun:run_1:succeeded",
    ]);
  });

  it("batches the events of one turn into one append", async () => {
    const { clock, store, options } = harness();
    let flow = workflow("fan").step("root", async () => 0);
    for (let index = 0; index < 5; index++) {
      flow = flow.step(`leaf${index}`, sleeper(clock, 10, index), { dependsOn: ["root"] });
    }
    const run = flow.start(undefined, options);
    await clock.runAll();
    await run.result;
    const appends = store.calls.filter((call) => call.startsWith("append"));
    expect(appends[1]).toBe(
      "append:run_1:step-end,step-start,step-start,step-start,step-start,step-start",
    );
  });

  it("folds the log into exactly the state the result reports", async () => {
    const { clock, store, options } = harness();
    const flaky = Object.assign(new BatonError("flaky"), { isRetryable: true });
    let tries = 0;
    const flow = workflow("mixed", { failureMode: "continue" })
      .step("agent", fakeAgent("agent", { tokens: 42, cents: 3 }))
      .step(
        "retry",
        async () => {
          if (++tries < 2) throw flaky;
          return "ok";
        },
        { retry: { initialDelayMs: 5, jitter: 0 } },
      )
      .step("route", async () => "left", { route: () => "left", dependsOn: ["agent"] })
      .step("left", async () => "L", { dependsOn: ["route"] })
      .step("right", async () => "R", { dependsOn: ["route"] })
      .step("broken", async () => {
        throw new Error("broken");
      })
      .step("after-broken", async () => 1, { dependsOn: ["broken"] });
    const run = flow.start("in", options);
    await clock.runAll();
    const result = await run.result;
    const state = foldRunLog(store.events(run.id));
    expect(state.steps).toEqual(result.steps);
    expect(state.usage).toEqual(result.usage);
    expect(state.cost).toEqual(result.cost);
    expect(state.status).toBe(result.status);
    expect(state.error).toEqual(result.loggedError);
    expect(state).toMatchObject({ runId: run.id, workflow: "mixed", input: "in" });
    expect(result.steps.retry).toMatchObject({ attempts: 2, status: "succeeded" });
    expect(result.steps.agent!.usage.totalTokens).toBe(42);
  });

  it("streams every event to every consumer, ending after the final event", async () => {
    const { clock, store, options } = harness();
    const flow = workflow("stream").step("a", sleeper(clock, 5, 1));
    const run = flow.start(undefined, options);
    const early = collect(run.events);
    await clock.runAll();
    await run.result;
    const late = collect(run.events);
    const logged = store.events(run.id).map(label);
    expect(await early).toEqual(logged);
    expect(await late).toEqual(logged);
    expect(logged.at(-1)).toBe("run-end");
  });

  it("updates the run record with the final status and output", async () => {
    const { clock, store, options } = harness();
    const run = workflow("record")
      .step("a", async () => "out")
      .start("in", {
        ...options,
        metadata: { owner: "me" },
        definition: { spec: 1 },
      });
    await clock.runAll();
    await run.result;
    expect(await store.getRun(run.id)).toMatchObject({
      workflow: "record",
      status: "succeeded",
      output: "out",
      input: "in",
      metadata: { owner: "me" },
      definition: { spec: 1 },
    });
  });

  it("logs to a fresh MemoryStore when no store is given", async () => {
    const { clock, ids } = harness();
    const run = workflow("default-store")
      .step("a", sleeper(clock, 5, "out"))
      .start(undefined, { clock, ids });
    const streamed = collect(run.events);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(await streamed).toEqual([
      "run-start",
      "workflow-start",
      "step-start:a",
      "step-end:a",
      "workflow-end",
      "run-end",
    ]);
  });

  it("fails the run, without running further steps, when the store cannot append", async () => {
    const { clock, store, options } = harness();
    let ran = false;
    store.failNextAppend = new Error("disk full");
    const run = workflow("broken-store")
      .step("a", async () => {
        ran = true;
      })
      .start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(result.error?.message).toBe("disk full");
    expect(ran).toBe(false);
  });
});
