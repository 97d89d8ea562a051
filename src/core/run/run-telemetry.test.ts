import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import type { BatonEvent } from "../events.js";
import type { RunTelemetry } from "../ports/run-telemetry.js";
import { fakeAgent } from "../test-support/fake-agent.js";
import { harness, label } from "../test-support/harness.js";

/** A telemetry that records what it observes, and what the store held at that moment. */
function recorder(store: { logs: Map<string, unknown[]> }) {
  const observed: Array<{ event: BatonEvent; storedBefore: number }> = [];
  const telemetry: RunTelemetry = {
    observe: (event) => {
      observed.push({ event, storedBefore: store.logs.get(event.runId)?.length ?? 0 });
    },
    modelCallHeaders: () => undefined,
  };
  return { telemetry, observed };
}

/** A workflow whose second step is a sub-workflow (a child run) of one `writer` step. */
function parentWithChild(writer: ReturnType<typeof fakeAgent>) {
  const child = workflow("child").step("inner", writer);
  return workflow("parent")
    .step("look", async () => 1)
    .step("sub", child, { dependsOn: ["look"] });
}

describe("start({ telemetry })", () => {
  it("shows the telemetry each event of the run and of its child runs as it is logged, before it is stored", async () => {
    const { clock, store, options } = harness();
    const { telemetry, observed } = recorder(store);
    const writer = fakeAgent("writer", { delayMs: 5 });
    const run = parentWithChild(writer).start(undefined, { ...options, telemetry });
    await clock.runAll();
    expect((await run.result).status).toBe("succeeded");

    const [childRun] = await store.listRuns({ parentId: run.id });
    const logged = [...store.events(run.id), ...store.events(childRun!.id)];
    expect(observed.map(({ event }) => `${event.runId}:${label(event)}`).sort()).toEqual(
      logged.map((event) => `${String(event.runId)}:${label(event)}`).sort(),
    );
    // Each event reached the telemetry before the store had it.
    for (const { event, storedBefore } of observed) {
      const index = store
        .events(event.runId)
        .findIndex((stored) => stored.at === event.at && label(stored) === label(event));
      expect(storedBefore).toBeLessThanOrEqual(index);
    }
    // The child run's start names the step that started it; its steps get the telemetry.
    expect(
      observed.find(({ event }) => event.type === "run-start" && event.runId === childRun!.id)
        ?.event,
    ).toMatchObject({ parentRunId: run.id, parentStepId: "sub" });
    expect(writer.calls[0]?.context.telemetry).toBe(telemetry);
  });

  it("shows a run nothing more once the telemetry declines it at its workflow-start, nor its steps and child runs", async () => {
    const { clock, store, options } = harness();
    const observed: string[] = [];
    const telemetry: RunTelemetry = {
      observe: (event) => {
        observed.push(`${event.runId}:${label(event)}`);
        return event.type !== "workflow-start";
      },
      modelCallHeaders: () => undefined,
    };
    const writer = fakeAgent("writer");
    const run = parentWithChild(writer).start(undefined, { ...options, telemetry });
    await clock.runAll();
    expect((await run.result).status).toBe("succeeded");
    expect(observed.map((entry) => entry.replace(`${run.id}:`, ""))).toEqual([
      label(store.events(run.id)[0]!),
      label(store.events(run.id)[1]!),
    ]);
    expect(store.events(run.id)[1]?.type).toBe("workflow-start");
    expect(writer.calls[0]?.context.telemetry).toBeUndefined();
  });

  it("shows nothing to a run started without one", async () => {
    const { clock, options } = harness();
    const writer = fakeAgent("writer");
    const run = workflow("plain").step("write", writer).start(undefined, options);
    await clock.runAll();
    expect((await run.result).status).toBe("succeeded");
    expect(writer.calls[0]?.context.telemetry).toBeUndefined();
  });
});
