import { describe, expect, it } from "vitest";
import { openDurable } from "../durable/open-durable.js";
import { workflow } from "../runtime/workflow.js";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { telemetry } from "./telemetry.js";
import { memoryTracing, viewSpans } from "./test-support.js";

describe("telemetry() on durable runs", () => {
  it("traces a run until it waits, and its resumed part after approval as a resumed run", async () => {
    const { exporter, tracer } = memoryTracing();
    const flow = workflow<string>("publish")
      .step("draft", async ({ input }) => `draft of ${input}`)
      .step("publish", async ({ results }) => `published ${results.draft}`, {
        dependsOn: ["draft"],
        approval: { message: "Publish?" },
      });
    const durable = await openDurable({
      store: new MemoryStore(),
      workflows: { publish: flow },
      start: { telemetry: telemetry({ tracer }) },
    });
    try {
      const run = durable.start(flow, "post");
      expect((await run.result).status).toBe("waiting");
      await durable.approve(run.id, "publish");
      const resumed = await durable.resume(run.id);
      expect((await resumed.result).status).toBe("succeeded");

      const views = viewSpans(exporter.getFinishedSpans());
      const runs = views.filter((view) => view.name === "invoke_workflow publish");
      expect(runs.map((view) => view.attributes)).toEqual([
        expect.objectContaining({ "baton.run.id": run.id, "baton.status": "waiting" }),
        expect.objectContaining({
          "baton.run.id": run.id,
          "baton.status": "succeeded",
          "baton.run.resumed": true,
        }),
      ]);
      expect(runs[0]?.attributes).not.toHaveProperty("baton.run.resumed");
      // The finished step is not run again: the resumed run's span holds only the approved one.
      const stepsOf = (index: number) =>
        views
          .filter((view) => view.parent === "invoke_workflow publish")
          .filter((view) => view.traceId === runs[index]?.traceId)
          .map((view) => `${view.name}: ${String(view.attributes["baton.status"])}`);
      // A step that needs approval asks before it starts: the request is on the run's span.
      expect(stepsOf(0)).toEqual(["step draft: succeeded"]);
      expect(runs[0]?.events).toContain("baton.approval-request");
      expect(stepsOf(1)).toEqual(["step publish: succeeded"]);
    } finally {
      await durable.close();
    }
  });
});
