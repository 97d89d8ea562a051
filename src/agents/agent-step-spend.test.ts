import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { sequentialIdGenerator } from "../core/ports/id-generator.js";
import { workflow } from "../runtime/workflow.js";
import { runStatistics } from "../stats/run-statistics.js";
import { MemoryStore } from "../stores/memory/index.js";
import { ManualClock } from "../testing/manual-clock.js";
import { testRunContext } from "../testing/test-run-context.js";
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

/** A failure after which the provider still billed the tokens it had read and written. */
function billedFailure(statusCode: number, input: number, output: number): Error {
  return Object.assign(httpError(statusCode), { usage: providerUsage(input, output) });
}

const lookup = tool({
  inputSchema: z.object({}),
  execute: async () => ({ found: true, costInCents: 1 }),
});

describe("A failed agent's spend", () => {
  it("is on its failed outcome, exactly as in its agent-error event", async () => {
    const log = eventLog();
    const failing = agent({
      name: "a",
      model: scriptedModel("alpha", toolCallReply([{ name: "lookup", input: {} }]), httpError(400)),
      tools: { lookup },
      prices: testPrices,
    });
    const outcome = await failing.execute("go", testRunContext({ onEvent: log.emit }));
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error).toMatchObject({ name: "ModelCallError", statusCode: 400 });
    const agentError = log.events.find((event) => event.type === "agent-error");
    expect({ usage: outcome.usage, cost: outcome.cost }).toEqual({
      usage: agentError?.usage,
      cost: agentError?.cost,
    });
    expect(outcome.usage.totalTokens).toBe(15);
    expect(outcome.cost).toEqual({
      modelCents: expectedCents("mock:alpha", 10, 5),
      toolCents: 1,
      totalCents: expectedCents("mock:alpha", 10, 5) + 1,
      unpricedModels: [],
    });
  });

  it("reaches its workflow step's step-error, the run's usage and cost, and runStatistics", async () => {
    const store = new MemoryStore();
    const failing = agent({
      name: "a",
      model: scriptedModel("alpha", toolCallReply([{ name: "lookup", input: {} }]), httpError(400)),
      tools: { lookup },
      prices: testPrices,
    });
    const run = workflow("w")
      .step("a", failing)
      .start("go", { store, ids: sequentialIdGenerator() });
    const result = await run.result;
    const cents = expectedCents("mock:alpha", 10, 5) + 1;
    expect(result.status).toBe("failed");
    const log = await store.readLog(run.id);
    const agentError = log.find((event) => event.type === "agent-error");
    const stepError = log.find((event) => event.type === "step-error");
    expect(stepError?.usage).toEqual(agentError?.usage);
    expect(stepError?.cost).toEqual(agentError?.cost);
    expect(result.usage.totalTokens).toBe(15);
    expect(result.cost.totalCents).toBe(cents);
    expect(result.cost.toolCents).toBe(1);
    const stats = await runStatistics(store);
    expect(stats.usage.totalTokens).toBe(15);
    expect(stats.cost.totalCents).toBe(cents);
  });

  it("reaches the step-error of a step that timed out while its tool ran", async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const slow = agent({
      name: "slow",
      model: scriptedModel("alpha", toolCallReply([{ name: "wait", input: {} }])),
      prices: testPrices,
      tools: {
        wait: tool({
          inputSchema: z.object({}),
          execute: async (_input, { abortSignal }) => {
            await clock.sleep(1_000, { signal: abortSignal });
            return "late";
          },
        }),
      },
    });
    const run = workflow("w").step("slow", slow, { timeout: 100 }).start("go", { store, clock });
    await clock.runAll();
    const result = await run.result;
    expect(result.error).toMatchObject({ name: "TimeoutError" });
    const log = await store.readLog(run.id);
    const agentError = log.find((event) => event.type === "agent-error");
    expect(agentError).toMatchObject({ usage: { totalTokens: 15 } });
    expect(log.find((event) => event.type === "step-error")).toMatchObject({
      error: { name: "TimeoutError" },
      usage: agentError?.usage,
      cost: agentError?.cost,
    });
    expect(result.usage.totalTokens).toBe(15);
  });

  it("is counted once when a caller catches a failed asTool() subagent and fails later", async () => {
    const store = new MemoryStore();
    const helper = agent({
      name: "helper",
      model: scriptedModel("beta", billedFailure(400, 9, 1)),
      prices: testPrices,
    });
    const lead = agent({
      name: "lead",
      model: scriptedModel(
        "alpha",
        toolCallReply([{ name: "help", input: { task: "try" }, id: "h1" }]),
        httpError(400),
      ),
      tools: { help: helper.asTool() },
      prices: testPrices,
    });
    const run = workflow("w").step("lead", lead).start("go", { store });
    const result = await run.result;
    expect(result.status).toBe("failed");
    // The lead's first call (10 + 5) and the helper's billed failure (9 + 1), once each.
    expect(result.usage.totalTokens).toBe(25);
    expect(result.cost.modelCents).toBe(
      expectedCents("mock:alpha", 10, 5) + expectedCents("mock:beta", 9, 1),
    );
    const log = await store.readLog(run.id);
    const leadError = log.find((event) => event.type === "agent-error" && event.agent === "lead");
    expect(log.find((event) => event.type === "step-error")?.usage).toEqual(leadError?.usage);
  });

  it("is counted once in a step whose agent recovered from a failed subagent", async () => {
    const helper = agent({
      name: "helper",
      model: scriptedModel("beta", billedFailure(400, 9, 1)),
      prices: testPrices,
    });
    const lead = agent({
      name: "lead",
      model: scriptedModel(
        "alpha",
        toolCallReply([{ name: "help", input: { task: "try" }, id: "h1" }]),
        textReply("done without help"),
      ),
      tools: { help: helper.asTool() },
      prices: testPrices,
    });
    const result = await workflow("w").step("lead", lead).start("go").result;
    expect(result.status).toBe("succeeded");
    expect(result.usage.totalTokens).toBe(15 + 15 + 10);
    expect(result.usage).toEqual(result.steps.lead?.usage);
    expect(result.usage).toEqual((result.output as { usage: unknown }).usage);
  });
});

