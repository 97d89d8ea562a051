import { describe, expect, it } from "vitest";
import type { BatonEvent } from "../core/events.js";
import { sequentialIdGenerator } from "../core/ports/id-generator.js";
import { modelCallCost } from "../core/usage.js";
import { workflow } from "../runtime/workflow.js";
import { ManualClock } from "../testing/manual-clock.js";
import { progressView } from "./progress-view.js";
import { EventChannel, sampleRun } from "./test-support.js";

class FakeStream {
  chunks: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns = 100,
  ) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  get text(): string {
    return this.chunks.join("");
  }
}

function closed(events: BatonEvent[]): EventChannel {
  const channel = new EventChannel();
  channel.push(...events);
  channel.end();
  return channel;
}

const CLEAR = "\r\x1b[2K";

describe("progressView", () => {
  it("prints one plain line per step start, end, failure and retry when not a TTY", async () => {
    const stream = new FakeStream(false);
    const summary = await progressView(closed(sampleRun()), { stream, totalSteps: 2 });

    expect(stream.text.split("\n")).toEqual([
      "run report started",
      "step facts started",
      "step facts done in 1.2s (1/2 steps, 50%, 0.5000¢ so far)",
      "step draft started",
      "step draft failed on attempt 1 (will retry): rate limited",
      "step draft retrying: attempt 2 in 500ms",
      "step draft started (attempt 2)",
      "step draft done in 200ms (2/2 steps, 100%, 0.7500¢ so far)",
      "run report succeeded in 2.0s: 2/2 steps, 100%, 2 succeeded, cost 0.7500¢",
      "",
    ]);
    expect(stream.text).not.toContain("\x1b");
    expect(summary).toEqual({
      status: "succeeded",
      completed: 2,
      percent: 100,
      succeeded: 2,
      failed: 0,
      skipped: 0,
      totalSteps: 2,
      cents: 0.75,
      unpriced: false,
    });
  });

  it("redraws one status line in place on a TTY: bar, running steps, cost, elapsed time", async () => {
    const stream = new FakeStream(true);
    const clock = new ManualClock(1000);
    const channel = new EventChannel();
    const [start, factsStart, factsEnd, draftStart] = sampleRun();
    const viewing = progressView(channel, { stream, totalSteps: 4, clock, refreshMs: 0 });

    channel.push(start!, factsStart!);
    await clock.advance(500);
    channel.push({ ...factsStart!, stepId: "sources" } as BatonEvent);
    await expect
      .poll(() => stream.chunks.at(-1))
      .toBe(
        `${CLEAR}report [░░░░░░░░░░░░░░░░░░░░] 0/4 0% · running: facts, sources · 0.0000¢ · 500ms`,
      );

    await clock.advance(1700);
    channel.push(factsEnd!, draftStart!);
    await expect
      .poll(() => stream.chunks.at(-1))
      .toBe(
        `${CLEAR}report [█████░░░░░░░░░░░░░░░] 1/4 25% · running: sources, draft · 0.5000¢ · 2.2s`,
      );
    // Nothing but redraws so far: no line was printed for good.
    expect(stream.text).not.toContain("\n");

    channel.end();
    await viewing;
    // The events ended before the run did: the summary says so.
    expect(stream.chunks.at(-1)).toBe(
      `${CLEAR}run report running: 1/4 steps, 25%, 1 succeeded, cost 0.5000¢\n`,
    );
  });

  it("prints a failed step above the status line on a TTY, and the outcome at the end", async () => {
    const stream = new FakeStream(true);
    const [start, factsStart] = sampleRun();
    const events: BatonEvent[] = [
      start!,
      factsStart!,
      {
        type: "step-error",
        at: 1500,
        runId: "run_1",
        stepId: "facts",
        attempt: 3,
        willRetry: false,
        error: { name: "ModelCallError", message: "server error" },
        cost: modelCallCost("local:llama", null),
      },
      { type: "step-skip", at: 1500, runId: "run_1", stepId: "draft", reason: "upstream-failed" },
      {
        type: "run-error",
        at: 1600,
        runId: "run_1",
        error: { name: "StepError", message: "step facts failed" },
      },
    ];
    const summary = await progressView(closed(events), {
      stream,
      totalSteps: 2,
      clock: new ManualClock(1600),
      refreshMs: 0,
    });

    const printed = stream.text.split(CLEAR).filter((part) => part.endsWith("\n"));
    expect(printed).toEqual([
      "✗ facts failed: server error\n",
      "run report failed in 600ms (step facts failed): 2/2 steps, 100%, 0 succeeded, 1 failed, 1 skipped, cost 0.0000¢+\n",
    ]);
    expect(summary).toMatchObject({ status: "failed", failed: 1, skipped: 1, unpriced: true });
  });

  it("cuts the status line to the terminal width so a redraw never wraps", async () => {
    const stream = new FakeStream(true, 40);
    const [start, factsStart] = sampleRun();
    const channel = new EventChannel();
    channel.push(start!, factsStart!);
    const viewing = progressView(channel, {
      stream,
      totalSteps: 3,
      clock: new ManualClock(1000),
      refreshMs: 0,
    });
    await expect.poll(() => stream.chunks.length).toBe(2);
    const line = stream.chunks.at(-1)!.slice(CLEAR.length);
    expect([...line]).toHaveLength(39);
    expect(line.endsWith("…")).toBe(true);
    channel.end();
    await viewing;
  });

  it("refreshes the elapsed time on a TTY while a step runs", async () => {
    const stream = new FakeStream(true);
    const clock = new ManualClock(1000);
    const channel = new EventChannel();
    const [start, factsStart] = sampleRun();
    channel.push(start!, factsStart!);
    const viewing = progressView(channel, { stream, clock, refreshMs: 1000 });
    await expect.poll(() => clock.pendingTimers).toBe(1);

    await clock.advance(1000);
    await expect
      .poll(() => stream.chunks.at(-1))
      .toBe(`${CLEAR}report 0 steps done · running: facts · 0.0000¢ · 1.0s`);
    channel.end();
    await viewing;
    expect(clock.pendingTimers).toBe(0);
  });

  it("reads a run's `events` and ignores the steps of sub-workflow runs", async () => {
    const stream = new FakeStream(false);
    const [start, factsStart] = sampleRun();
    const child: BatonEvent = {
      type: "step-start",
      at: 1100,
      runId: "run_2",
      parentRunId: "run_1",
      stepId: "inner",
      attempt: 1,
    };
    await progressView({ events: closed([start!, factsStart!, child]) }, { stream });
    expect(stream.text).toBe("run report started\nstep facts started\n");
  });

  it("stops when its signal aborts and lets go of the events", async () => {
    const channel = new EventChannel();
    const stop = new AbortController();
    const viewing = progressView(channel, { stream: new FakeStream(false), signal: stop.signal });
    stop.abort();
    await viewing;
    await channel.released;
  });

  it("follows a real run of the engine, its progress read from the events", async () => {
    const flow = workflow("pipeline")
      .step("fetch", () => "data")
      .step("parse", () => ({ rows: 2 }), { dependsOn: ["fetch"] })
      .step("skip", () => 0, { dependsOn: ["fetch"], when: () => false });
    const run = flow.start(undefined, { ids: sequentialIdGenerator(), clock: new ManualClock(0) });
    const stream = new FakeStream(false);
    // No totalSteps: the engine's events carry the run's progress.
    const summary = await progressView(run, { stream });
    expect(stream.text.split("\n")).toEqual([
      "run pipeline started",
      "step fetch started",
      "step fetch done in 0ms (1/3 steps, 33%, 0.0000¢ so far)",
      "step skip skipped (condition)",
      "step parse started",
      "step parse done in 0ms (3/3 steps, 100%, 0.0000¢ so far)",
      "run pipeline succeeded in 0ms: 3/3 steps, 100%, 2 succeeded, 1 skipped, cost 0.0000¢",
      "",
    ]);
    expect(summary).toMatchObject({ completed: 3, percent: 100, totalSteps: 3 });
    expect(summary.status).toBe((await run.result).status);
  });

  it("rejects a source that is neither a run nor an event stream", async () => {
    await expect(progressView({} as never, { stream: new FakeStream(false) })).rejects.toThrow(
      'progressView: expected "source" to be a run or an AsyncIterable of events, received an object',
    );
  });
});
