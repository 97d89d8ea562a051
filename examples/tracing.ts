/**
 * OpenTelemetry traces of a run: the run, its steps, a sub-workflow, the agents, every model
 * call attempt and every tool call become spans following the GenAI semantic conventions,
 * retries and a model fallback included, and each model call's HTTP request carries the W3C
 * `traceparent` of its `chat` span.
 *
 * Runs offline. The models are a local fake OpenAI-compatible server (a scripted stand-in for
 * a model API, from baton-ai/testing), so the example can show the headers a model API
 * receives. Spans are kept in memory and printed as a tree; with OTEL_EXPORTER_OTLP_ENDPOINT
 * set (e.g. http://localhost:4318 for a local Jaeger), they are also sent over OTLP/HTTP.
 *
 *   npx tsx examples/tracing.ts
 */
import { SpanStatusCode } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import {
  BatchSpanProcessor,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { tool } from "ai";
import { z } from "zod";
import { agent, workflow } from "../src/index.js";
import { telemetry } from "../src/telemetry/index.js";
import { startFakeOpenAIServer } from "../src/testing/index.js";

// 1. An OpenTelemetry SDK: here spans go to memory (and to a collector when one is named).
const memory = new InMemorySpanExporter();
const spanProcessors: SpanProcessor[] = [new SimpleSpanProcessor({ exporter: memory })];
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  // Reads OTEL_EXPORTER_OTLP_ENDPOINT (and _HEADERS) itself; posts to <endpoint>/v1/traces.
  spanProcessors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter() }));
}
const provider = new TracerProvider({ spanProcessors });

// 2. The stand-in model API and what it will answer, in order.
const api = await startFakeOpenAIServer();
api.enqueueFor(
  "fast-model",
  { fault: "server-error", status: 503 }, // retried
  { toolCalls: [{ name: "lookup", arguments: { topic: "tides" } }] },
  { text: "Tides are caused by the moon's gravity." },
);
api.enqueueFor(
  "big-model",
  { fault: "server-error", status: 500 }, // no retries left: falls back to small-model
);
api.enqueueFor("small-model", { text: "Twice a day, the moon pulls the sea." });
const modelOptions = { baseURL: api.baseURL, env: {} };
const prices = {
  "openai-compatible:fast-model": { inputPerMillion: 150, outputPerMillion: 600 },
  "openai-compatible:small-model": { inputPerMillion: 150, outputPerMillion: 600 },
};

// 3. A workflow: a flaky step, a sub-workflow with an agent and a tool, a writer that falls back.
let outlineCalls = 0;
const lookup = tool({
  description: "Looks a fact up.",
  inputSchema: z.object({ topic: z.string() }),
  execute: async ({ topic }) => ({ fact: `${topic} follow the moon`, costInCents: 0.5 }),
});
const researcher = agent({
  name: "researcher",
  model: "openai-compatible:fast-model",
  modelOptions,
  tools: { lookup },
  prices,
  retry: { maxAttempts: 2, initialDelayMs: 20, jitter: 0 },
});
const writer = agent({
  name: "writer",
  model: "openai-compatible:big-model",
  fallbackModels: ["openai-compatible:small-model"],
  modelOptions,
  prices,
  retry: { maxAttempts: 1 },
});
const research = workflow<string>("research", {
  output: (results) => (results.ask as { text: string }).text,
}).step("ask", researcher);
const brief = workflow<string>("brief")
  .step(
    "outline",
    ({ input }) => {
      outlineCalls += 1;
      if (outlineCalls === 1) throw Object.assign(new Error("busy"), { isRetryable: true });
      return `What causes ${input}?`;
    },
    { retry: { maxAttempts: 2, initialDelayMs: 10, jitter: 0 } },
  )
  .step("research", research, { dependsOn: ["outline"], input: ({ results }) => results.outline })
  .step("write", writer, {
    dependsOn: ["research"],
    input: ({ results }) =>
      `Write one line from: ${(results.research as { output: string }).output}`,
  });

// 4. Run it traced: one telemetry object may trace any number of runs.
const tracing = telemetry({ tracer: provider.getTracer("tracing-example") });
try {
  const result = await brief.run("tides", { telemetry: tracing });
  console.log(`Run ${result.runId}: ${result.status}\n`);
} finally {
  await api.close();
}
await provider.forceFlush();

// 5. What was recorded: the span tree, then the trace context each model request carried.
const spans = memory.getFinishedSpans();
const children = new Map<string | undefined, ReadableSpan[]>();
for (const span of spans) {
  const parent = span.parentSpanContext?.spanId;
  children.set(parent, [...(children.get(parent) ?? []), span]);
}
const startOf = (span: ReadableSpan) => span.startTime[0] * 1e9 + span.startTime[1];
function describe(span: ReadableSpan): string {
  const a = span.attributes;
  const notes = [
    a["gen_ai.usage.input_tokens"]
      ? `${a["gen_ai.usage.input_tokens"]} in / ${a["gen_ai.usage.output_tokens"]} out tokens`
      : "",
    typeof a["baton.cost.cents"] === "number" ? `${a["baton.cost.cents"].toFixed(3)}¢` : "",
    a["baton.step.attempt"] !== undefined ? `attempt ${a["baton.step.attempt"]}` : "",
    a["baton.model_call.attempt"] !== undefined ? `attempt ${a["baton.model_call.attempt"]}` : "",
    span.status.code === SpanStatusCode.ERROR ? `error ${a["error.type"]}` : "",
    ...span.events.filter((event) => event.name.startsWith("baton.")).map((event) => event.name),
  ].filter(Boolean);
  return notes.length > 0 ? `${span.name}  (${notes.join(", ")})` : span.name;
}
function print(parent: string | undefined, depth: number): void {
  for (const span of (children.get(parent) ?? []).sort((a, b) => startOf(a) - startOf(b))) {
    console.log(`${"  ".repeat(depth)}${describe(span)}`);
    print(span.spanContext().spanId, depth + 1);
  }
}
console.log(`Trace ${spans[0]?.spanContext().traceId} (${spans.length} spans):`);
print(undefined, 1);

console.log("\nWhat the model API received:");
const chats = new Map(
  spans.filter((span) => span.name.startsWith("chat ")).map((s) => [s.spanContext().spanId, s]),
);
for (const request of api.requests) {
  const spanId = request.headers.traceparent?.split("-")[2];
  const span = spanId === undefined ? undefined : chats.get(spanId);
  console.log(
    `  ${request.body?.model}: traceparent ${request.headers.traceparent} -> ${span ? describe(span) : "no span"}`,
  );
}
await provider.shutdown();
