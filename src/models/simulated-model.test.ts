import { generateText, Output, stepCountIs, streamText, tool } from "ai";
import { countTokens } from "gpt-tokenizer";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CancelledError } from "../core/errors/cancelled-error.js";
import type { Clock } from "../core/ports/clock.js";
import { simulatedModel } from "./simulated-model.js";

/** A clock that only moves when the test says so. */
function manualClock(start = 0) {
  let now = start;
  const sleepers: { until: number; resolve: () => void }[] = [];
  const clock: Clock & { advance(ms: number): void; sleeping(): number } = {
    now: () => now,
    sleep(ms, { signal } = {}) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(new CancelledError(undefined, { cause: signal.reason }));
        const sleeper = { until: now + ms, resolve };
        sleepers.push(sleeper);
        signal?.addEventListener("abort", () => {
          sleepers.splice(sleepers.indexOf(sleeper), 1);
          reject(new CancelledError(undefined, { cause: signal.reason }));
        });
      });
    },
    advance(ms) {
      now += ms;
      for (const sleeper of [...sleepers])
        if (sleeper.until <= now) {
          sleepers.splice(sleepers.indexOf(sleeper), 1);
          sleeper.resolve();
        }
    },
    sleeping: () => sleepers.length,
  };
  return clock;
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

const weatherInput = z.object({
  city: z.string().min(1),
  unit: z.enum(["celsius", "fahrenheit"]),
  days: z.number().int().min(1).max(7),
  include: z.array(z.enum(["wind", "rain", "uv"])).min(1),
  location: z.object({
    country: z.string(),
    coordinates: z.tuple([z.number(), z.number()]).optional(),
  }),
  contact: z.email().optional(),
  note: z.string().max(10).nullable(),
});

