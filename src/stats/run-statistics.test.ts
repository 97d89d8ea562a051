import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { agent } from "../agents/agent.js";
import { scriptedModel, testPrices, textReply, toolCallReply } from "../agents/test-support.js";
import { sequentialIdGenerator } from "../core/ports/id-generator.js";
import type { LoggedEvent } from "../core/ports/run-store.js";
import { emptyUsage, modelCallCost, type Usage } from "../core/usage.js";
import { workflow } from "../runtime/workflow.js";
import { MemoryStore } from "../stores/memory/index.js";
import { ManualClock } from "../testing/manual-clock.js";
import { latencyStats } from "./latency-stats.js";
import { runStatistics } from "./run-statistics.js";

const usage = (inputTokens: number, outputTokens: number): Usage => ({
  ...emptyUsage(),
  inputTokens,
  outputTokens,
  totalTokens: inputTokens + outputTokens,
});

/** 21 model-call durations for gpt-4o-mini, out of order; 18 more for the local model. */
const miniDurations = [
  410, 95, 230, 120, 880, 150, 175, 60, 300, 240, 1020, 130, 90, 500, 260, 710, 140, 205, 330, 85,
  615,
];
const localDurations = [40, 55, 70, 45, 65, 50];

/** The nearest-rank p95, computed here independently: sort, take the ceil(0.95 n)-th. */
function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.95 * sorted.length) - 1]!;
}

function modelCalls(
  runId: string,
  stepId: string,
  agent: string,
  model: string,
  durations: number[],
  from: number,
): LoggedEvent[] {
  return durations.map((durationMs, index) => ({
    type: "model-call-end",
    at: from + index,
    runId,
    stepId,
    agent,
    model,
    usage: usage(10, 5),
    cost: modelCallCost(model, model.startsWith("openai") ? 0.01 : null),
    durationMs,
  }));
}

