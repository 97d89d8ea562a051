import { describe, expect, it } from "vitest";
import type { LoggedEvent } from "../ports/run-store.js";
import { modelCallCost, type Usage } from "../usage.js";
import { foldRunLog } from "./fold-run-log.js";

const usage = (tokens: number): Usage => ({
  inputTokens: tokens,
  outputTokens: 0,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  totalTokens: tokens,
});

const event = (type: string, fields: Record<string, unknown> = {}): LoggedEvent =>
  ({ type, runId: "r", at: 0, ...fields }) as LoggedEvent;

const call = (stepId: string, tokens: number) =>
  event("model-call-end", {
    stepId,
    agent: "a",
    usage: usage(tokens),
    cost: modelCallCost("m", tokens / 10),
  });

const end = (stepId: string, tokens: number) =>
  event("step-end", { stepId, usage: usage(tokens), cost: modelCallCost("m", tokens / 10) });

describe("A run's books while steps are in flight", () => {
  it("counts the calls of steps in flight until each step's end bills them once", () => {
    const start = [event("run-start", { steps: ["a", "b", "c"] })];
    for (const id of ["a", "b", "c"]) start.push(event("step-start", { stepId: id }));
    const inFlight = foldRunLog([...start, call("a", 10), call("b", 20)]);
    expect(inFlight.usage.totalTokens).toBe(30);
    expect(Object.keys(inFlight.spending).sort()).toEqual(["a", "b"]);

    const aEnded = foldRunLog([...start, call("a", 10), call("b", 20), end("a", 10)]);
    expect(aEnded.usage.totalTokens).toBe(30);
    expect(aEnded.cost.totalCents).toBeCloseTo(3);
    expect(Object.keys(aEnded.spending)).toEqual(["b"]);

    const allEnded = foldRunLog([
      ...start,
      call("a", 10),
      call("b", 20),
      end("a", 10),
      end("b", 20),
      end("c", 0),
    ]);
    expect(allEnded.usage.totalTokens).toBe(30);
    expect(allEnded.settled.usage.totalTokens).toBe(30);
    expect(allEnded.spending).toEqual({});
  });
});
