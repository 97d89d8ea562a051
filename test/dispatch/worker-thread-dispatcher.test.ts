import { afterAll, describe, expect, it } from "vitest";
import { stepDispatcherConformance } from "../../src/core/ports/step-dispatcher.conformance.js";
import { dispatcherFixtures } from "../../src/core/ports/step-dispatcher.fixtures.js";
import { defaultRuntime } from "../../src/runtime/default-runtime.js";
import { MemoryStore } from "../../src/stores/memory/memory-store.js";
import { endToEndWorkflows } from "./end-to-end-workflows.js";
import { workerThreadDispatcher } from "./worker-thread-dispatcher.js";

const registry = new URL("./registry.ts", import.meta.url);
const dispatcher = workerThreadDispatcher(registry);
afterAll(() => dispatcher.close());

stepDispatcherConformance(
  "a worker_threads dispatcher (JSON in between)",
  async () => ({ dispatcher, workflows: dispatcherFixtures(defaultRuntime) }),
  { crossesJson: true },
);

describe("A workflow whose steps run in a worker thread", () => {
  it("runs end to end as it does in process: outputs, events, usage, child runs", async () => {
    const [report] = Object.values(endToEndWorkflows()) as never as [
      { start: (input: unknown, options: object) => import("../../src/core/run/run.js").Run },
    ];
    const runIn = async (options: object) => {
      const store = new MemoryStore();
      const run = report.start({ topic: "tides" }, { ...options, store });
      const events: string[] = [];
      for await (const event of run.events) events.push(event.type);
      return { result: await run.result, store, events };
    };
    const local = await runIn({});
    const remote = await runIn({ dispatcher });
    const failures = Object.values(remote.result.steps).filter((step) => step.error);
    expect(remote.result.status, JSON.stringify(failures)).toBe("succeeded");
    expect(remote.result.output).toEqual(local.result.output);
    expect((remote.result.output as { title: string }).title).toBe("TIDES");
    expect(remote.result.usage).toEqual(local.result.usage);
    expect(remote.result.usage.totalTokens).toBeGreaterThan(0);
    expect(remote.result.cost).toEqual(local.result.cost);
    // The agents' own events crossed back from the worker into the owner's log.
    const count = (events: string[], type: string) => events.filter((e) => e === type).length;
    expect(count(remote.events, "model-call-end")).toBe(count(local.events, "model-call-end"));
    expect(count(remote.events, "model-call-end")).toBe(2);
    // The sub-workflow ran in the worker and logged its run in the owner's store.
    const children = await remote.store.listRuns({ parentId: remote.result.runId });
    expect(children.map((child) => [child.workflow, child.status])).toEqual([
      ["e2e-title", "succeeded"],
    ]);
  });
});