async function seededStore(): Promise<MemoryStore> {
  const store = new MemoryStore({ copy: "json" });
  // r1: report, succeeded; a step retried once, two model-call retries, one fallback.
  await store.createRun({ id: "r1", workflow: "report", status: "succeeded", createdAt: 1000 });
  await store.append("r1", [
    { type: "run-start", at: 1000, runId: "r1", workflow: "report", input: {} },
    { type: "step-start", at: 1000, runId: "r1", stepId: "facts", attempt: 1 },
    {
      type: "agent-start",
      at: 1000,
      runId: "r1",
      stepId: "facts",
      agent: "researcher",
      model: "openai:gpt-4o-mini",
    },
    ...modelCalls(
      "r1",
      "facts",
      "researcher",
      "openai:gpt-4o-mini",
      miniDurations.slice(0, 11),
      1001,
    ),
    {
      type: "model-call-retry",
      at: 1100,
      runId: "r1",
      stepId: "facts",
      agent: "researcher",
      model: "openai:gpt-4o-mini",
      attempt: 2,
      delayMs: 500,
    },
    {
      type: "model-call-retry",
      at: 1200,
      runId: "r1",
      stepId: "facts",
      agent: "researcher",
      model: "openai:gpt-4o-mini",
      attempt: 3,
      delayMs: 1000,
    },
    {
      type: "model-call-fallback",
      at: 1300,
      runId: "r1",
      stepId: "facts",
      agent: "researcher",
      from: "openai:gpt-4o-mini",
      to: "ollama:llama3.2",
    },
    ...modelCalls("r1", "facts", "researcher", "ollama:llama3.2", localDurations.slice(0, 3), 1301),
    {
      type: "agent-end",
      at: 3400,
      runId: "r1",
      stepId: "facts",
      agent: "researcher",
      model: "ollama:llama3.2",
      usage: usage(140, 70),
      cost: modelCallCost("ollama:llama3.2", null),
    },
    {
      type: "step-end",
      at: 3400,
      runId: "r1",
      stepId: "facts",
      output: "x",
      usage: usage(140, 70),
      cost: modelCallCost("ollama:llama3.2", null),
      durationMs: 2400,
    },
    { type: "step-start", at: 3400, runId: "r1", stepId: "draft", attempt: 1 },
    {
      type: "step-error",
      at: 3500,
      runId: "r1",
      stepId: "draft",
      attempt: 1,
      willRetry: true,
      error: { name: "TimeoutError", message: "slow" },
    },
    { type: "step-retry", at: 3500, runId: "r1", stepId: "draft", attempt: 2, delayMs: 0 },
    { type: "step-start", at: 3500, runId: "r1", stepId: "draft", attempt: 2 },
    {
      type: "agent-start",
      at: 3500,
      runId: "r1",
      stepId: "draft",
      agent: "writer",
      model: "openai:gpt-4o-mini",
    },
    ...modelCalls("r1", "draft", "writer", "openai:gpt-4o-mini", miniDurations.slice(11), 3501),
    {
      type: "agent-end",
      at: 4300,
      runId: "r1",
      stepId: "draft",
      agent: "writer",
      model: "openai:gpt-4o-mini",
      usage: usage(100, 50),
      cost: modelCallCost("openai:gpt-4o-mini", 0.1),
    },
    {
      type: "step-end",
      at: 4300,
      runId: "r1",
      stepId: "draft",
      output: "y",
      usage: usage(100, 50),
      cost: modelCallCost("openai:gpt-4o-mini", 0.1),
      durationMs: 800,
    },
    {
      type: "run-end",
      at: 4300,
      runId: "r1",
      output: "y",
      usage: usage(240, 120),
      cost: {
        modelCents: null,
        toolCents: 0.5,
        totalCents: null,
        unpricedModels: ["ollama:llama3.2"],
      },
    },
  ]);
  // r1-child: a sub-workflow of r1; its cost is inside r1's, so totals skip it.
  await store.createRun({
    id: "r1-child",
    workflow: "report",
    parentId: "r1",
    status: "succeeded",
    createdAt: 1500,
  });
  await store.append("r1-child", [
    {
      type: "run-start",
      at: 1500,
      runId: "r1-child",
      parentRunId: "r1",
      workflow: "report",
      input: {},
    },
    { type: "step-start", at: 1500, runId: "r1-child", stepId: "inner", attempt: 1 },
    {
      type: "step-end",
      at: 1700,
      runId: "r1-child",
      stepId: "inner",
      output: 1,
      usage: usage(1, 1),
      cost: modelCallCost("openai:gpt-4o-mini", 0.01),
      durationMs: 200,
    },
    {
      type: "run-end",
      at: 1700,
      runId: "r1-child",
      output: 1,
      usage: usage(1, 1),
      cost: modelCallCost("openai:gpt-4o-mini", 0.01),
    },
  ]);
  // r2: report, failed: no run-end, so the steps' totals (failed attempts too) count.
  await store.createRun({ id: "r2", workflow: "report", status: "failed", createdAt: 2000 });
  await store.append("r2", [
    { type: "run-start", at: 2000, runId: "r2", workflow: "report", input: {} },
    { type: "step-start", at: 2000, runId: "r2", stepId: "facts", attempt: 1 },
    {
      type: "agent-start",
      at: 2000,
      runId: "r2",
      stepId: "facts",
      agent: "researcher",
      model: "ollama:llama3.2",
    },
    ...modelCalls("r2", "facts", "researcher", "ollama:llama3.2", localDurations.slice(3), 2001),
    {
      type: "agent-end",
      at: 2600,
      runId: "r2",
      stepId: "facts",
      agent: "researcher",
      model: "ollama:llama3.2",
      usage: usage(30, 15),
      cost: modelCallCost("ollama:llama3.2", null),
    },
    {
      type: "step-end",
      at: 2600,
      runId: "r2",
      stepId: "facts",
      output: "z",
      usage: usage(30, 15),
      cost: modelCallCost("ollama:llama3.2", null),
      durationMs: 600,
    },
    { type: "step-start", at: 2600, runId: "r2", stepId: "draft", attempt: 1 },
    {
      type: "agent-start",
      at: 2600,
      runId: "r2",
      stepId: "draft",
      agent: "writer",
      model: "openai:gpt-4o-mini",
    },
    {
      type: "agent-error",
      at: 2700,
      runId: "r2",
      stepId: "draft",
      agent: "writer",
      error: { name: "ModelCallError", message: "500" },
    },
    {
      type: "step-error",
      at: 2700,
      runId: "r2",
      stepId: "draft",
      attempt: 1,
      willRetry: false,
      error: { name: "ModelCallError", message: "500" },
      usage: usage(7, 0),
      cost: modelCallCost("openai:gpt-4o-mini", 0.02),
    },
    { type: "step-skip", at: 2700, runId: "r2", stepId: "publish", reason: "upstream-failed" },
    {
      type: "run-error",
      at: 2700,
      runId: "r2",
      error: { name: "StepError", message: "draft failed" },
    },
  ]);
  // r3: another workflow, still running: its started step counts as running.
  await store.createRun({ id: "r3", workflow: "triage", status: "running", createdAt: 3000 });
  await store.append("r3", [
    { type: "run-start", at: 3000, runId: "r3", workflow: "triage", input: {} },
    { type: "step-start", at: 3000, runId: "r3", stepId: "classify", attempt: 1 },
  ]);
  // r0: an old, cancelled report whose step never ended: interrupted.
  await store.createRun({ id: "r0", workflow: "report", status: "cancelled", createdAt: 500 });
  await store.append("r0", [
    { type: "run-start", at: 500, runId: "r0", workflow: "report", input: {} },
    { type: "step-start", at: 500, runId: "r0", stepId: "facts", attempt: 1 },
    { type: "run-cancel", at: 600, runId: "r0" },
  ]);
  return store;
}

