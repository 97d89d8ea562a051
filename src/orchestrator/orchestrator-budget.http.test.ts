import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sequentialIdGenerator } from "../engine/index.js";
import { agent } from "../index.js";
import type { PriceTable } from "../models/index.js";
import { MemoryStore } from "../stores/memory/index.js";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/index.js";
import { DELEGATE_TOOL, Orchestrator, OrchestratorError } from "./index.js";

// A per-agent budget inside a delegation whose subagent tasks run in parallel, on the real
// openai-compatible provider over HTTP against a local fake server.

/** $10 per million tokens, in and out: a subagent call of 1,000 + 1,000 tokens costs 2 cents. */
const prices: PriceTable = {
  "openai-compatible:main-model": { inputPerMillion: 10, outputPerMillion: 10 },
  "openai-compatible:sub-model": { inputPerMillion: 10, outputPerMillion: 10 },
};
const centsOf = (tokens: number) => (tokens * 10 * 100) / 1_000_000;

/** 1,000 tokens (gpt-tokenizer), so the server's usage is honest. */
const taskText = `hello${" hello".repeat(999)}`;

let server: FakeOpenAIServer;

beforeEach(async () => {
  server = await startFakeOpenAIServer();
});

afterEach(async () => {
  await server.close();
});

function subModelTokens(): number {
  let tokens = 0;
  for (const request of server.requests) {
    if (request.body?.model === "sub-model") tokens += 2_000;
  }
  return tokens;
}

describe("A per-agent budget in an orchestrator delegation (fake OpenAI-compatible server)", () => {
  for (const maxParallelTasks of [1, 5, 20, 50]) {
    it(`never lets the subagent's served spend pass its budget, and reports it exactly (${maxParallelTasks} tasks at once)`, async () => {
      const tasks = Array.from({ length: 40 }, (_, index) => ({
        id: `part-${index}`,
        agent: "researcher",
        description: taskText,
      }));
      server.enqueueFor(
        "main-model",
        {
          toolCalls: [{ name: DELEGATE_TOOL, arguments: { tasks } }],
          usage: { promptTokens: 50, completionTokens: 50 },
        },
        { text: "Summary.", usage: { promptTokens: 50, completionTokens: 10 } },
      );
      for (let index = 0; index < 40; index++) {
        server.enqueueFor("sub-model", {
          text: "Findings.",
          usage: { promptTokens: 1_000, completionTokens: 1_000 },
          delayMs: 5,
        });
      }
      const modelOptions = { baseURL: server.baseURL, env: {} };
      const researcher = agent({
        name: "researcher",
        model: "openai-compatible:sub-model",
        modelOptions,
        prices,
        retry: 1,
        maxOutputTokens: 1_000,
      });
      const team = new Orchestrator({
        mainAgent: { name: "lead", model: "openai-compatible:main-model" },
        subagents: [{ agent: researcher, description: "Researches one part." }],
        modelOptions,
        prices,
        store: new MemoryStore(),
        ids: sequentialIdGenerator(),
        maxParallelTasks,
        budget: { perAgent: { researcher: { maxCents: 11 } } },
      });

      const error = await team.process("Research the 40 parts.").then(
        () => undefined,
        (thrown: unknown) => thrown,
      );

      expect(OrchestratorError.isInstance(error)).toBe(true);
      if (!OrchestratorError.isInstance(error)) return;
      expect(error.result.error).toMatchObject({
        name: "BudgetExceededError",
        scope: "agent",
        agent: "researcher",
      });
      const served = centsOf(subModelTokens());
      expect(served).toBeLessThanOrEqual(11);
      expect(served).toBe(10);
      const spend = error.costBreakdown?.byAgent.researcher;
      expect((spend?.modelCents ?? Number.NaN) + (spend?.possiblyBilledCents ?? 0)).toBeCloseTo(
        served,
        9,
      );
      expect(spend?.usage.totalTokens).toBe(subModelTokens());
    });
  }
});
