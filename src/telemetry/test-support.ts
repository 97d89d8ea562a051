import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { type HrTime, SpanStatusCode } from "@opentelemetry/api";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { tool } from "ai";
import { z } from "zod";
import { agent } from "../agents/agent.js";
import {
  httpError,
  providerUsage,
  scriptedModel,
  testPrices,
  textReply,
  toolCallReply,
} from "../agents/test-support.js";
import { workflow } from "../runtime/workflow.js";
import type { ManualClock } from "../testing/manual-clock.js";

/** Test helpers for the telemetry tests (not exported from the package). */

/** A flaky function step: fails once with a retryable error, then returns `value`. */
function flaky<T>(value: T) {
  let calls = 0;
  return async () => {
    calls += 1;
    if (calls === 1) throw Object.assign(new Error("flaky once"), { isRetryable: true });
    return value;
  };
}

/**
 * The workflow most tests trace: a step retried once, a sub-workflow whose agent calls a tool
 * after its first model call failed with a 429 and was retried.
 */
export function reportWorkflow(clock: ManualClock) {
  const lookup = tool({
    description: "Looks a fact up",
    inputSchema: z.object({ topic: z.string() }),
    execute: async ({ topic }) => {
      await clock.sleep(40);
      return { fact: `${topic} are caused by the moon`, costInCents: 0.5 };
    },
  });
  const researcher = agent({
    name: "researcher",
    model: scriptedModel(
      "alpha",
      httpError(429),
      toolCallReply([{ name: "lookup", input: { topic: "tides" }, id: "call-lookup" }]),
      textReply("The moon.", providerUsage(30, 4)),
    ),
    tools: { lookup },
    prices: testPrices,
    retry: { maxAttempts: 2, initialDelayMs: 100, jitter: 0 },
  });
  const research = workflow<string>("research").step("ask", researcher);
  return workflow<string>("report")
    .step("prepare", flaky("tides"), { retry: { maxAttempts: 2, initialDelayMs: 10, jitter: 0 } })
    .step("research", research, {
      dependsOn: ["prepare"],
      input: ({ results }) => results.prepare,
    });
}

/** A tracer provider that keeps finished spans in memory; nothing is registered globally. */
export function memoryTracing() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  return { exporter, provider, tracer: provider.getTracer("baton-test") };
}

/** A finished span as the tests compare it: its name, its parent's name, and what it says. */
export interface SpanView {
  name: string;
  parent: string | undefined;
  attributes: Record<string, unknown>;
  events: string[];
  error: string | undefined;
  startMs: number;
  endMs: number;
  spanId: string;
  traceId: string;
}

export function viewSpans(spans: readonly ReadableSpan[]): SpanView[] {
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  return spans
    .map((span) => ({
      name: span.name,
      parent: byId.get(span.parentSpanContext?.spanId ?? "")?.name,
      attributes: { ...span.attributes },
      events: span.events.map((event) => event.name),
      error: span.status.code === SpanStatusCode.ERROR ? (span.status.message ?? "") : undefined,
      startMs: milliseconds(span.startTime),
      endMs: milliseconds(span.endTime),
      spanId: span.spanContext().spanId,
      traceId: span.spanContext().traceId,
    }))
    .sort((a, b) => a.startMs - b.startMs || a.name.localeCompare(b.name));
}

/** The tree of span names, children in start order, indented two spaces a level. */
export function spanOutline(spans: readonly ReadableSpan[]): string[] {
  const children = new Map<string | undefined, ReadableSpan[]>();
  const ids = new Set(spans.map((span) => span.spanContext().spanId));
  for (const span of spans) {
    const parent = span.parentSpanContext?.spanId;
    const key = parent !== undefined && ids.has(parent) ? parent : undefined;
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    const ordered = [...(children.get(parent) ?? [])].sort(
      (a, b) =>
        milliseconds(a.startTime) - milliseconds(b.startTime) ||
        milliseconds(a.endTime) - milliseconds(b.endTime),
    );
    for (const span of ordered) {
      lines.push(`${"  ".repeat(depth)}${span.name}`);
      walk(span.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines;
}

export function milliseconds(time: HrTime): number {
  return time[0] * 1000 + time[1] / 1e6;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}

/** A span as OTLP/HTTP JSON carries it (the fields the tests read). */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  attributes?: Array<{ key: string; value: OtlpValue }>;
  events?: Array<{ name: string }>;
  status?: { code?: number; message?: string };
}

export interface OtlpRequest {
  resourceSpans: Array<{ scopeSpans: Array<{ scope?: { name?: string }; spans: OtlpSpan[] }> }>;
}

/** A local stand-in for an OpenTelemetry collector: keeps every OTLP/HTTP JSON trace export. */
export interface OtlpCollector {
  /** `http://127.0.0.1:<port>`: an `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly endpoint: string;
  /** `<endpoint>/v1/traces`: an exporter's `url`. */
  readonly tracesUrl: string;
  readonly requests: OtlpRequest[];
  /** Every span received so far. */
  spans(): OtlpSpan[];
  close(): Promise<void>;
}

/** Starts an {@link OtlpCollector} on 127.0.0.1 and a free port. */
export async function startOtlpCollector(): Promise<OtlpCollector> {
  const requests: OtlpRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const text = (
        request.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body
      ).toString("utf8");
      if (request.url === "/v1/traces" && request.headers["content-type"] === "application/json") {
        requests.push(JSON.parse(text) as OtlpRequest);
      }
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    tracesUrl: `${endpoint}/v1/traces`,
    requests,
    spans: () =>
      requests.flatMap((request) =>
        request.resourceSpans.flatMap((resource) =>
          resource.scopeSpans.flatMap((scope) => scope.spans),
        ),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An OTLP span's attributes as a plain object. */
export function otlpAttributes(span: OtlpSpan | undefined): Record<string, unknown> {
  return Object.fromEntries(
    (span?.attributes ?? []).map(({ key, value }) => [key, otlpValue(value)]),
  );
}

function otlpValue(attribute: OtlpValue): unknown {
  if (attribute.stringValue !== undefined) return attribute.stringValue;
  if (attribute.intValue !== undefined) return Number(attribute.intValue);
  if (attribute.doubleValue !== undefined) return attribute.doubleValue;
  return attribute.boolValue;
}
