import { countTokens } from "gpt-tokenizer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BudgetOptions } from "../core/policies/budget.js";
import { BudgetExceededError } from "../core/policies/budget-exceeded-error.js";
import { defaultOutputReservation } from "../core/policies/call-reservation.js";
import { parallel } from "../patterns/index.js";
import { workflow } from "../runtime/workflow.js";
import { MemoryStore } from "../stores/memory/index.js";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.js";
import { agent } from "./index.js";

// Budgets under concurrency, on the real openai-compatible provider over HTTP: what the fake
// server served is what a provider would bill.

/** $10 per million tokens, in and out: a call of 1,000 + 1,000 tokens costs 2 cents. */
const dollarsPerMillion = 10;
const prices = {
  "openai-compatible:fanout-model": {
    inputPerMillion: dollarsPerMillion,
    outputPerMillion: dollarsPerMillion,
  },
};
const centsOf = (tokens: number) => (tokens * dollarsPerMillion * 100) / 1_000_000;

/** A prompt of exactly 1,000 tokens (gpt-tokenizer), so the server's usage is honest. */
const prompt = `hello${" hello".repeat(999)}`;

let server: FakeOpenAIServer;

beforeEach(async () => {
  server = await startFakeOpenAIServer({
    fallbackReply: {
      text: "done",
      usage: { promptTokens: 1_000, completionTokens: 1_000 },
      delayMs: 5,
    },
  });
});

afterEach(async () => {
  await server.close();
});

/** 40 parallel steps of one agent, each one call of 1,000 + 1,000 tokens. */
async function fanOut(options: {
  concurrency: number;
  budget: BudgetOptions;
  maxOutputTokens?: number;
}) {
  const worker = agent({
    name: "worker",
    model: "openai-compatible:fanout-model",
    modelOptions: { baseURL: server.baseURL, env: {} },
    prices,
    retry: 1,
    ...(options.maxOutputTokens !== undefined ? { maxOutputTokens: options.maxOutputTokens } : {}),
  });
  const flow = workflow("fan-out");
  for (let index = 0; index < 40; index++)
    flow.step(`task-${index}`, worker, { input: () => prompt });
  const run = flow.start(
    {},
    { store: new MemoryStore(), concurrency: options.concurrency, budget: options.budget },
  );
  const result = await run.result;
  const served = server.usageTotals();
  return {
    result,
    requests: server.requests.length,
    servedTokens: served.totalTokens,
    servedCents: centsOf(served.totalTokens),
    reportedTokens: result.usage.totalTokens + (result.usage.possiblyBilledTokens ?? 0),
    reportedCents: (result.cost.totalCents ?? Number.NaN) + (result.cost.possiblyBilledCents ?? 0),
  };
}

describe("Budgets under concurrency (fake OpenAI-compatible server)", () => {
  it("uses a prompt of 1,000 tokens", () => {
    expect(countTokens(prompt)).toBe(1_000);
  });

  for (const concurrency of [1, 5, 20, 50]) {
    it(`with output caps, never lets the server serve past maxCents, and reports what it served (concurrency ${concurrency})`, async () => {
      const outcome = await fanOut({
        concurrency,
        budget: { maxCents: 11 },
        maxOutputTokens: 1_000,
      });
      expect(outcome.result.status).toBe("failed");
      expect(BudgetExceededError.isInstance(outcome.result.error)).toBe(true);
      expect(outcome.servedCents).toBeLessThanOrEqual(11);
      // Each call reserves its 1,000-token prompt (plus message overhead) and its 1,000-token
      // cap: five fit in 11 cents, a sixth never does.
      expect(outcome.requests).toBe(5);
      expect(outcome.reportedCents).toBeCloseTo(outcome.servedCents, 9);
      expect(outcome.reportedTokens).toBe(outcome.servedTokens);
      expect(outcome.result.cost.possiblyBilledCents ?? 0).toBe(0);
    });

    it(`without output caps, passes maxCents by at most one call's default reservation, and reports what it served (concurrency ${concurrency})`, async () => {
      const outcome = await fanOut({ concurrency, budget: { maxCents: 11 } });
      expect(outcome.result.status).toBe("failed");
      expect(outcome.servedCents).toBeLessThanOrEqual(11 + centsOf(defaultOutputReservation));
      expect(outcome.reportedCents).toBeCloseTo(outcome.servedCents, 9);
      expect(outcome.reportedTokens).toBe(outcome.servedTokens);
    });
  }

  it("holds maxTokens the same way, at concurrency 50", async () => {
    const outcome = await fanOut({
      concurrency: 50,
      budget: { maxTokens: 11_000 },
      maxOutputTokens: 1_000,
    });
    expect(outcome.result.status).toBe("failed");
    expect(outcome.servedTokens).toBeLessThanOrEqual(11_000);
    expect(outcome.requests).toBe(5);
    expect(outcome.reportedTokens).toBe(outcome.servedTokens);
  });

  it("holds in a pattern: parallel() of 20 agents, all at once", async () => {
    const members = Array.from({ length: 20 }, (_, index) =>
      agent({
        name: `member-${index}`,
        model: "openai-compatible:fanout-model",
        modelOptions: { baseURL: server.baseURL, env: {} },
        prices,
        retry: 1,
        maxOutputTokens: 1_000,
      }),
    );
    const run = parallel(members, { merge: (answers) => answers.length }).start(prompt, {
      store: new MemoryStore(),
      budget: { maxCents: 11 },
    });
    const result = await run.result;
    const servedCents = centsOf(server.usageTotals().totalTokens);

    expect(result.status).toBe("failed");
    expect(server.requests).toHaveLength(5);
    expect(servedCents).toBeLessThanOrEqual(11);
    expect(result.cost.totalCents! + (result.cost.possiblyBilledCents ?? 0)).toBeCloseTo(
      servedCents,
      9,
    );
  });
});
