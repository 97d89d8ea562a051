import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { takeWarnings } from "../../test/support/warnings.js";
import { sumUsage } from "../core/usage.js";
import { ManualClock } from "../testing/manual-clock.js";
import { agent } from "./agent.js";
import { reportToolCost } from "./instrument-tools.js";
import {
  eventLog,
  expectedCents,
  httpError,
  providerUsage,
  scriptedModel,
  testPrices,
  textReply,
  toolCallReply,
} from "./test-support.js";

const quickRetry = { initialDelayMs: 1, jitter: 0 };

/** A failure after which the provider still billed the tokens it had read and written. */
function billedFailure(statusCode: number, input: number, output: number): Error {
  return Object.assign(httpError(statusCode), { usage: providerUsage(input, output) });
}

describe("Agent usage and cost", () => {
  it("adds up exactly: every attempt's usage, failed billed attempts and fallbacks included", async () => {
    const clock = new ManualClock();
    const alpha = scriptedModel(
      "alpha",
      billedFailure(500, 30, 0),
      httpError(503),
      toolCallReply([{ name: "noop", input: {} }], providerUsage(31, 7)),
      httpError(500),
    );
    const beta = scriptedModel("beta", textReply("done", providerUsage(55, 12, 20)));
    const result = await clock.runUntil(
      agent({
        name: "a",
        model: alpha,
        fallbackModels: [beta],
        clock,
        retry: { ...quickRetry, maxAttempts: 3 },
        prices: testPrices,
        tools: { noop: tool({ inputSchema: z.object({}), execute: async () => "ok" }) },
      }).run("hi"),
    );

    expect(
      result.modelCalls.map((call) => [call.model, call.attempt, call.error?.statusCode ?? "ok"]),
    ).toEqual([
      ["mock:alpha", 1, 500],
      ["mock:alpha", 2, 503],
      ["mock:alpha", 3, "ok"],
      ["mock:alpha", 1, 500],
      ["mock:alpha", 2, 500],
      ["mock:alpha", 3, 500],
      ["mock:beta", 1, "ok"],
    ]);
    expect(result.usage).toEqual(sumUsage(result.modelCalls.map((call) => call.usage)));
    expect(result.usage).toEqual({
      inputTokens: 30 + 31 + 55,
      outputTokens: 7 + 12,
      cachedInputTokens: 20,
      reasoningTokens: 0,
      totalTokens: 30 + 31 + 7 + 55 + 12,
    });
    // Cached input is billed at the input price unless a cached price is given.
    const cents = [
      expectedCents("mock:alpha", 30, 0),
      expectedCents("mock:alpha", 31, 7),
      expectedCents("mock:beta", 55, 12),
    ];
    expect(result.modelCalls.map((call) => call.costCents).filter((value) => value !== 0)).toEqual(
      cents.map((value) => expect.closeTo(value, 10)),
    );
    const sumOfCalls = result.modelCalls.reduce((total, call) => total + (call.costCents ?? 0), 0);
    expect(result.cost).toEqual({
      modelCents: sumOfCalls,
      toolCents: 0,
      totalCents: sumOfCalls,
      unpricedModels: [],
    });
    expect(sumOfCalls).toBeCloseTo(30 + (31 + 14) + (27.5 + 12), 10);
  });

  it("bills a failed run's attempts in its agent-error event", async () => {
    const clock = new ManualClock();
    const log = eventLog();
    await clock
      .runUntil(
        agent({
          name: "a",
          model: scriptedModel("alpha", billedFailure(500, 40, 2)),
          clock,
          retry: { ...quickRetry, maxAttempts: 2 },
          prices: testPrices,
        }).run("hi", { onEvent: log.emit }),
      )
      .catch(() => {});
    const failure = log.events.at(-1);
    expect(failure).toMatchObject({
      type: "agent-error",
      usage: { inputTokens: 80, outputTokens: 4 },
      cost: {
        modelCents: expect.closeTo(2 * expectedCents("mock:alpha", 40, 2), 10),
        toolCents: 0,
      },
    });
    expect(log.events.filter((event) => event.type === "model-call-error")[0]).toMatchObject({
      usage: { inputTokens: 40 },
      cost: { modelCents: expect.closeTo(expectedCents("mock:alpha", 40, 2), 10) },
    });
  });

  it("reports an unknown price as null, never as an invented number", async () => {
    const result = await agent({
      name: "a",
      model: scriptedModel("unpriced", textReply("x")),
      prices: testPrices,
    }).run("hi");
    expect(result.modelCalls[0]?.costCents).toBeNull();
    expect(result.cost).toEqual({
      modelCents: null,
      toolCents: 0,
      totalCents: null,
      unpricedModels: ["mock:unpriced"],
    });
  });
});

