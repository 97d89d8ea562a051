import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigurationError } from "../core/errors/configuration-error.js";
import { OptionsError } from "../core/errors/options-error.js";
import { thrownBy } from "../core/test-support/thrown-by.js";
import { withPreload } from "../models/preload-model.js";
import { ManualClock } from "../testing/manual-clock.js";
import { agent } from "./agent.js";
import {
  eventLog,
  providerUsage,
  scriptedModel,
  testPrices,
  textReply,
  toolCallReply,
} from "./test-support.js";

function addTool(clock: ManualClock, tookMs = 250) {
  return tool({
    description: "Adds two numbers",
    inputSchema: z.object({ a: z.number(), b: z.number() }),
    execute: async ({ a, b }) => {
      await clock.sleep(tookMs);
      return { sum: a + b };
    },
  });
}

describe("agent()", () => {
  it("runs the tool loop and records each step, tool call and model call", async () => {
    const clock = new ManualClock();
    const model = scriptedModel(
      "alpha",
      toolCallReply([{ name: "add", input: { a: 2, b: 3 }, id: "call-add" }], providerUsage(20, 8)),
      textReply("2 + 3 = 5", providerUsage(40, 6)),
    );
    const calculator = agent({
      name: "calculator",
      model,
      instructions: "Use the add tool.",
      tools: { add: addTool(clock) },
      prices: testPrices,
      clock,
    });

    const result = await clock.runUntil(calculator.run("What is 2 + 3?"));

    expect(result.text).toBe("2 + 3 = 5");
    expect(result.output).toBe("2 + 3 = 5");
    expect(result.model).toBe("mock:alpha");
    expect(result.toolCalls).toEqual([
      {
        tool: "add",
        toolCallId: "call-add",
        input: { a: 2, b: 3 },
        output: { sum: 5 },
        startedAt: expect.any(Number),
        durationMs: 250,
        costCents: 0,
      },
    ]);
    expect(
      result.steps.map((step) => [step.model, step.finishReason, step.toolCalls.length]),
    ).toEqual([
      ["mock:alpha", "tool-calls", 1],
      ["mock:alpha", "stop", 0],
    ]);
    expect(result.steps[1]?.usage.inputTokens).toBe(40);
    expect(
      result.modelCalls.map((call) => [call.model, call.attempt, call.usage.inputTokens]),
    ).toEqual([
      ["mock:alpha", 1, 20],
      ["mock:alpha", 1, 40],
    ]);
    expect(result.messages.map((message) => message.role)).toEqual([
      "assistant",
      "tool",
      "assistant",
    ]);
    // The model saw the instructions, the question, then the tool result.
    const secondPrompt = model.doGenerateCalls[1]?.prompt ?? [];
    expect(secondPrompt.map((message) => message.role)).toEqual([
      "system",
      "user",
      "assistant",
      "tool",
    ]);
    expect(JSON.stringify(secondPrompt[3])).toContain('"sum":5');
  });

  it("captures a tool's error, hands it to the model and carries on", async () => {
    const clock = new ManualClock();
    const model = scriptedModel(
      "alpha",
      toolCallReply([{ name: "explode", input: {} }]),
      textReply("The tool failed."),
    );
    const log = eventLog();
    const result = await clock.runUntil(
      agent({
        name: "a",
        model,
        clock,
        tools: {
          explode: tool({
            inputSchema: z.object({}),
            execute: async (): Promise<string> => {
              await clock.sleep(40);
              throw new Error("kaboom");
            },
          }),
        },
      }).run("go", { onEvent: log.emit }),
    );
    expect(result.text).toBe("The tool failed.");
    expect(result.toolCalls[0]).toMatchObject({
      tool: "explode",
      error: { name: "Error", message: "kaboom" },
      durationMs: 40,
    });
    expect(result.toolCalls[0]).not.toHaveProperty("output");
    expect(JSON.stringify(model.doGenerateCalls[1]?.prompt)).toContain("kaboom");
    expect(log.events.find((event) => event.type === "tool-call-error")).toMatchObject({
      tool: "explode",
      error: { message: "kaboom" },
      durationMs: 40,
    });
  });

  it("records the last of a tool's preliminary results as its output, without its costInCents", async () => {
    const model = scriptedModel(
      "alpha",
      toolCallReply([{ name: "progress", input: {} }]),
      textReply("done"),
    );
    const result = await agent({
      name: "a",
      model,
      tools: {
        progress: tool({
          inputSchema: z.object({}),
          async *execute() {
            yield { percent: 50, costInCents: 0.25 };
            yield { percent: 100, costInCents: 0.5 };
          },
        }),
      },
    }).run("go");
    expect(result.toolCalls[0]).toMatchObject({ output: { percent: 100 }, costCents: 0.5 });
    expect(result.cost.toolCents).toBe(0.5);
    const prompt = JSON.stringify(model.doGenerateCalls[1]?.prompt);
    expect(prompt).toContain('"percent":100');
    // The cost is for the books: the model sees neither the final nor a preliminary one.
    expect(prompt).not.toContain("costInCents");
    expect(JSON.stringify(result.messages)).not.toContain("costInCents");
  });

  it("parses structured output with the given schema", async () => {
    const model = scriptedModel(
      "alpha",
      textReply(JSON.stringify({ city: "Lyon", population: 522_000 })),
    );
    const geographer = agent({
      name: "geographer",
      model,
      output: z.object({ city: z.string(), population: z.number() }),
    });
    const result = await geographer.run("Largest city on the Rhône after Geneva?");
    expect(result.output).toEqual({ city: "Lyon", population: 522_000 });
    expect(model.doGenerateCalls[0]?.responseFormat).toMatchObject({
      type: "json",
      schema: { type: "object", required: ["city", "population"] },
    });
  });

  it("emits agent, model-call and tool-call events in order, without runId or at", async () => {
    const clock = new ManualClock();
    const log = eventLog();
    const model = scriptedModel(
      "alpha",
      toolCallReply([{ name: "add", input: { a: 1, b: 1 } }]),
      textReply("2"),
    );
    await clock.runUntil(
      agent({ name: "calc", model, clock, tools: { add: addTool(clock) } }).run("1+1?", {
        onEvent: log.emit,
      }),
    );
    expect(log.types()).toEqual([
      "agent-start",
      "model-call-start",
      "model-call-end",
      "tool-call-start",
      "tool-call-end",
      "model-call-start",
      "model-call-end",
      "agent-end",
    ]);
    for (const event of log.events) {
      expect(event).not.toHaveProperty("runId");
      expect(event).not.toHaveProperty("at");
      expect(event.agent).toBe("calc");
    }
    const firstEnd = log.events[2];
    expect(firstEnd).toMatchObject({
      model: "mock:alpha",
      usage: { inputTokens: 10, outputTokens: 5 },
    });
    // The response is recorded so the run can be replayed.
    expect(firstEnd?.response).toEqual([
      expect.objectContaining({ type: "tool-call", toolName: "add", input: '{"a":1,"b":1}' }),
    ]);
  });

  it("emits nothing when no emit is given, and runs are independent without memory", async () => {
    const model = scriptedModel("alpha", textReply("one"), textReply("two"));
    const solo = agent({ name: "solo", model });
    await solo.run("first");
    await solo.run("second");
    const secondPrompt = model.doGenerateCalls[1]?.prompt ?? [];
    expect(secondPrompt.map((message) => message.role)).toEqual(["user"]);
    expect(JSON.stringify(secondPrompt)).not.toContain("first");
  });

  it("accepts a conversation as input", async () => {
    const model = scriptedModel("alpha", textReply("Paris"));
    await agent({ name: "a", model }).run([
      { role: "user", content: "Capital of France?" },
      { role: "assistant", content: "Paris." },
      { role: "user", content: "Say it again." },
    ]);
    expect(model.doGenerateCalls[0]?.prompt.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "user",
    ]);
  });

  it("stops the tool loop after maxSteps model calls", async () => {
    const model = scriptedModel("alpha", toolCallReply([{ name: "noop", input: {} }]));
    const result = await agent({
      name: "loop",
      model,
      maxSteps: 3,
      tools: { noop: tool({ inputSchema: z.object({}), execute: async () => "ok" }) },
    }).run("go");
    expect(model.doGenerateCalls).toHaveLength(3);
    expect(result.steps).toHaveLength(3);
  });

  it("implements the Runnable contract", () => {
    const a = agent({ name: "writer", model: scriptedModel("alpha", textReply("x")) });
    expect(a.kind).toBe("agent");
    expect(a.name).toBe("writer");
    expect(a.model).toBe("mock:alpha");
    expect(a.description).toBeUndefined();
  });

  it("exposes its description, which asTool() uses unless given another", async () => {
    const helper = agent({
      name: "helper",
      model: scriptedModel("beta", textReply("x")),
      description: "Checks facts.",
    });
    expect(helper.description).toBe("Checks facts.");
    expect(helper.asTool().description).toBe("Checks facts.");
    expect(helper.asTool({ description: "Other." }).description).toBe("Other.");
    const anonymous = agent({ name: "anon", model: scriptedModel("beta", textReply("x")) });
    expect(anonymous.asTool().description).toBe(
      'Hands a task to the "anon" agent and returns its answer.',
    );
  });
});

