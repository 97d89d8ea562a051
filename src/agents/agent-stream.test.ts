import type { LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { RunnableEvent } from "../core/runnable.js";
import { ManualClock } from "../testing/manual-clock.js";
import { agent } from "./agent.js";
import {
  httpError,
  providerUsage,
  streamingModel,
  testPrices,
  textStreamParts,
} from "./test-support.js";

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

const toolCallParts: LanguageModelV4StreamPart[] = [
  { type: "stream-start", warnings: [] },
  {
    type: "tool-call",
    toolCallId: "w1",
    toolName: "weather",
    input: JSON.stringify({ city: "Oslo" }),
  },
  {
    type: "finish",
    usage: providerUsage(12, 4),
    finishReason: { unified: "tool-calls", raw: "tool_calls" },
  },
];

describe("Agent.stream()", () => {
  it("streams the text as it is generated, with text-delta events, then the result", async () => {
    const model = streamingModel(
      "alpha",
      textStreamParts(["Hel", "lo", " world"], providerUsage(8, 3)),
    );
    const upstream: RunnableEvent[] = [];
    const run = agent({ name: "streamer", model, prices: testPrices }).stream("Say hello", {
      onEvent: (event) => upstream.push(event),
    });
    const [chunks, events, result] = await Promise.all([
      collect(run.textStream),
      collect(run.events),
      run.result,
    ]);
    expect(chunks).toEqual(["Hel", "lo", " world"]);
    expect(result.text).toBe("Hello world");
    expect(result.usage).toMatchObject({ inputTokens: 8, outputTokens: 3 });
    expect(events.map((event) => event.type)).toEqual([
      "agent-start",
      "model-call-start",
      "text-delta",
      "text-delta",
      "text-delta",
      "model-call-end",
      "agent-end",
    ]);
    expect(
      events.filter((event) => event.type === "text-delta").map((event) => event.delta),
    ).toEqual(chunks);
    expect(events.find((event) => event.type === "model-call-end")?.response).toEqual([
      { type: "text", text: "Hello world" },
    ]);
    expect(upstream).toEqual(events);
  });

  it("runs the tool loop while streaming", async () => {
    const model = streamingModel("alpha", toolCallParts, textStreamParts(["Sunny in Oslo."]));
    const run = agent({
      name: "a",
      model,
      tools: {
        weather: tool({
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => ({ city, sky: "sunny" }),
        }),
      },
    }).stream("Weather in Oslo?");
    const result = await run.result;
    expect(result.text).toBe("Sunny in Oslo.");
    expect(result.toolCalls[0]).toMatchObject({
      tool: "weather",
      output: { city: "Oslo", sky: "sunny" },
    });
    expect(result.steps.map((step) => step.finishReason)).toEqual(["tool-calls", "stop"]);
    expect(result.usage.inputTokens).toBe(12 + 10);
    expect(JSON.stringify(model.doStreamCalls[1]?.prompt)).toContain("sunny");
  });

  it("parses structured output at the end of a stream", async () => {
    const model = streamingModel("alpha", textStreamParts(['{"mood":', '"sunny"}']));
    const result = await agent({ name: "a", model, output: z.object({ mood: z.string() }) }).stream(
      "Mood?",
    ).result;
    expect(result.output).toEqual({ mood: "sunny" });
  });

  it("retries a stream that fails before producing anything", async () => {
    const clock = new ManualClock();
    const failingBeforeContent: LanguageModelV4StreamPart[] = [
      { type: "stream-start", warnings: [] },
      { type: "error", error: httpError(503) },
    ];
    const model = streamingModel(
      "alpha",
      httpError(429),
      failingBeforeContent,
      textStreamParts(["third time"]),
    );
    const run = agent({ name: "a", model, clock, retry: { initialDelayMs: 10, jitter: 0 } }).stream(
      "hi",
    );
    const [chunks, result] = await clock.runUntil(
      Promise.all([collect(run.textStream), run.result]),
    );
    expect(chunks).toEqual(["third time"]);
    expect(result.modelCalls.map((call) => call.error?.statusCode ?? "ok")).toEqual([
      429,
      503,
      "ok",
    ]);
    expect(clock.sleeps).toEqual([10, 20]);
  });

  it("falls back to the next model when streaming fails", async () => {
    const alpha = streamingModel("alpha", httpError(500));
    const beta = streamingModel("beta", textStreamParts(["from beta"]));
    const result = await agent({
      name: "a",
      model: alpha,
      fallbackModels: [beta],
      retry: 1,
    }).stream("hi").result;
    expect(result.text).toBe("from beta");
    expect(result.model).toBe("mock:beta");
  });

  it("ends the text stream with the run's error, and rejects the result", async () => {
    const run = agent({
      name: "a",
      model: streamingModel("alpha", httpError(401)),
      retry: 1,
    }).stream("hi");
    await expect(collect(run.textStream)).rejects.toMatchObject({
      name: "ModelCallError",
      statusCode: 401,
    });
    await expect(run.result).rejects.toMatchObject({ statusCode: 401 });
  });

  it("records a stream that breaks after content as a failed attempt", async () => {
    const breaking: LanguageModelV4StreamPart[] = [
      { type: "stream-start", warnings: [] },
      { type: "text-start", id: "t" },
      { type: "text-delta", id: "t", delta: "partial" },
      { type: "error", error: httpError(502) },
    ];
    const run = agent({ name: "a", model: streamingModel("alpha", breaking), retry: 1 }).stream(
      "hi",
    );
    const [chunks] = await Promise.allSettled([collect(run.textStream), run.result]);
    expect(chunks).toMatchObject({ status: "rejected" });
    const error = await run.result.catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 502 });
  });
});