describe("Tool cost", () => {
  it("bills a near miss of costInCents (cost_in_cents, costCents) and warns once, naming the spelling", async () => {
    const calls = toolCallReply([
      { name: "sql", input: {}, id: "q1" },
      { name: "sql", input: {}, id: "q2" },
      { name: "http", input: {}, id: "h1" },
    ]);
    const model = scriptedModel("alpha", calls, textReply("done"), calls, textReply("again"));
    const analyst = agent({
      name: "analyst",
      model,
      prices: testPrices,
      tools: {
        sql: tool({
          inputSchema: z.object({}),
          execute: async () => ({ rows: 3, cost_in_cents: 0.5 }),
        }),
        http: tool({ inputSchema: z.object({}), execute: async () => ({ costCents: 2 }) }),
      },
    });
    const result = await analyst.run("go");
    expect(result.toolCalls.map((call) => [call.tool, call.costCents])).toEqual([
      ["sql", 0.5],
      ["sql", 0.5],
      ["http", 2],
    ]);
    expect(result.cost.toolCents).toBe(3);
    expect(result.toolCalls[0]?.output).toEqual({ rows: 3 });
    expect(JSON.stringify(model.doGenerateCalls[1]?.prompt)).not.toContain("cost_in_cents");
    const warnings = takeWarnings("BatonToolCostWarning").map((warning) => warning.message);
    expect(warnings).toEqual([
      expect.stringMatching(
        /Tool "sql" of agent "analyst" reported its cost as "cost_in_cents"; the field is spelled "costInCents"/,
      ),
      expect.stringMatching(/Tool "http" .* as "costCents"/),
    ]);
    // Once per agent and tool: a second run bills again without another warning.
    expect((await analyst.run("go")).cost.toolCents).toBe(3);
    expect(takeWarnings("BatonToolCostWarning")).toEqual([]);
  });

  it("counts costInCents in a tool's result and reportToolCost() as tool cost, not model cost", async () => {
    const clock = new ManualClock();
    const log = eventLog();
    const model = scriptedModel(
      "alpha",
      toolCallReply([
        { name: "search", input: { query: "tides" }, id: "s1" },
        { name: "translate", input: { text: "marée" }, id: "t1" },
      ]),
      textReply("done"),
    );
    const result = await clock.runUntil(
      agent({
        name: "a",
        model,
        clock,
        prices: testPrices,
        tools: {
          search: tool({
            inputSchema: z.object({ query: z.string() }),
            execute: async ({ query }) => ({ hits: [`${query} 101`], costInCents: 0.75 }),
          }),
          translate: tool({
            inputSchema: z.object({ text: z.string() }),
            execute: async ({ text }, options) => {
              reportToolCost(options, 0.125);
              reportToolCost(options, 0.125);
              return `translated ${text}`;
            },
          }),
        },
      }).run("go", { onEvent: log.emit }),
    );
    expect(result.toolCalls.map((call) => [call.tool, call.costCents])).toEqual([
      ["search", 0.75],
      ["translate", 0.25],
    ]);
    // The cost is for the books: neither the record nor the model sees it in the output.
    expect(result.toolCalls[0]?.output).toEqual({ hits: ["tides 101"] });
    expect(JSON.stringify(model.doGenerateCalls[1]?.prompt)).toContain("tides 101");
    expect(JSON.stringify(model.doGenerateCalls[1]?.prompt)).not.toContain("costInCents");
    const modelCents = expectedCents("mock:alpha", 10, 5) * 2;
    expect(result.cost.toolCents).toBe(1);
    expect(result.cost.modelCents).toBeCloseTo(modelCents, 10);
    expect(result.cost.totalCents).toBeCloseTo(modelCents + 1, 10);
    expect(
      log.events.filter((event) => event.type === "tool-call-end").map((event) => event.costCents),
    ).toEqual([0.75, 0.25]);
  });

  it("keeps what a failing tool reported before it threw", async () => {
    const model = scriptedModel(
      "alpha",
      toolCallReply([{ name: "flaky", input: {} }]),
      textReply("ok"),
    );
    const result = await agent({
      name: "a",
      model,
      tools: {
        flaky: tool({
          inputSchema: z.object({}),
          execute: async (_input, options): Promise<string> => {
            reportToolCost(options, 2);
            throw new Error("quota");
          },
        }),
      },
    }).run("go");
    expect(result.toolCalls[0]).toMatchObject({ error: { message: "quota" }, costCents: 2 });
    expect(result.cost.toolCents).toBe(2);
  });

  it("turns an invalid reported cost into a tool error that names it", async () => {
    const model = scriptedModel(
      "alpha",
      toolCallReply([{ name: "bad", input: {} }]),
      textReply("ok"),
    );
    const result = await agent({
      name: "a",
      model,
      tools: {
        bad: tool({ inputSchema: z.object({}), execute: async () => ({ costInCents: -3 }) }),
      },
    }).run("go");
    expect(result.toolCalls[0]?.error).toMatchObject({
      name: "TypeError",
      message: expect.stringContaining('tool "bad" costInCents'),
    });
    expect(result.cost.toolCents).toBe(0);
  });

  it("returns false from reportToolCost outside an agent run", () => {
    expect(reportToolCost({ toolCallId: "x", messages: [], context: undefined }, 1)).toBe(false);
  });
});