describe("simulatedModel", () => {
  it("answers the same prompt with the same text, marked as simulated", async () => {
    const model = simulatedModel({ name: "writer" });
    const first = await generateText({ model, prompt: "Quantum computing in 2026" });
    const second = await generateText({ model, prompt: "Quantum computing in 2026" });
    const other = await generateText({ model, prompt: "The history of tea" });
    expect(first.text).toBe(second.text);
    expect(first.text.startsWith("[simulated:writer] ")).toBe(true);
    expect(first.text).toContain("Quantum computing in 2026");
    expect(other.text).not.toBe(first.text);
    expect(first.response.modelId).toBe("writer");
    expect(first.providerMetadata).toEqual({ simulated: { name: "writer", simulated: true } });
  });

  it("gives other answers for another seed, still deterministic", async () => {
    const prompt = "Summarise the plan";
    const ids = await Promise.all(
      [1, 2, 1].map(
        async (seed) =>
          (await generateText({ model: simulatedModel({ seed }), prompt })).response.id,
      ),
    );
    expect(ids[0]).toBe(ids[2]);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("reports usage counted with gpt-tokenizer", async () => {
    const model = simulatedModel();
    const short = await generateText({ model, prompt: "Hi there" });
    const long = await generateText({ model, prompt: "Hi there ".repeat(50) });
    expect(short.usage.outputTokens).toBe(countTokens(short.text));
    expect(short.usage.inputTokens).toBeGreaterThan(0);
    expect(long.usage.inputTokens).toBeGreaterThan((short.usage.inputTokens ?? 0) + 40);
    expect(short.usage.totalTokens).toBe(
      (short.usage.inputTokens ?? 0) + (short.usage.outputTokens ?? 0),
    );
  });

  it("waits its latency on the injected clock", async () => {
    const clock = manualClock();
    const model = simulatedModel({ latencyMs: 200, clock });
    let done = false;
    const pending = generateText({ model, prompt: "slow" }).then((result) => {
      done = true;
      return result;
    });
    await settle();
    expect(clock.sleeping()).toBe(1);
    clock.advance(199);
    await settle();
    expect(done).toBe(false);
    clock.advance(1);
    expect((await pending).text).toMatch(/^\[simulated:default\] /);
  });

  it("stops waiting when the call is aborted, rejecting with the signal's reason", async () => {
    const clock = manualClock();
    const model = simulatedModel({ latencyMs: 1_000, clock });
    const controller = new AbortController();
    const pending = generateText({
      model,
      prompt: "slow",
      abortSignal: controller.signal,
      maxRetries: 0,
    });
    await settle();
    const reason = new Error("user cancelled");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(clock.sleeping()).toBe(0);
  });

  it("calls the tool that matches the request, with arguments valid for its schema", async () => {
    const calls: unknown[] = [];
    const result = await generateText({
      model: simulatedModel({ name: "agent" }),
      prompt: "What is the weather in Paris this week?",
      stopWhen: stepCountIs(3),
      tools: {
        search: tool({
          description: "Search the web for pages",
          inputSchema: z.object({ query: z.string() }),
          execute: async () => "no pages",
        }),
        weather: tool({
          description: "Get the weather forecast for a city",
          inputSchema: weatherInput,
          execute: async (input) => {
            calls.push(input);
            return { forecast: "sunny", high: 24 };
          },
        }),
      },
    });
    expect(result.steps).toHaveLength(2);
    const call = result.steps[0]?.toolCalls[0];
    expect(call?.toolName).toBe("weather");
    expect(weatherInput.safeParse(call?.input).success).toBe(true);
    expect(calls).toHaveLength(1);
    expect(result.steps[0]?.finishReason).toBe("tool-calls");
    expect(result.text.startsWith("[simulated:agent] ")).toBe(true);
    expect(result.text).toContain('{"forecast":"sunny","high":24}');
  });

  it("draws free-text arguments from the user's message", async () => {
    const result = await generateText({
      model: simulatedModel(),
      prompt: "find recent papers on protein folding",
      tools: {
        search: tool({ description: "Search", inputSchema: z.object({ query: z.string() }) }),
      },
    });
    expect(result.toolCalls[0]?.input).toEqual({ query: "find recent papers on protein folding" });
  });

  it("calls the first tool when nothing matches and answers in text when tools are off", async () => {
    const tools = {
      alpha: tool({ description: "First", inputSchema: z.object({ n: z.number() }) }),
      beta: tool({ description: "Second", inputSchema: z.object({ s: z.string() }) }),
    };
    const model = simulatedModel();
    const called = await generateText({ model, prompt: "zzz", tools });
    expect(called.toolCalls.map((entry) => entry.toolName)).toEqual(["alpha"]);
    const forced = await generateText({
      model,
      prompt: "zzz",
      tools,
      toolChoice: { type: "tool", toolName: "beta" },
    });
    expect(forced.toolCalls.map((entry) => entry.toolName)).toEqual(["beta"]);
    const none = await generateText({ model, prompt: "zzz", tools, toolChoice: "none" });
    expect(none.toolCalls).toEqual([]);
    expect(none.text).toMatch(/^\[simulated:default\] /);
  });

  it("among tools that match as well, calls one it can fill without making up names", async () => {
    const handOff = (agent: z.ZodType) =>
      tool({ description: "Hand work over", inputSchema: z.object({ agent, task: z.string() }) });
    const plan = tool({
      description: "Plan the work",
      inputSchema: z.object({ goal: z.string() }),
    });
    const model = simulatedModel();
    const unnamed = await generateText({
      model,
      prompt: "Tides",
      tools: { hand_off: handOff(z.string()), plan },
    });
    expect(unnamed.toolCalls.map((entry) => entry.toolName)).toEqual(["plan"]);
    const listed = await generateText({
      model,
      prompt: "Tides",
      tools: { hand_off: handOff(z.enum(["researcher"])), plan },
    });
    expect(listed.toolCalls.map((entry) => entry.toolName)).toEqual(["hand_off"]);
    expect(listed.toolCalls[0]?.input).toEqual({ agent: "researcher", task: "Tides" });
  });

  it("returns JSON valid for the requested schema", async () => {
    const schema = z.object({
      title: z.string().min(3).max(40),
      tags: z.array(z.string()).min(2).max(4),
      rating: z.number().min(1).max(5),
      status: z.enum(["draft", "final"]),
      sections: z.array(z.object({ heading: z.string(), words: z.number().int().positive() })),
      reviewer: z.object({ name: z.string(), email: z.email() }).optional(),
    });
    const model = simulatedModel({ name: "planner" });
    const first = await generateText({
      model,
      prompt: "Plan a report on otters",
      output: Output.object({ schema }),
    });
    const second = await generateText({
      model,
      prompt: "Plan a report on otters",
      output: Output.object({ schema }),
    });
    expect(schema.safeParse(first.output).success).toBe(true);
    expect(first.output).toEqual(second.output);
    expect(first.text).not.toContain("[simulated");
    expect(first.providerMetadata?.simulated).toEqual({ name: "planner", simulated: true });
  });

  it("streams text deltas, tool calls and usage the same as it generates", async () => {
    const model = simulatedModel({ name: "streamer" });
    const generated = await generateText({ model, prompt: "Tell me about rivers" });
    const streamed = streamText({ model, prompt: "Tell me about rivers" });
    const deltas: string[] = [];
    for await (const delta of streamed.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe(generated.text);
    expect((await streamed.usage).outputTokens).toBe(generated.usage.outputTokens);
    expect((await streamed.usage).inputTokens).toBe(generated.usage.inputTokens);

    const withTools = streamText({
      model,
      prompt: "search rivers",
      tools: {
        search: tool({ description: "Search", inputSchema: z.object({ query: z.string() }) }),
      },
    });
    const toolCalls = await withTools.toolCalls;
    expect(toolCalls.map((entry) => [entry.toolName, entry.input])).toEqual([
      ["search", { query: "search rivers" }],
    ]);
    expect(await withTools.finishReason).toBe("tool-calls");
  });

  it("rejects bad options with a TypeError", () => {
    expect(() => simulatedModel({ latencyMs: -5 })).toThrow(TypeError);
    expect(() => simulatedModel({ name: "" })).toThrow(TypeError);
  });
});
