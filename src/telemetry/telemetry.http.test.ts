import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { agent } from "../agents/agent.js";
import type { Clock } from "../core/ports/clock.js";
import { systemClock } from "../runtime/system-clock.js";
import { workflow } from "../runtime/workflow.js";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.js";
import { telemetry } from "./telemetry.js";
import { memoryTracing, viewSpans } from "./test-support.js";

// The real openai-compatible provider over HTTP, against the local fake server: what the
// server received is what a model API (or a gateway that traces) would.

/** Real time, but retry waits are skipped, so a Retry-After costs nothing. */
const skippingRetryWaits: Clock = {
  now: () => systemClock.now(),
  sleep: async () => {},
};

let server: FakeOpenAIServer;

beforeEach(async () => {
  server = await startFakeOpenAIServer();
});

afterEach(async () => {
  await server.close();
});

function ask() {
  const assistant = agent({
    name: "assistant",
    model: "openai-compatible:main-model",
    modelOptions: { baseURL: server.baseURL, env: {} },
    retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 0 },
  });
  return workflow<string>("ask").step("answer", assistant);
}

describe("telemetry() over HTTP", () => {
  it("sends each model call attempt's traceparent, naming that attempt's chat span", async () => {
    server.enqueue({ fault: "rate-limit" }, { text: "Hello." });
    const { exporter, tracer } = memoryTracing();
    const run = ask().start("Hi", {
      clock: skippingRetryWaits,
      telemetry: telemetry({ tracer, propagator: new W3CTraceContextPropagator() }),
    });
    expect((await run.result).status).toBe("succeeded");

    const chats = viewSpans(exporter.getFinishedSpans()).filter(
      (view) => view.name === "chat main-model",
    );
    expect(chats.map((chat) => chat.attributes["baton.model_call.attempt"])).toEqual([1, 2]);
    expect(server.requests.map((request) => request.headers.traceparent)).toEqual(
      chats.map((chat) => `00-${chat.traceId}-${chat.spanId}-01`),
    );
    expect(chats[0]).toMatchObject({
      error: expect.any(String),
      attributes: {
        "error.type": "429",
        "gen_ai.provider.name": "openai-compatible",
        "gen_ai.request.model": "main-model",
      },
    });
  });

  it("sends no traceparent when the run is not traced", async () => {
    server.enqueue({ text: "Hello." });
    const run = ask().start("Hi", { clock: skippingRetryWaits });
    expect((await run.result).status).toBe("succeeded");
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.headers).not.toHaveProperty("traceparent");
  });
});
