import { tool } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Clock } from "../core/ports/clock.js";
import { sumUsage } from "../core/usage.js";
import { systemClock } from "../runtime/system-clock.js";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.js";
import { type AgentOptions, agent } from "./index.js";

// These tests drive the real openai-compatible provider over HTTP against a local fake server.

const prices = {
  "openai-compatible:main-model": { inputPerMillion: 10_000, outputPerMillion: 20_000 },
  "openai-compatible:backup-model": { inputPerMillion: 5_000, outputPerMillion: 10_000 },
};

/** Real time, but retry waits are recorded and skipped, so a Retry-After of seconds costs nothing. */
function skippingRetryWaits(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => systemClock.now(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
}

let server: FakeOpenAIServer;

beforeEach(async () => {
  server = await startFakeOpenAIServer();
});

afterEach(async () => {
  await server.close();
});

function httpAgent(options: Partial<AgentOptions> = {}) {
  return agent({
    name: "http-agent",
    model: "openai-compatible:main-model",
    modelOptions: { baseURL: server.baseURL, env: {} },
    retry: { initialDelayMs: 1, jitter: 0 },
    prices,
    ...options,
  });
}

describe("Agent over HTTP (openai-compatible)", () => {
  it("retries a 429, honouring its Retry-After, and answers", async () => {
    server.enqueue(
      { fault: "rate-limit", retryAfterSeconds: 3 },
      { text: "Hello after waiting.", usage: { promptTokens: 12, completionTokens: 4 } },
    );
    const clock = skippingRetryWaits();
    const result = await httpAgent({ clock }).run("Hello?");
    expect(result.text).toBe("Hello after waiting.");
    expect(clock.sleeps).toEqual([3000]);
    expect(server.requests).toHaveLength(2);
    expect(result.modelCalls.map((call) => [call.attempt, call.error?.statusCode ?? "ok"])).toEqual(
      [
        [1, 429],
        [2, "ok"],
      ],
    );
    expect(result.usage).toEqual(server.usageTotals());
    expect(result.usage).toMatchObject({ inputTokens: 12, outputTokens: 4 });
  });

  it("falls back to the next model once 500s have used up the retries", async () => {
    server.enqueueFor("main-model", { fault: "server-error" }, { fault: "server-error" });
    server.enqueueFor("backup-model", {
      text: "Backup here.",
      usage: { promptTokens: 9, completionTokens: 3 },
    });
    const result = await httpAgent({
      retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 0 },
      fallbackModels: ["openai-compatible:backup-model"],
    }).run("Anyone?");
    expect(result.text).toBe("Backup here.");
    expect(result.model).toBe("openai-compatible:backup-model");
    expect(server.requests.map((request) => request.body?.model)).toEqual([
      "main-model",
      "main-model",
      "backup-model",
    ]);
    expect(result.modelCalls.map((call) => call.error?.statusCode ?? "ok")).toEqual([
      500,
      500,
      "ok",
    ]);
    expect(result.usage).toEqual(server.usageTotals());
    expect(result.cost.modelCents).toBeCloseTo(((9 * 5_000 + 3 * 10_000) / 1_000_000) * 100, 10);
  });

  it("gives up on a hanging request at the per-call timeout and retries it", async () => {
    server.enqueue({ fault: "hang" }, { text: "Sorry for the wait." });
    const result = await httpAgent({ timeout: { callMs: 300 } }).run("Are you there?");
    expect(result.text).toBe("Sorry for the wait.");
    expect(result.modelCalls[0]?.error).toMatchObject({ name: "TimeoutError" });
    expect(server.requests).toHaveLength(2);
  });

  it("retries a malformed JSON body as the server's fault", async () => {
    server.enqueue(
      { fault: "malformed-json" },
      { text: "Parsed fine.", usage: { promptTokens: 7, completionTokens: 2 } },
    );
    const result = await httpAgent().run("Hi");
    expect(result.text).toBe("Parsed fine.");
    expect(server.requests).toHaveLength(2);
    expect(result.modelCalls[0]?.error).toMatchObject({
      name: "ModelCallError",
      isRetryable: true,
    });
    expect(result.usage).toEqual(server.usageTotals());
  });

  it("runs a tool loop and streams the answer, with usage equal to the server's totals", async () => {
    server.enqueue(
      {
        toolCalls: [{ name: "lookup", arguments: { term: "baton" } }],
        usage: { promptTokens: 30, completionTokens: 9 },
      },
      {
        text: "A baton is passed between runners.",
        usage: { promptTokens: 55, completionTokens: 11 },
      },
    );
    const run = httpAgent({
      tools: {
        lookup: tool({
          inputSchema: z.object({ term: z.string() }),
          execute: async ({ term }) => ({
            definition: `${term}: a stick passed in a relay`,
            costInCents: 0.1,
          }),
        }),
      },
    }).stream("What is a baton?");
    const chunks: string[] = [];
    for await (const chunk of run.textStream) chunks.push(chunk);
    const result = await run.result;
    expect(chunks.join("")).toBe("A baton is passed between runners.");
    expect(chunks.length).toBeGreaterThan(1);
    expect(server.requests.every((request) => request.body?.stream === true)).toBe(true);
    expect(result.toolCalls[0]).toMatchObject({
      tool: "lookup",
      input: { term: "baton" },
      costCents: 0.1,
    });
    expect(result.usage).toEqual(server.usageTotals());
    expect(sumUsage(result.modelCalls.map((call) => call.usage))).toEqual(server.usageTotals());
    expect(result.cost.toolCents).toBe(0.1);
    // The tool's result reached the model in the second request.
    expect(JSON.stringify(server.requests[1]?.body?.messages)).toContain(
      "a stick passed in a relay",
    );
  });

  it("retries a rate-limited stream before any text reaches the caller", async () => {
    server.enqueue(
      { fault: "rate-limit", retryAfterSeconds: 1 },
      { fault: "server-error", status: 502 },
      { text: "Streamed at last.", usage: { promptTokens: 6, completionTokens: 4 } },
    );
    const clock = skippingRetryWaits();
    const run = httpAgent({ clock }).stream("Stream please");
    const chunks: string[] = [];
    for await (const chunk of run.textStream) chunks.push(chunk);
    const result = await run.result;
    expect(chunks.join("")).toBe("Streamed at last.");
    expect(clock.sleeps).toEqual([1000, 2]);
    expect(result.modelCalls.map((call) => call.error?.statusCode ?? "ok")).toEqual([
      429,
      502,
      "ok",
    ]);
    expect(result.usage).toEqual(server.usageTotals());
  });

  it("keeps usage equal to the server's totals across retries, fallbacks and steps", async () => {
    server.enqueueFor(
      "main-model",
      {
        toolCalls: [{ name: "lookup", arguments: { term: "x" } }],
        usage: { promptTokens: 20, completionTokens: 5 },
      },
      { fault: "rate-limit", retryAfterSeconds: 0 },
      { fault: "server-error" },
    );
    server.enqueueFor("backup-model", {
      text: "Done.",
      usage: { promptTokens: 40, completionTokens: 2, cachedTokens: 16 },
    });
    const result = await httpAgent({
      retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 0 },
      fallbackModels: ["openai-compatible:backup-model"],
      tools: {
        lookup: tool({ inputSchema: z.object({ term: z.string() }), execute: async () => "found" }),
      },
    }).run("Go");
    expect(result.text).toBe("Done.");
    expect(result.usage).toEqual(server.usageTotals());
    expect(result.usage.cachedInputTokens).toBe(16);
  });
});
