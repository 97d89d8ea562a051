import { APICallError } from "ai";
import { MockLanguageModelV4 } from "ai/test";
import { describe, expect, it } from "vitest";
import { agent } from "../index.js";
import { defineOrchestration } from "./define-orchestration.js";
import { PlanError } from "./plan-error.js";
import { collect, MockLedger, mockAgent } from "./test-support.js";

interface Job {
  id: string;
  dependsOn?: string[];
  topic: string;
}

describe("defineOrchestration", () => {
  it("decomposes, runs subtasks in dependency order on the engine, and synthesises", async () => {
    const ledger = new MockLedger();
    const planner = mockAgent("planner", "a,b", { ledger });
    const worker = mockAgent("worker", (prompt) => `done(${prompt})`, { ledger });
    const lead = mockAgent("lead", (prompt) => `summary of ${prompt}`, { ledger });
    const seen: Record<string, string[]> = {};
    const orchestration = defineOrchestration<Job, string, string>({
      name: "review",
      decompose: async (task, { run }) => {
        const topics = (await run(planner.agent, task)).text.split(",");
        return [
          ...topics.map((topic) => ({ id: topic, topic })),
          { id: "final", topic: "final", dependsOn: topics },
        ];
      },
      executeSubtask: async (job, { run, dependencies }) => {
        seen[job.id] = dependencies.map((dependency) => dependency.text);
        const input = [job.topic, ...dependencies.map((dependency) => dependency.text)].join("|");
        return (await run(worker.agent, input)).text;
      },
      synthesize: async (results, { run, subtasks }) => {
        expect(subtasks.map((subtask) => subtask.id)).toEqual(["a", "b", "final"]);
        return (await run(lead.agent, results.map((result) => result.id).join("+"))).text;
      },
    });
    const run = orchestration.start("the diff");
    const events = await collect(run.events);
    const result = await run.result;

    expect(result.status).toBe("succeeded");
    expect(seen).toEqual({ a: [], b: [], final: ["done(a)", "done(b)"] });
    expect(worker.prompts.at(-1)).toBe("final|done(a)|done(b)");
    expect(result.output.output).toBe("summary of a+b+final");
    expect(result.output.results.map((entry) => [entry.id, entry.text])).toEqual([
      ["a", "done(a)"],
      ["b", "done(b)"],
      ["final", "done(final|done(a)|done(b))"],
    ]);
    const order = events
      .map((event) => `${event.type}${event.type === "step-start" ? `:${event.stepId}` : ""}`)
      .filter((label) =>
        /^(decomposition|synthesis)-|^step-start:(a|final|synthesize)$/.test(label),
      );
    expect(order).toEqual([
      "decomposition-start",
      "decomposition-end",
      "step-start:a",
      "step-start:final",
      "step-start:synthesize",
      "synthesis-start",
      "synthesis-end",
    ]);
    expect(events.find((event) => event.type === "decomposition-end")).toMatchObject({ count: 3 });
    // Usage and cost of every agent run through context.run roll up to the run.
    expect(ledger.usages).toHaveLength(5);
    expect(result.usage).toEqual(ledger.usage());
    expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents!, 9);
    expect(result.steps.execute!.usage).toEqual(
      ledger.usages.slice(1, 4).reduce((total, usage) => ({
        inputTokens: total.inputTokens + usage.inputTokens,
        outputTokens: total.outputTokens + usage.outputTokens,
        cachedInputTokens: 0,
        reasoningTokens: 0,
        totalTokens: total.totalTokens + usage.totalTokens,
      })),
    );
  });

  it("retries a subtask that fails with a retryable error, billing the failed attempt", async () => {
    const ledger = new MockLedger();
    const worker = mockAgent("worker", "ok", { ledger });
    let attempts = 0;
    const run = defineOrchestration<Job, string, number>({
      decompose: () => [{ id: "only", topic: "x" }],
      executeSubtask: async (_job, { run, attempt }) => {
        attempts++;
        const { text } = await run(worker.agent, `attempt ${attempt}`);
        if (attempt === 1) throw Object.assign(new Error("flaky"), { isRetryable: true });
        return text;
      },
      synthesize: (results) => results.length,
      retry: { maxAttempts: 3, initialDelayMs: 1, jitter: 0 },
    }).start("t");
    const events = await collect(run.events);
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(attempts).toBe(2);
    expect(worker.prompts).toEqual(["attempt 1", "attempt 2"]);
    expect(events.filter((event) => event.type === "step-retry")).toEqual([
      expect.objectContaining({ type: "step-retry", stepId: "only", attempt: 2 }),
    ]);
    // The failed attempt's agent run is billed to the subtasks' step too.
    expect(result.steps.execute!.usage).toEqual(ledger.usage());
    expect(result.usage).toEqual(ledger.usage());
  });

  it("does not retry a non-retryable failure, and bills what the failed subtask spent", async () => {
    const ledger = new MockLedger();
    const worker = mockAgent("worker", "ok", { ledger });
    let attempts = 0;
    const result = await defineOrchestration<Job>({
      decompose: () => [{ id: "only", topic: "x" }],
      executeSubtask: async (_job, { run }) => {
        attempts++;
        await run(worker.agent, "go");
        throw new Error("bad input");
      },
      synthesize: () => "never",
    }).start("t").result;
    expect(result.status).toBe("failed");
    expect(result.error?.message).toContain("bad input");
    expect(attempts).toBe(1);
    expect(ledger.usages).toHaveLength(1);
    expect(result.usage).toEqual(ledger.usage());
  });

  it("bills a subtask's failed agent run on top of what its earlier runs spent", async () => {
    const ledger = new MockLedger();
    const worker = mockAgent("worker", "ok", { ledger });
    // The provider billed 9 input and 1 output tokens for the failed call (1 and 2 cents each).
    const failing = agent({
      name: "failing",
      model: new MockLanguageModelV4({
        provider: "mock",
        modelId: "failing",
        doGenerate: async () => {
          throw Object.assign(
            new APICallError({
              message: "HTTP 400",
              url: "https://api.example.test/v1/chat/completions",
              requestBodyValues: {},
              statusCode: 400,
              isRetryable: false,
            }),
            {
              usage: {
                inputTokens: { total: 9, noCache: 9, cacheRead: 0, cacheWrite: 0 },
                outputTokens: { total: 1, text: 1, reasoning: 0 },
              },
            },
          );
        },
      }),
      prices: { "mock:failing": { inputPerMillion: 10_000, outputPerMillion: 20_000 } },
    });
    const result = await defineOrchestration<Job>({
      decompose: () => [{ id: "only", topic: "x" }],
      executeSubtask: async (_job, { run }) => {
        await run(worker.agent, "go");
        return (await run(failing, "then this")).text;
      },
      synthesize: () => "never",
    }).start("t").result;
    expect(result.status).toBe("failed");
    expect(result.usage.totalTokens).toBe(ledger.usage().totalTokens + 10);
    expect(result.cost.totalCents).toBeCloseTo(ledger.cost().totalCents! + 9 + 2, 9);
  });

  it("fails each attempt of a subtask that outlives its timeout, aborting its signal", async () => {
    let aborted = 0;
    const result = await defineOrchestration<Job>({
      decompose: () => [{ id: "slow", topic: "x" }],
      executeSubtask: (_job, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener("abort", () => {
            aborted++;
            reject(signal.reason);
          });
        }),
      synthesize: () => "never",
      retry: { maxAttempts: 2, initialDelayMs: 1, jitter: 0 },
      timeout: 20,
    }).start("t").result;
    expect(result.status).toBe("failed");
    expect(result.error?.message).toMatch(/timed out after 20 ms/);
    expect(aborted).toBe(2);
  });

  it("runs at most maxParallel subtasks at once", async () => {
    const ledger = new MockLedger();
    const worker = mockAgent("worker", "ok", { ledger, delayMs: 5 });
    await defineOrchestration<Job>({
      decompose: () => ["a", "b", "c", "d", "e"].map((id) => ({ id, topic: id })),
      executeSubtask: async (job, { run }) => (await run(worker.agent, job.topic)).text,
      synthesize: (results) => results.length,
      maxParallel: 2,
    }).run("t");
    expect(worker.prompts).toHaveLength(5);
    expect(ledger.maxInFlight).toBe(2);
  });

  it("rejects a cyclic plan with a PlanError before any subtask runs", async () => {
    let executed = 0;
    const run = defineOrchestration<Job>({
      decompose: () => [
        { id: "a", topic: "a", dependsOn: ["c"] },
        { id: "b", topic: "b", dependsOn: ["a"] },
        { id: "c", topic: "c", dependsOn: ["b"] },
        { id: "d", topic: "d", dependsOn: ["nowhere"] },
      ],
      executeSubtask: () => {
        executed++;
        return "x";
      },
      synthesize: () => "never",
    }).start("t");
    const events = await collect(run.events);
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(PlanError.isInstance(result.error)).toBe(true);
    expect((result.error as PlanError).problems).toEqual([
      'subtask "d" depends on "nowhere", which is not in the plan',
      "the dependencies form a cycle: a -> c -> b -> a",
    ]);
    expect(executed).toBe(0);
    expect(result.steps.execute!.status).not.toBe("succeeded");
    expect(events.find((event) => event.type === "decomposition-end")).toMatchObject({
      error: { name: "PlanError" },
    });
  });

  it("rejects a definition without its hooks with an OptionsError", () => {
    expect(() =>
      defineOrchestration({ decompose: () => [], synthesize: () => 1 } as never),
    ).toThrow(/executeSubtask: required: expected a function/);
  });

  describe("failureMode", () => {
    /** Four subtasks (d depends on b); b fails, so d is skipped. */
    function orchestration(failureMode?: "continue" | { quorum: number }) {
      const synthesised: { ids: string[]; failed: string[] }[] = [];
      const flow = defineOrchestration<Job, string, string>({
        name: "survey",
        retry: 1,
        ...(failureMode !== undefined ? { failureMode } : {}),
        decompose: () => [
          { id: "a", topic: "a" },
          { id: "b", topic: "b" },
          { id: "c", topic: "c" },
          { id: "d", topic: "d", dependsOn: ["b"] },
        ],
        executeSubtask: async (job) => {
          if (job.id === "b") throw new Error("agent b crashed");
          return `done ${job.id}`;
        },
        synthesize: (results, { failed }) => {
          synthesised.push({
            ids: results.map((result) => result.id),
            failed: failed.map((entry) => entry.id),
          });
          return results.map((result) => result.text).join(", ");
        },
      });
      return { flow, synthesised };
    }

    it("with continue, completes with the subtasks that succeeded and names those that failed", async () => {
      const { flow, synthesised } = orchestration("continue");
      const run = flow.start("survey the market");
      const events = await collect(run.events);
      const result = await run.result;
      expect(result.status).toBe("succeeded");
      expect(result.output.output).toBe("done a, done c");
      expect(synthesised).toEqual([{ ids: ["a", "c"], failed: ["b", "d"] }]);
      expect(result.output.failed).toEqual([
        {
          id: "b",
          subtask: { id: "b", topic: "b" },
          status: "failed",
          error: expect.objectContaining({ message: "agent b crashed" }),
        },
        { id: "d", subtask: { id: "d", topic: "d", dependsOn: ["b"] }, status: "skipped" },
      ]);
      expect(events.find((event) => event.type === "custom:subtasks-failed")).toMatchObject({
        data: {
          failed: [
            { id: "b", status: "failed" },
            { id: "d", status: "skipped" },
          ],
        },
      });
    });

    it("fails the run by default, and with a QuorumError when too few succeeded", async () => {
      const failFast = await orchestration().flow.start("x").result;
      expect(failFast.status).toBe("failed");
      const enough = await orchestration({ quorum: 2 }).flow.run("x");
      expect(enough.output.results.map((entry) => entry.id)).toEqual(["a", "c"]);
      const short = await orchestration({ quorum: 3 }).flow.start("x").result;
      expect(short.status).toBe("failed");
      expect(short.steps.execute?.error).toMatchObject({
        name: "QuorumError",
        message: expect.stringMatching(
          /^2 of 4 subtasks succeeded, fewer than the 3 needed: b \(agent b crashed\), d \(skipped\)$/,
        ),
      });
      expect(() => orchestration("sometimes" as never)).toThrow(/failureMode: expected/);
    });
  });
});
