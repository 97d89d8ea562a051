import { describe, expect, it } from "vitest";
import type { Outcome } from "../core/outcome.js";
import type { AttemptHost } from "../core/ports/step-dispatcher.js";
import { noCost, noUsage } from "../core/run/fold-run-log.js";
import type { RunContext } from "../core/run-context.js";
import { ManualClock } from "../testing/manual-clock.js";
import { AttemptEntry } from "./attempt-entry.js";
import type { ToWorker, WireAttempt } from "./wire.js";

/** An entry whose host records what it is told. */
function entry() {
  const emitted: Array<Record<string, unknown>> = [];
  const settled: Outcome[] = [];
  const clock = new ManualClock(1_000);
  const context = {
    clock,
    emit: (event: Record<string, unknown>) => emitted.push(event),
  } as unknown as RunContext;
  const host: AttemptHost = {
    context,
    // As the owner's fold keeps an attempt's work: what its runs logged but the starts.
    logged: () => emitted.filter((event) => event.type !== "model-call-start") as never,
    settle: (outcome) => settled.push(outcome),
  };
  const wire = { id: "owner/1", runId: "r1", stepId: "research" } as WireAttempt;
  return { entry: new AttemptEntry(host, wire, "q"), emitted, settled };
}

const start = (agent: string, tokens: number) => ({
  type: "model-call-start",
  at: 10,
  runId: "r1",
  stepId: "research",
  agent,
  path: "",
  model: "openai:gpt-4o-mini",
  reservation: { tokens, cents: 0.5 },
});

const succeeded: Outcome = { status: "succeeded", output: "done", usage: noUsage, cost: noCost };
const reply = () => undefined;
/** A delivery of attempt `owner/1` sends the owner one of its events. */
const emit = (
  attempt: AttemptEntry,
  delivery: string,
  event: { type: string; [key: string]: unknown },
) => attempt.handle({ t: "emit", a: "owner/1", d: delivery, event }, reply);
const spent = (tokens: number) => ({
  usage: { ...noUsage, inputTokens: tokens, totalTokens: tokens },
  cost: { ...noCost, modelCents: tokens / 100, totalCents: tokens / 100 },
});

describe("AttemptEntry", () => {
  it("logs the calls a dead delivery left open as cut short, possibly billed at their reservation, and bills them to the outcome", () => {
    const { entry: attempt, emitted, settled } = entry();
    // The first delivery starts a call and dies; the job runs again and finishes.
    emit(attempt, "first", start("writer", 1200));
    emit(attempt, "second", start("writer", 1200));
    emit(attempt, "second", { type: "model-call-end", at: 20, agent: "writer", path: "" });
    attempt.settle(succeeded, "second");

    const cut = emitted.filter((event) => event.type === "model-call-error");
    expect(cut).toHaveLength(1);
    expect(cut[0]).toMatchObject({
      agent: "writer",
      model: "openai:gpt-4o-mini",
      at: 1_000,
      error: { code: "call-cut-short" },
      usage: { possiblyBilledTokens: 1200 },
      cost: { possiblyBilledCents: 0.5 },
    });
    expect(settled[0]?.usage.possiblyBilledTokens).toBe(1200);
    expect(settled[0]?.cost.possiblyBilledCents).toBe(0.5);
  });

  it("leaves the settling delivery's calls alone, and books nothing when no call was left open", () => {
    const { entry: attempt, emitted, settled } = entry();
    emit(attempt, "only", start("writer", 900));
    emit(attempt, "only", { type: "model-call-error", at: 20, agent: "writer", path: "" });
    attempt.settle(succeeded, "only");
    expect(emitted.filter((event) => event.type === "model-call-error")).toHaveLength(1);
    expect(settled[0]?.usage).toBe(noUsage);
  });

  it("hands what the attempt logged to a redelivery, cutting the dead delivery's open call short first, and bills the dead delivery once: by the replay", () => {
    const { entry: attempt, emitted, settled } = entry();
    // The first delivery completes a turn, starts the next call and dies.
    emit(attempt, "first", start("writer", 1200));
    const end = { type: "model-call-end", at: 20, agent: "writer", path: "", ...spent(300) };
    emit(attempt, "first", end);
    attempt.handle({ t: "release", a: "owner/1", d: "first", call: 1, outcome: spent(300) }, reply);
    emit(attempt, "first", start("writer", 1200));
    // The job runs again: its delivery asks for what was logged.
    const answers: ToWorker[] = [];
    attempt.handle({ t: "recorded", a: "owner/1", d: "second", w: "w2", call: 7 }, (_, answer) =>
      answers.push(answer),
    );
    expect(answers).toEqual([
      {
        t: "recorded",
        call: 7,
        events: [
          end,
          expect.objectContaining({
            type: "model-call-error",
            error: expect.objectContaining({ code: "call-cut-short" }),
          }),
        ],
      },
    ]);
    // Its replay books the logged turn and the cut-short call; the settle adds neither again.
    const replayedOutcome: Outcome = { ...succeeded, ...spent(300) };
    attempt.settle(replayedOutcome, "second", true);
    expect(emitted.filter((event) => event.type === "model-call-error")).toHaveLength(1);
    expect(settled).toEqual([replayedOutcome]);
  });

  it("refuses what a delivery whose work was handed over asks or reports", () => {
    const { entry: attempt, emitted, settled } = entry();
    attempt.handle({ t: "recorded", a: "owner/1", d: "second", w: "w2", call: 1 }, reply);
    const answers: ToWorker[] = [];
    attempt.handle(
      {
        t: "acquire",
        a: "owner/1",
        d: "first",
        w: "w1",
        call: 2,
        request: { agent: "writer", model: "openai:gpt-4o-mini" } as never,
      },
      (_, answer) => answers.push(answer),
    );
    expect(answers).toEqual([expect.objectContaining({ t: "permit", call: 2, stale: true })]);
    emit(attempt, "first", start("writer", 1200));
    expect(emitted).toEqual([]);
    attempt.handle(
      {
        t: "settle",
        a: "owner/1",
        d: "first",
        outcome: { status: "succeeded", output: "late" } as never,
      },
      reply,
    );
    attempt.settle(succeeded, "first");
    expect(settled).toEqual([]);
    expect(attempt.settled).toBe(false);
    // The owner's own verdict (a timeout, a cancel) still settles it.
    attempt.settle(succeeded, undefined);
    expect(settled).toHaveLength(1);
  });

  it("lets a later delivery that asks for the logged work take the attempt over, never one that handed it off", () => {
    const { entry: attempt, settled } = entry();
    const answers: ToWorker[] = [];
    const ask = (d: string, call: number) =>
      attempt.handle({ t: "recorded", a: "owner/1", d, w: "w", call }, (_, answer) =>
        answers.push(answer),
      );
    ask("second", 1);
    // The second delivery died too; the attempt is sent again and its delivery asks.
    ask("third", 2);
    expect(answers.map((answer) => answer.t)).toEqual(["recorded", "recorded"]);
    expect(attempt.accepts("third")).toBe(true);
    expect(attempt.accepts("second")).toBe(false);
    // The second delivery (it was alive after all) cannot take the attempt back.
    ask("second", 3);
    expect(answers[2]).toEqual(expect.objectContaining({ t: "permit", call: 3, stale: true }));
    attempt.settle(succeeded, "second");
    expect(settled).toEqual([]);
    attempt.settle(succeeded, "third", true);
    expect(settled).toEqual([succeeded]);
  });
});