describe("agent() options", () => {
  const model = scriptedModel("alpha", textReply("x"));

  it.each([
    [{ name: "" }, "name", /non-empty name/],
    [{ maxSteps: 0 }, "maxSteps", /integer >= 1, received 0/],
    [{ maxSteps: 1.5 }, "maxSteps", /integer >= 1, received 1.5/],
    [{ timeout: -1 }, "timeout", /ms > 0, received -1/],
    [{ timeout: { callMs: 0 } }, "timeout.callMs", /ms > 0, received 0/],
    [{ timeout: "soon" }, "timeout", /number of ms or \{ callMs, runMs \}/],
    [{ retry: { maxAttempts: 0 } }, "retry.maxAttempts", /integer >= 1/],
    [{ tools: { broken: "nope" } }, "tools.broken", /AI SDK tool/],
    [{ fallbackModels: "openai:gpt-4o" }, "fallbackModels", /array of models/],
    [{ fallbackModels: [42] }, "fallbackModels[0]", /expected a model/],
    [{ memory: { tokenThreshold: 0 } }, "memory.tokenThreshold", /integer >= 1/],
    [{ memory: { tokenThreshold: 100, keepLast: 0 } }, "memory.keepLast", /integer >= 1/],
    [{ output: "json" }, "output", /a schema/],
    [{ output: { type: "object" } }, "output", /a schema/],
    [{ clock: {} }, "clock", /now\(\) and sleep\(\)/],
    [{ instructions: 7 }, "instructions", /a string, received 7/],
  ])("rejects %j with an OptionsError naming the option", (bad, path, message) => {
    const error = thrownBy(() => agent({ name: "a", model, ...(bad as object) }));
    expect(OptionsError.isInstance(error)).toBe(true);
    expect((error as OptionsError).issues).toEqual([
      { path, message: expect.stringMatching(message) },
    ]);
  });

  it("rejects a missing model", () => {
    expect(() => agent({ name: "a" } as never)).toThrow(/model: required: expected a model/);
  });

  it("resolves model strings at construction, so a missing API key fails before any work", () => {
    const build = () =>
      agent({ name: "a", model: "openai:gpt-4o-mini", modelOptions: { env: {} } });
    expect(build).toThrow(ConfigurationError);
    expect(build).toThrow(/OPENAI_API_KEY/);
    expect(() =>
      agent({
        name: "a",
        model,
        fallbackModels: ["anthropic:claude-haiku-4-5"],
        modelOptions: { env: {} },
      }),
    ).toThrow(/ANTHROPIC_API_KEY/);
  });

  it("rejects input that is neither a string nor messages", async () => {
    const a = agent({ name: "a", model });
    await expect(a.run(42 as never)).rejects.toThrow(
      /expected input to be a string or an array of ModelMessage/,
    );
    expect(() => a.stream({} as never)).toThrow(TypeError);
  });
});

describe("Agent.preload", () => {
  it("loads the packages of its models, fallbacks included, before any call", async () => {
    const loaded: string[] = [];
    const marked = (name: string) =>
      withPreload(scriptedModel(name, textReply("ok")), () => {
        loaded.push(name);
      });
    const writer = agent({
      name: "writer",
      model: marked("primary"),
      fallbackModels: [marked("fallback")],
    });
    await writer.preload();
    expect(loaded).toEqual(["primary", "fallback"]);
  });
});