describe("runStatistics", () => {
  it("counts runs by status and each run's steps by their last state", async () => {
    const stats = await runStatistics(await seededStore());

    expect(stats.runs).toEqual({
      total: 5,
      byStatus: { pending: 0, running: 1, waiting: 0, succeeded: 2, failed: 1, cancelled: 1 },
    });
    expect(stats.steps).toEqual({
      total: 8,
      byStatus: { succeeded: 4, failed: 1, skipped: 1, running: 1, interrupted: 1 },
    });
  });

  it("gives average and nearest-rank p95 latency per model from model-call-end durations", async () => {
    const { latency } = await runStatistics(await seededStore());

    const mini = latency.byModel["openai:gpt-4o-mini"]!;
    expect(mini.count).toBe(21);
    expect(mini.p95Ms).toBe(p95(miniDurations));
    expect(mini.p95Ms).toBe(880);
    expect(mini.averageMs).toBeCloseTo(miniDurations.reduce((a, b) => a + b, 0) / 21, 10);
    expect(mini.minMs).toBe(60);
    expect(mini.maxMs).toBe(1020);
    const local = latency.byModel["ollama:llama3.2"]!;
    expect(local).toMatchObject({ count: 6, p95Ms: p95(localDurations) });
    expect(local.averageMs).toBeCloseTo(325 / 6, 10);
    expect(Object.keys(latency.byModel)).toEqual(["ollama:llama3.2", "openai:gpt-4o-mini"]);
  });

  it("measures agent latency from agent-start to agent-end, ignoring runs that errored", async () => {
    const { latency } = await runStatistics(await seededStore());
    // researcher: 3400-1000 and 2600-2000; writer: 4300-3500 (its failed run in r2 has no end).
    expect(latency.byAgent.researcher).toEqual({
      count: 2,
      averageMs: 1500,
      p50Ms: 600,
      p95Ms: 2400,
      minMs: 600,
      maxMs: 2400,
    });
    expect(latency.byAgent.writer).toMatchObject({ count: 1, averageMs: 800, p95Ms: 800 });
    expect(latency.byStep.facts).toMatchObject({ count: 2, averageMs: 1500 });
    expect(latency.byStep.inner).toMatchObject({ count: 1, averageMs: 200 });
  });

  it("counts step retries, model-call retries and fallbacks taken", async () => {
    const stats = await runStatistics(await seededStore());
    expect(stats.retries).toEqual({ steps: 1, modelCalls: 2 });
    expect(stats.fallbacks).toEqual({
      total: 1,
      byRoute: { "openai:gpt-4o-mini -> ollama:llama3.2": 1 },
    });
  });

  it("totals usage and cost from run-end, or from the steps when a run did not end, without counting a sub-workflow twice", async () => {
    const stats = await runStatistics(await seededStore());
    // r1's run-end (240/120) + r2's steps: facts (30/15) and draft's failed attempt (7/0).
    expect(stats.usage).toEqual(usage(277, 135));
    expect(stats.cost).toEqual({
      modelCents: null,
      toolCents: 0.5,
      totalCents: null,
      unpricedModels: ["ollama:llama3.2"],
    });
  });

  it("filters by workflow name and creation time", async () => {
    const store = await seededStore();
    const triage = await runStatistics(store, { workflow: "triage" });
    expect(triage.runs.total).toBe(1);
    expect(triage.steps.byStatus.running).toBe(1);

    // Since 1200: r1 (1000) is out, so its child counts on its own; r0 is out too.
    const recent = await runStatistics(store, { since: new Date(1200), workflow: "report" });
    expect(recent.runs.total).toBe(2);
    expect(recent.usage).toEqual(usage(38, 16));
    expect(recent.cost.modelCents).toBeNull();
    expect(recent.latency.byModel["openai:gpt-4o-mini"]).toBeUndefined();
    expect(recent.latency.byModel["ollama:llama3.2"]?.count).toBe(3);
  });

  it("reads the logs the engine writes", async () => {
    const store = new MemoryStore({ copy: "json" });
    let calls = 0;
    const flow = workflow("etl")
      .step(
        "extract",
        () => {
          calls++;
          if (calls === 1) throw Object.assign(new Error("flaky"), { isRetryable: true });
          return "rows";
        },
        { retry: { maxAttempts: 2, initialDelayMs: 0, jitter: 0 } },
      )
      .step("load", () => 1, { dependsOn: ["extract"] });
    const clock = new ManualClock(5000);
    const run = flow.start(undefined, { store, clock, ids: sequentialIdGenerator() });
    expect((await run.result).status).toBe("succeeded");

    const stats = await runStatistics(store, { workflow: "etl" });
    expect(stats.runs.byStatus.succeeded).toBe(1);
    expect(stats.steps.byStatus).toEqual({
      succeeded: 2,
      failed: 0,
      skipped: 0,
      running: 0,
      interrupted: 0,
    });
    expect(stats.retries.steps).toBe(1);
    expect(stats.latency.byStep.load).toMatchObject({ count: 1, averageMs: 0 });
  });

  it("gives the cache hit rate, tool calls per agent run, and whole-run latency percentiles", async () => {
    const store = new MemoryStore({ copy: "json" });
    const clock = new ManualClock(0);
    const lookup = tool({ inputSchema: z.object({}), execute: async () => "21 degrees" });
    const researcher = agent({
      name: "researcher",
      model: scriptedModel(
        "alpha",
        toolCallReply([{ name: "lookup", input: {} }]),
        textReply("It is 21 degrees."),
      ),
      prices: testPrices,
      tools: { lookup },
      cache: { ttlMs: 60_000 },
    });
    const writer = agent({
      name: "writer",
      model: scriptedModel("beta", textReply("Warm.")),
      prices: testPrices,
    });
    const durations = [300, 100, 200];
    let run = 0;
    const flow = workflow("weather")
      .step("wait", () => clock.sleep(durations[run++]!))
      .step("facts", researcher, { dependsOn: ["wait"], input: () => "Weather?" })
      .step("note", writer, { dependsOn: ["facts"], input: ({ results }) => results.facts.text });
    for (const _ of durations) {
      const result = await clock.runUntil(flow.start("x", { store, clock }).result);
      expect(result.status).toBe("succeeded");
    }

    const stats = await runStatistics(store);
    // The first run asked the model twice (a miss each); the others were answered by the cache.
    expect(stats.cache).toEqual({ hits: 4, misses: 2, hitRate: 4 / 6 });
    expect(stats.agents).toEqual({
      runs: 6,
      toolCalls: 3,
      averageToolCalls: 0.5,
      byAgent: {
        researcher: { runs: 3, toolCalls: 3, averageToolCalls: 1 },
        writer: { runs: 3, toolCalls: 0, averageToolCalls: 0 },
      },
    });
    expect(stats.latency.runs).toMatchObject({ count: 3, p50Ms: 200, p95Ms: 300, averageMs: 200 });
  });

  it("has no hit rate or tool-call average when nothing was looked up or run", async () => {
    const stats = await runStatistics(new MemoryStore());
    expect(stats.cache).toEqual({ hits: 0, misses: 0, hitRate: null });
    expect(stats.agents).toEqual({ runs: 0, toolCalls: 0, averageToolCalls: null, byAgent: {} });
    expect(stats.latency.runs).toBeUndefined();
  });

  it("reports nothing for an empty store", async () => {
    const stats = await runStatistics(new MemoryStore());
    expect(stats.runs.total).toBe(0);
    expect(stats.steps.total).toBe(0);
    expect(stats.latency).toEqual({ byAgent: {}, byModel: {}, byStep: {} });
    expect(stats.usage).toEqual(emptyUsage());
    expect(stats.cost.totalCents).toBe(0);
  });

  it("rejects with CancelledError when its signal has aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      runStatistics(await seededStore(), { signal: controller.signal }),
    ).rejects.toMatchObject({ name: "CancelledError" });
  });

  it("rejects a store that is not a RunStore, and a bad `since`", async () => {
    await expect(runStatistics({} as never)).rejects.toThrow(
      'runStatistics: expected "store" to be a RunStore, received object',
    );
    await expect(runStatistics(new MemoryStore(), { since: Number.NaN })).rejects.toThrow(
      'runStatistics: expected "since" to be a time in ms or a Date, received NaN',
    );
  });
});

describe("latencyStats", () => {
  it("takes the nearest rank: p95 of 1..20 is 19, of 1..21 is 20, of one value is that value", () => {
    const range = (n: number) => Array.from({ length: n }, (_, index) => index + 1);
    expect(latencyStats(range(20))?.p95Ms).toBe(19);
    expect(latencyStats(range(21))?.p95Ms).toBe(20);
    expect(latencyStats([42])).toEqual({
      count: 1,
      averageMs: 42,
      p50Ms: 42,
      p95Ms: 42,
      minMs: 42,
      maxMs: 42,
    });
    expect(latencyStats([])).toBeUndefined();
  });
});
