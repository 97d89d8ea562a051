import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../testing/manual-clock.js";
import { telemetry } from "./telemetry.js";
import {
  type OtlpCollector,
  type OtlpSpan,
  otlpAttributes,
  reportWorkflow,
  startOtlpCollector,
} from "./test-support.js";

let collector: OtlpCollector;

beforeEach(async () => {
  collector = await startOtlpCollector();
});

afterEach(async () => {
  await collector.close();
});

// Spans exported as a program would export them: the OTLP/HTTP exporter posting JSON to a
// collector, here a small server on 127.0.0.1 that keeps what it receives.

describe("telemetry() exported over OTLP/HTTP", () => {
  it("reaches a collector as one trace, with GenAI and Baton attributes", async () => {
    const clock = new ManualClock(1_750_000_000_000);
    const provider = new TracerProvider({
      spanProcessors: [
        new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: collector.tracesUrl }) }),
      ],
    });
    const run = reportWorkflow(clock).start("tides", {
      clock,
      telemetry: telemetry({ tracer: provider.getTracer("report-app") }),
    });
    expect((await clock.runUntil(run.result)).status).toBe("succeeded");
    await provider.forceFlush();
    await provider.shutdown();

    const spans = collector.spans();
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const depth = (span: OtlpSpan | undefined): number =>
      span?.parentSpanId ? 1 + depth(byId.get(span.parentSpanId)) : 0;
    // In start order; spans that start at the same time outermost first, then by name.
    const summary = spans
      .map((span) => ({
        name: span.name,
        parent: span.parentSpanId ? byId.get(span.parentSpanId)?.name : undefined,
        start: BigInt(span.startTimeUnixNano),
        depth: depth(span),
      }))
      .sort(
        (a, b) =>
          (a.start < b.start ? -1 : a.start > b.start ? 1 : 0) ||
          a.depth - b.depth ||
          a.name.localeCompare(b.name),
      )
      .map(({ name, parent }) => `${name} < ${parent ?? "(root)"}`);
    expect(summary).toEqual([
      "invoke_workflow report < (root)",
      "step prepare < invoke_workflow report",
      "step prepare < invoke_workflow report",
      "step research < invoke_workflow report",
      "invoke_workflow research < step research",
      "step ask < invoke_workflow research",
      "invoke_agent researcher < step ask",
      "chat alpha < invoke_agent researcher",
      "chat alpha < invoke_agent researcher",
      "execute_tool lookup < invoke_agent researcher",
      "chat alpha < invoke_agent researcher",
    ]);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);

    const attributes = otlpAttributes;
    const chats = spans.filter((span) => span.name === "chat alpha");
    expect(chats.map((span) => attributes(span)["baton.model_call.attempt"]).sort()).toEqual([
      1, 1, 2,
    ]);
    const failed = chats.find((span) => span.status?.code === 2);
    expect(attributes(failed)).toMatchObject({ "error.type": "429" });
    expect(attributes(spans.find((span) => span.name === "invoke_workflow report"))).toEqual({
      "gen_ai.operation.name": "invoke_workflow",
      "gen_ai.workflow.name": "report",
      "baton.run.id": run.id,
      "gen_ai.usage.input_tokens": 40,
      "gen_ai.usage.output_tokens": 9,
      "baton.cost.cents": 58.5,
      "baton.status": "succeeded",
    });
    expect(attributes(spans.find((span) => span.name === "execute_tool lookup"))).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "lookup",
      "gen_ai.tool.call.id": "call-lookup",
      "baton.step.id": "ask",
    });
    expect(
      spans.find((span) => span.name === "invoke_agent researcher")?.events?.map((e) => e.name),
    ).toEqual(["baton.model_call.retry"]);
    // chat spans are CLIENT (3), the rest INTERNAL (1).
    expect(chats.every((span) => span.kind === 3)).toBe(true);
    expect(collector.requests[0]?.resourceSpans[0]?.scopeSpans[0]?.scope?.name).toBe("report-app");
  });
});
