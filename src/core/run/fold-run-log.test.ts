import { describe, expect, it } from "vitest";
import type { LoggedEvent } from "../ports/run-store.js";
import { foldRunLog } from "./fold-run-log.js";

const runId = "run_1";
const usage = {
  inputTokens: 10,
  outputTokens: 5,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  totalTokens: 15,
};
const cost = { modelCents: 2, toolCents: 0, totalCents: 2, unpricedModels: [] };

function log(...events: Array<{ type: string; [field: string]: unknown }>): LoggedEvent[] {
  return [
    { type: "run-start", at: 0, runId, workflow: "w", steps: ["a", "b"] },
    ...events.map((event, index) => ({ at: index + 1, runId, ...event })),
  ];
}

const callEnd = (stepId: string) => ({
  type: "model-call-end",
  stepId,
  agent: "writer",
  model: "m",
  usage,
  cost,
});

describe("foldRunLog's steps in flight (state.running)", () => {
  it("keeps no record for a step in its first attempt that logged no work yet", () => {
    const state = foldRunLog(log({ type: "step-start", stepId: "a", attempt: 1 }));
    expect(state.steps.a?.status).toBe("running");
    expect(state.running.a).toBeUndefined();
  });

  it("makes the record on the step's first logged work, under its first attempt's key", () => {
    const state = foldRunLog(
      log({ type: "step-start", stepId: "a", attempt: 1 }, callEnd("a"), callEnd("a")),
    );
    const running = state.running.a;
    expect(running).toMatchObject({ attempt: 1, iteration: 1, key: "1.1" });
    expect(running?.work["1.1"]?.map((event) => event.type)).toEqual([
      "model-call-end",
      "model-call-end",
    ]);
    // What the recorded calls spent counts for the step and the run until the step ends.
    expect(state.steps.a?.usage.totalTokens).toBe(30);
    expect(state.usage.totalTokens).toBe(30);
  });

  it("gives a step started past its first attempt or iteration its record at once", () => {
    const state = foldRunLog(
      log(
        { type: "step-start", stepId: "a", attempt: 3 },
        { type: "step-start", stepId: "b", attempt: 1, iteration: 2 },
      ),
    );
    expect(state.running.a).toMatchObject({ attempt: 3, iteration: 1, key: "1.3" });
    expect(state.running.b).toMatchObject({ attempt: 1, iteration: 2, key: "2.1" });
  });

  it("keeps the attempt a retry announced, for the resumed step to continue", () => {
    const state = foldRunLog(
      log(
        { type: "step-start", stepId: "a", attempt: 1 },
        { type: "step-error", stepId: "a", attempt: 1, willRetry: true, error: { message: "x" } },
        { type: "step-retry", stepId: "a", attempt: 2, delayMs: 10 },
      ),
    );
    expect(state.running.a).toMatchObject({ attempt: 2 });
  });

  it("bills a failed attempt's calls once, and replays only the attempt after it", () => {
    const state = foldRunLog(
      log(
        { type: "step-start", stepId: "a", attempt: 1 },
        callEnd("a"),
        {
          type: "step-error",
          stepId: "a",
          attempt: 1,
          willRetry: true,
          error: { message: "x" },
          usage,
          cost,
        },
        { type: "step-retry", stepId: "a", attempt: 2, delayMs: 0 },
        { type: "step-start", stepId: "a", attempt: 2 },
        callEnd("a"),
      ),
    );
    expect(Object.keys(state.running.a?.work ?? {})).toEqual(["1.2"]);
    expect(state.steps.a?.usage.totalTokens).toBe(30);
    expect(state.usage.totalTokens).toBe(30);
  });

  it("keeps no work of a step that is not in flight, and drops a step's record when it ends", () => {
    const state = foldRunLog(
      log(
        callEnd("b"),
        { type: "step-retry", stepId: "b", attempt: 2, delayMs: 0 },
        { type: "step-start", stepId: "a", attempt: 1 },
        callEnd("a"),
        { type: "step-end", stepId: "a", output: 1, usage, cost },
        callEnd("a"),
      ),
    );
    expect(state.running).toEqual({});
    expect(state.steps.b?.usage.totalTokens).toBe(0);
    expect(state.steps.a?.usage.totalTokens).toBe(15);
  });

  it("counts a step as in flight while a tool call of it waits for approval", () => {
    const state = foldRunLog(
      log(
        { type: "step-start", stepId: "a", attempt: 1 },
        { type: "approval-request", stepId: "a", toolCallId: "t1", tool: "send" },
        { type: "tool-call-error", stepId: "a", toolCallId: "t1", error: { message: "stopped" } },
      ),
    );
    expect(state.steps.a?.status).toBe("waiting");
    expect(state.running.a?.work["1.1"]?.map((event) => event.type)).toEqual(["tool-call-error"]);
  });
});