describe("Tool cost and budgets", () => {
  it("counts a tool's cost against maxCents: a budget spent by a tool stops the next model call", async () => {
    const store = new MemoryStore();
    const model = scriptedModel(
      "gamma",
      toolCallReply([{ name: "scrape", input: {} }]),
      textReply("never reached"),
    );
    const scraper = agent({
      name: "scraper",
      model,
      prices: testPrices,
      tools: {
        scrape: tool({
          inputSchema: z.object({}),
          execute: async () => ({ pages: 3, costInCents: 10 }),
        }),
      },
    });
    const run = workflow("w")
      .step("scrape", scraper)
      .start("go", { store, budget: { maxCents: 5 } });
    const result = await run.result;
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(result.status).toBe("failed");
    const modelCents = expectedCents("mock:gamma", 10, 5);
    expect(result.error).toMatchObject({
      name: "BudgetExceededError",
      scope: "run",
      spent: { cents: modelCents + 10 },
    });
    const log = await store.readLog(run.id);
    expect(log.find((event) => event.type === "budget-exceeded")).toMatchObject({
      stepId: "scrape",
      action: "stop",
    });
    // The refused run is still billed for its model call and its tool call.
    expect(result.cost).toMatchObject({ modelCents, toolCents: 10 });
  });

  it("counts a tool's cost against its agent's budget, and a failing tool's reported cost too", async () => {
    const model = scriptedModel(
      "gamma",
      toolCallReply([{ name: "flaky", input: {} }]),
      textReply("never reached"),
    );
    const worker = agent({
      name: "worker",
      model,
      prices: testPrices,
      tools: {
        flaky: tool({
          inputSchema: z.object({}),
          execute: async (_input, options): Promise<string> => {
            reportToolCost(options, 4);
            throw new Error("quota");
          },
        }),
      },
    });
    const store = new MemoryStore();
    const run = workflow("w")
      .step("work", worker)
      .start("go", { store, budget: { perAgent: { worker: { maxCents: 10 } } } });
    const result = await run.result;
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(result.error).toMatchObject({
      name: "BudgetExceededError",
      scope: "agent",
      agent: "worker",
    });
    expect(result.cost.toolCents).toBe(4);
    const log = await store.readLog(run.id);
    expect(log.find((event) => event.type === "tool-call-error")).toMatchObject({
      tool: "flaky",
      costCents: 4,
    });
  });
});
