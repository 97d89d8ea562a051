import { describe, expect, it } from "vitest";
import type { LoggedEvent } from "../core/ports/run-store.js";
import { modelCallCost, possiblyBilledSpend } from "../core/usage.js";
import { costTable } from "./cost-table.js";
import { pendingApprovalsOf, runReport } from "./run-report.js";

const usage = (input: number, output: number) => ({
  inputTokens: input,
  outputTokens: output,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  totalTokens: input + output,
});

/** The start of run "r" with one step "a", and a model call of that step. */
const started: LoggedEvent[] = [
  { type: "run-start", at: 1000, runId: "r", workflow: "w", input: {}, steps: ["a"] },
  { type: "step-start", at: 1001, runId: "r", stepId: "a", attempt: 1 },
];
const callEnd = (
  at: number,
  model: string,
  input: number,
  output: number,
  cents: number | null,
) => ({
  type: "model-call-end",
  at,
  runId: "r",
  stepId: "a",
  agent: "x",
  model,
  usage: usage(input, output),
  cost: modelCallCost(model, cents),
  durationMs: 1,
});

describe("runReport", () => {
  it("splits the cost by model and tool, and an unknown price makes that model's cents null", async () => {
    const events: LoggedEvent[] = [
      ...started,
      {
        type: "model-call-error",
        at: 1002,
        runId: "r",
        stepId: "a",
        agent: "x",
        model: "p:m",
        attempt: 1,
        error: { name: "E", message: "503" },
        usage: usage(5, 0),
        cost: modelCallCost("p:m", 0.5),
      },
      callEnd(1003, "p:m", 10, 2, 1),
      callEnd(1004, "q:free", 3, 1, null),
      {
        type: "tool-call-end",
        at: 1005,
        runId: "r",
        stepId: "a",
        agent: "x",
        tool: "lookup",
        toolCallId: "t1",
        output: 1,
        durationMs: 1,
        costCents: 0.25,
      },
      {
        type: "tool-call-error",
        at: 1006,
        runId: "r",
        stepId: "a",
        agent: "x",
        tool: "lookup",
        toolCallId: "t2",
        error: { name: "E", message: "no" },
        durationMs: 1,
      },
      // Another run's events in the same list are not this run's.
      {
        type: "model-call-end",
        at: 1007,
        runId: "other",
        agent: "y",
        model: "p:m",
        usage: usage(99, 99),
        cost: modelCallCost("p:m", 9),
        durationMs: 1,
      },
    ];

    const report = await runReport(events);

    expect(report.cost.byModel).toEqual({
      "p:m": { calls: 2, failedCalls: 1, usage: usage(15, 2), cents: 1.5 },
      "q:free": { calls: 1, failedCalls: 0, usage: usage(3, 1), cents: null },
    });
    expect(report.cost.byTool).toEqual({ lookup: { calls: 2, failedCalls: 1, cents: 0.25 } });
    expect(report.steps).toEqual([
      expect.objectContaining({
        id: "a",
        status: "running",
        attempts: 1,
        start: "1970-01-01T00:00:01.001Z",
        end: null,
      }),
    ]);
  });
});

describe("A run's cost table", () => {
  it("reports calls cut short before their reply apart, as possibly billed, per model and in total", async () => {
    const cutShort = possiblyBilledSpend("p:m", { tokens: 1_100, cents: 3 });
    const events: LoggedEvent[] = [
      ...started,
      callEnd(1002, "p:m", 10, 2, 1),
      {
        type: "model-call-error",
        at: 1003,
        runId: "r",
        stepId: "a",
        agent: "x",
        model: "p:m",
        attempt: 1,
        error: { name: "TimeoutError", message: "timed out" },
        ...cutShort,
      },
      {
        type: "step-error",
        at: 1004,
        runId: "r",
        stepId: "a",
        attempt: 1,
        willRetry: false,
        error: { name: "TimeoutError", message: "timed out" },
        usage: { ...usage(10, 2), possiblyBilledTokens: 1_100 },
        cost: { ...modelCallCost("p:m", 1), possiblyBilledCents: 3 },
      },
    ];

    const report = await runReport(events);

    expect(report.cost.byModel["p:m"]).toEqual({
      calls: 2,
      failedCalls: 1,
      usage: { ...usage(10, 2), possiblyBilledTokens: 1_100 },
      cents: 1,
      possiblyBilledCents: 3,
    });
    expect(report.usage).toMatchObject({ totalTokens: 12, possiblyBilledTokens: 1_100 });
    expect(report.cost).toMatchObject({ totalCents: 1, possiblyBilledCents: 3 });
    const table = costTable(report);
    expect(table).toContain("possibly billed");
    expect(table).toContain("1100 tokens");
    expect(table).toMatch(/possibly billed besides: .*3/);
  });

  it("says nothing of possibly billed calls when there were none", async () => {
    const report = await runReport([
      { type: "run-start", at: 1000, runId: "r", workflow: "w", input: {}, steps: [] },
    ]);
    expect(costTable(report)).not.toContain("possibly billed");
  });
});

