import { describe, expect, it } from "vitest";
import type { LoggedEvent } from "../core/ports/run-store.js";
import { modelCallCost } from "../core/usage.js";
import { formatCostTable } from "./cost-table.js";
import { pendingApprovalsOf, runReport } from "./run-report.js";

const usage = (input: number, output: number) => ({
  inputTokens: input,
  outputTokens: output,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  totalTokens: input + output,
});

describe("runReport", () => {
  it("splits the cost by model and tool, and an unknown price makes that model's cents null", () => {
    const events: LoggedEvent[] = [
      { type: "run-start", at: 1000, runId: "r", workflow: "w", input: {}, steps: ["a"] },
      { type: "step-start", at: 1001, runId: "r", stepId: "a", attempt: 1 },
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
      {
        type: "model-call-end",
        at: 1003,
        runId: "r",
        stepId: "a",
        agent: "x",
        model: "p:m",
        usage: usage(10, 2),
        cost: modelCallCost("p:m", 1),
        durationMs: 1,
      },
      {
        type: "model-call-end",
        at: 1004,
        runId: "r",
        stepId: "a",
        agent: "x",
        model: "q:free",
        usage: usage(3, 1),
        cost: modelCallCost("q:free", null),
        durationMs: 1,
      },
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

    const report = runReport(events, { runId: "r" });

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

describe("runReport of a run that crashed", () => {
  const call = (at: number, type: string, fields: Record<string, unknown> = {}): LoggedEvent => ({
    type,
    at,
    runId: "r",
    stepId: "a",
    agent: "x",
    model: "p:m",
    attempt: 1,
    ...fields,
  });
  const beforeCrash: LoggedEvent[] = [
    { type: "run-start", at: 1000, runId: "r", workflow: "w", input: {}, steps: ["a", "b"] },
    { type: "step-start", at: 1001, runId: "r", stepId: "b", attempt: 1 },
    {
      type: "step-end",
      at: 1002,
      runId: "r",
      stepId: "b",
      output: 1,
      usage: usage(1, 1),
      cost: modelCallCost("p:m", 0.5),
    },
    { type: "step-start", at: 1003, runId: "r", stepId: "a", attempt: 1 },
    call(1004, "model-call-start", { estimatedInputTokens: 9 }),
    call(1005, "model-call-end", { usage: usage(10, 2), cost: modelCallCost("p:m", 1) }),
    call(1006, "model-call-start", { estimatedInputTokens: 14 }),
  ];

  it("counts the recorded calls of the step in flight, and the call with no reply as possibly billed", () => {
    const report = runReport(beforeCrash, { runId: "r" });
    expect(report.status).toBe("running");
    expect(report.steps.find((step) => step.id === "a")).toMatchObject({
      status: "running",
      usage: usage(10, 2),
      cost: { totalCents: 1 },
    });
    expect(report.usage).toEqual(usage(11, 3));
    expect(report.cost.totalCents).toBe(1.5);
    expect(report.possiblyBilled).toEqual({ calls: 1, estimatedInputTokens: 14 });
    expect(formatCostTable(report)).toContain(
      "Possibly billed: 1 model call started whose reply was never recorded (in flight, or cut short by a crash; ~14 tokens of input by Baton's count), not in the totals above",
    );
  });

  it("after a resume, bills the step's calls once and keeps the call cut short as possibly billed", () => {
    const resumed: LoggedEvent[] = [
      ...beforeCrash,
      { type: "run-resume", at: 2000, runId: "r" },
      { type: "step-start", at: 2001, runId: "r", stepId: "a", attempt: 1 },
      call(2002, "model-call-start", { estimatedInputTokens: 14 }),
      call(2003, "model-call-end", { usage: usage(14, 3), cost: modelCallCost("p:m", 2) }),
      // The resumed agent replayed the first call and books it with the new one.
      {
        type: "step-end",
        at: 2004,
        runId: "r",
        stepId: "a",
        output: "done",
        usage: usage(24, 5),
        cost: modelCallCost("p:m", 3),
      },
      { type: "run-end", at: 2005, runId: "r", output: "done" },
    ];
    const report = runReport(resumed, { runId: "r" });
    expect(report.status).toBe("succeeded");
    expect(report.steps.find((step) => step.id === "a")?.usage).toEqual(usage(24, 5));
    expect(report.usage).toEqual(usage(25, 6));
    expect(report.cost.totalCents).toBe(3.5);
    expect(report.possiblyBilled).toEqual({ calls: 1, estimatedInputTokens: 14 });
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
