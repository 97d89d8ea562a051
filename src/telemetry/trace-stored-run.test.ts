import { describe, expect, it } from "vitest";
import { MemoryStore } from "../stores/memory/memory-store.js";
import { ManualClock } from "../testing/manual-clock.js";
import { telemetry } from "./telemetry.js";
import { memoryTracing, reportWorkflow, spanOutline, viewSpans } from "./test-support.js";
import { traceEvents } from "./trace-events.js";
import { traceStoredRun } from "./trace-stored-run.js";

/** What a span says, without the ids that differ from one tracing to the next. */
function comparable(spans: Parameters<typeof viewSpans>[0]) {
  return viewSpans(spans)
    .map(({ spanId: _span, traceId: _trace, ...rest }) => rest)
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe("traceStoredRun()", () => {
  it("gives a stored run tree the spans it had live: same tree, times and attributes", async () => {
    const clock = new ManualClock(1_750_000_000_000);
    const store = new MemoryStore();
    const live = memoryTracing();
    const run = reportWorkflow(clock).start("tides", {
      clock,
      store,
      telemetry: telemetry({ tracer: live.tracer }),
    });
    expect((await clock.runUntil(run.result)).status).toBe("succeeded");

    const replayed = memoryTracing();
    await traceStoredRun(store, run.id, { tracer: replayed.tracer });

    const spans = replayed.exporter.getFinishedSpans();
    expect(spans).toHaveLength(11);
    expect(spanOutline(spans)).toEqual(spanOutline(live.exporter.getFinishedSpans()));
    expect(comparable(spans)).toEqual(comparable(live.exporter.getFinishedSpans()));
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(1);
  });

  it("checks its arguments", async () => {
    await expect(traceStoredRun(null as never, "run_1")).rejects.toThrow(
      "traceStoredRun: expected store to be a RunStore, received null",
    );
    await expect(traceStoredRun(new MemoryStore(), "")).rejects.toThrow(
      "traceStoredRun: expected runId to be a non-empty string, received ",
    );
  });
});

describe("traceEvents()", () => {
  it("traces a run's event stream, as another process would read it", async () => {
    const clock = new ManualClock(1_750_000_000_000);
    const run = reportWorkflow(clock).start("tides", { clock });
    const { exporter, tracer } = memoryTracing();
    const traced = traceEvents(run.events, { tracer });
    await clock.runUntil(run.result);
    await traced;
    expect(spanOutline(exporter.getFinishedSpans())).toContain("        invoke_agent researcher");
    expect(exporter.getFinishedSpans()).toHaveLength(11);
  });

  it("checks its arguments", async () => {
    await expect(traceEvents(5 as never)).rejects.toThrow(
      "traceEvents: expected events to be an iterable or async iterable of Baton events, received number",
    );
  });
});