describe("runReport of a run that crashed", () => {
  const reservation = { tokens: 900, cents: 4 };
  const beforeCrash: LoggedEvent[] = [
    ...started,
    { type: "model-call-start", at: 1002, runId: "r", stepId: "a", agent: "x", model: "p:m" },
    callEnd(1003, "p:m", 10, 2, 1),
    {
      type: "model-call-start",
      at: 1004,
      runId: "r",
      stepId: "a",
      agent: "x",
      model: "p:m",
      attempt: 1,
      reservation,
    },
  ];

  it("counts the recorded calls of the step in flight in its row and in the totals", async () => {
    const report = await runReport(beforeCrash);
    expect(report.status).toBe("running");
    expect(report.steps[0]).toMatchObject({
      id: "a",
      status: "running",
      usage: usage(10, 2),
      cost: { totalCents: 1 },
    });
    expect(report.usage).toEqual(usage(10, 2));
    expect(costTable(report)).not.toContain("possibly billed");
  });

  it("once resumed, shows the call cut short by the crash as possibly billed, and the step's calls once", async () => {
    const cutShort = possiblyBilledSpend("p:m", reservation);
    const resumed: LoggedEvent[] = [
      ...beforeCrash,
      { type: "run-resume", at: 2000, runId: "r" },
      {
        type: "model-call-error",
        at: 2000,
        runId: "r",
        stepId: "a",
        agent: "x",
        model: "p:m",
        attempt: 1,
        error: { name: "CallCutShortError", message: "cut short", code: "call-cut-short" },
        ...cutShort,
      },
      { type: "step-start", at: 2001, runId: "r", stepId: "a", attempt: 1 },
      callEnd(2003, "p:m", 14, 3, 2),
      // The resumed agent books the replayed call and the one cut short with its new one.
      {
        type: "step-end",
        at: 2004,
        runId: "r",
        stepId: "a",
        output: "done",
        usage: { ...usage(24, 5), possiblyBilledTokens: 900 },
        cost: { ...modelCallCost("p:m", 3), possiblyBilledCents: 4 },
      },
      { type: "run-end", at: 2005, runId: "r", output: "done" },
    ];
    const report = await runReport(resumed);
    expect(report.steps[0]).toMatchObject({
      usage: { ...usage(24, 5), possiblyBilledTokens: 900 },
      cost: { totalCents: 3, possiblyBilledCents: 4 },
    });
    expect(report.usage).toEqual({ ...usage(24, 5), possiblyBilledTokens: 900 });
    expect(report.cost).toMatchObject({ totalCents: 3, possiblyBilledCents: 4 });
    expect(costTable(report)).toMatch(/possibly billed besides: .*4/);
  });
});

describe("pendingApprovalsOf", () => {
  it("keeps approval requests no decision has answered, step and tool-call ones apart", () => {
    const events: LoggedEvent[] = [
      { type: "approval-request", at: 1, runId: "r", stepId: "publish", message: "Publish?" },
      {
        type: "approval-request",
        at: 2,
        runId: "r",
        stepId: "send",
        toolCallId: "c1",
        message: "Send mail?",
      },
      { type: "approval-request", at: 3, runId: "r", stepId: "send", toolCallId: "c2" },
      {
        type: "approval-decision",
        at: 4,
        runId: "r",
        stepId: "send",
        toolCallId: "c1",
        approved: true,
      },
    ];
    expect(pendingApprovalsOf(events)).toEqual([
      { stepId: "publish", message: "Publish?" },
      { stepId: "send", toolCallId: "c2" },
    ]);
  });
});