describe("Agent.asTool()", () => {
  it("rolls the subagent's usage and cost into the caller's result and forwards its events", async () => {
    const clock = new ManualClock();
    const researcher = agent({
      name: "researcher",
      model: scriptedModel(
        "beta",
        toolCallReply([{ name: "search", input: {} }], providerUsage(100, 10)),
        textReply("Tides follow the moon.", providerUsage(200, 20)),
      ),
      prices: testPrices,
      tools: {
        search: tool({ inputSchema: z.object({}), execute: async () => ({ costInCents: 3 }) }),
      },
    });
    const lead = scriptedModel(
      "alpha",
      toolCallReply(
        [{ name: "research", input: { task: "Why are there tides?" }, id: "r1" }],
        providerUsage(10, 5),
      ),
      textReply("Because of the moon.", providerUsage(50, 6)),
    );
    const log = eventLog();
    const result = await clock.runUntil(
      agent({
        name: "lead",
        model: lead,
        clock,
        prices: testPrices,
        tools: { research: researcher.asTool({ description: "Researches a question." }) },
      }).run("Explain tides.", { onEvent: log.emit }),
    );

    expect(result.text).toBe("Because of the moon.");
    expect(result.toolCalls[0]).toMatchObject({
      tool: "research",
      toolCallId: "r1",
      output: "Tides follow the moon.",
      costCents: 0,
    });
    const subagent = result.subagents[0];
    expect(subagent).toMatchObject({ agent: "researcher", toolCallId: "r1", model: "mock:beta" });
    expect(subagent?.usage).toMatchObject({ inputTokens: 300, outputTokens: 30 });

    const ownUsage = sumUsage(result.modelCalls.map((call) => call.usage));
    expect(ownUsage).toMatchObject({ inputTokens: 60, outputTokens: 11 });
    expect(result.usage).toMatchObject({ inputTokens: 360, outputTokens: 41, totalTokens: 401 });

    const ownModelCents = expectedCents("mock:alpha", 10, 5) + expectedCents("mock:alpha", 50, 6);
    const subModelCents = expectedCents("mock:beta", 100, 10) + expectedCents("mock:beta", 200, 20);
    expect(result.cost.modelCents).toBeCloseTo(ownModelCents + subModelCents, 10);
    expect(result.cost.toolCents).toBe(3);

    // The subagent's events come through the caller's emit, between its tool-call events.
    const trail = log.events.map((event) => `${event.agent}:${event.type}`);
    const start = trail.indexOf("lead:tool-call-start");
    const end = trail.indexOf("lead:tool-call-end");
    expect(trail.slice(start + 1, end)).toEqual([
      "researcher:agent-start",
      "researcher:model-call-start",
      "researcher:model-call-end",
      "researcher:tool-call-start",
      "researcher:tool-call-end",
      "researcher:model-call-start",
      "researcher:model-call-end",
      "researcher:agent-end",
    ]);
    // The task reached the subagent as its question.
    expect(JSON.stringify(lead.doGenerateCalls[0]?.tools)).toContain("Researches a question.");
  });

  it("takes one string parameter, task, and refuses other input before the subagent runs", async () => {
    const helper = agent({ name: "helper", model: scriptedModel("beta", textReply("done")) });
    const lead = scriptedModel(
      "alpha",
      toolCallReply([{ name: "help", input: { task: 5 }, id: "h1" }]),
      textReply("ok"),
    );
    const result = await agent({
      name: "lead",
      model: lead,
      prices: testPrices,
      tools: { help: helper.asTool() },
    }).run("go");
    expect(lead.doGenerateCalls[0]?.tools?.[0]).toMatchObject({
      type: "function",
      name: "help",
      inputSchema: {
        type: "object",
        properties: {
          task: {
            type: "string",
            description: "The task, with all the context the agent needs to do it.",
          },
        },
        required: ["task"],
        additionalProperties: false,
      },
    });
    expect(result.subagents).toEqual([]);
    // zod's own message reaches the model as the tool's error.
    expect(lead.doGenerateCalls[1]?.prompt.at(-1)).toMatchObject({
      role: "tool",
      content: [
        {
          toolCallId: "h1",
          output: {
            type: "error-text",
            value: expect.stringContaining("Invalid input: expected string, received number"),
          },
        },
      ],
    });
  });

  it("returns the subagent's structured output and still bills a failed subagent", async () => {
    const analyst = agent({
      name: "analyst",
      model: scriptedModel("beta", textReply(JSON.stringify({ score: 7 }))),
      output: z.object({ score: z.number() }),
      prices: testPrices,
    });
    const failing = agent({
      name: "failing",
      model: scriptedModel("beta", billedFailure(400, 9, 1)),
      prices: testPrices,
    });
    const lead = scriptedModel(
      "alpha",
      toolCallReply([
        { name: "analyse", input: { task: "score it" }, id: "a1" },
        { name: "fail", input: { task: "try" }, id: "f1" },
      ]),
      textReply("ok"),
    );
    const result = await agent({
      name: "lead",
      model: lead,
      prices: testPrices,
      tools: { analyse: analyst.asTool(), fail: failing.asTool() },
    }).run("go");
    expect(result.toolCalls.find((call) => call.tool === "analyse")?.output).toEqual({ score: 7 });
    const failed = result.subagents.find((run) => run.agent === "failing");
    expect(failed).toMatchObject({ error: { statusCode: 400 }, usage: { inputTokens: 9 } });
    expect(result.usage.inputTokens).toBe(10 + 10 + 10 + 9);
  });
});
