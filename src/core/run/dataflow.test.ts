import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { fakeAgent } from "../test-support/fake-agent.js";
import { harness, sleeper, trace } from "../test-support/harness.js";
import type { StepContext } from "../workflow/step-options.js";

describe("Scheduler dataflow", () => {
  it("starts a step as soon as its own dependencies end (no superstep barrier)", async () => {
    const { clock, store, options } = harness();
    const startedAt: Record<string, number> = {};
    const timed = (id: string, ms: number) => async (context: StepContext) => {
      startedAt[id] = clock.now();
      await clock.sleep(ms, { signal: context.signal });
      return id;
    };
    const flow = workflow("two-chains")
      .step("a1", timed("a1", 5))
      .step("a2", timed("a2", 5), { dependsOn: ["a1"] })
      .step("a3", timed("a3", 5), { dependsOn: ["a2"] })
      .step("b1", timed("b1", 21))
      .step("b2", timed("b2", 21), { dependsOn: ["b1"] });
    const run = flow.start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(startedAt).toEqual({ a1: 0, b1: 0, a2: 5, a3: 10, b2: 21 });
    expect(clock.now()).toBe(42);
    expect(trace(store, run.id, ["step-start"])).toEqual([
      "step-start:a1",
      "step-start:b1",
      "step-start:a2",
      "step-start:a3",
      "step-start:b2",
    ]);
  });

  it("never runs more steps at once than the concurrency limit", async () => {
    const { clock, options } = harness();
    let running = 0;
    let peak = 0;
    let flow = workflow("wide");
    for (let index = 0; index < 10; index++) {
      flow = flow.step(`s${index}`, async ({ signal }) => {
        running++;
        peak = Math.max(peak, running);
        await clock.sleep(10, { signal });
        running--;
      });
    }
    const run = flow.start(undefined, { ...options, concurrency: 3 });
    await clock.runAll();
    expect((await run.result).status).toBe("succeeded");
    expect(peak).toBe(3);
    expect(clock.now()).toBe(40); // ceil(10 / 3) rounds of 10 ms
  });

  it("runs one step at a time in sequential mode", async () => {
    const { clock, options } = harness();
    const flow = workflow("seq", { mode: "sequential" })
      .step("a", sleeper(clock, 10, 1))
      .step("b", sleeper(clock, 10, 2));
    const run = flow.start(undefined, { ...options, concurrency: 8 });
    await clock.runAll();
    expect((await run.result).status).toBe("succeeded");
    expect(clock.now()).toBe(20);
  });

  it("passes results along and returns the final step's output", async () => {
    const { clock, options } = harness();
    const flow = workflow<{ n: number }>("math")
      .step("double", async ({ input }) => input.n * 2)
      .step("inc", async ({ results }) => results.double + 1, { dependsOn: ["double"] });
    const run = flow.start({ n: 4 }, options);
    await clock.runAll();
    const result = await run.result;
    expect(result.output).toBe(9);
    expect(result.steps.double!.output).toBe(8);
    expect(result.steps.inc!.status).toBe("succeeded");
  });

  it("returns an object of the final steps' outputs when there are several, or the output option's value", async () => {
    const { clock, options } = harness();
    const build = (output?: (results: Record<string, unknown>) => unknown) =>
      workflow("fan", output ? { output } : {})
        .step("root", async () => 1)
        .step("x", async () => "x", { dependsOn: ["root"] })
        .step("y", async () => "y", { dependsOn: ["root"] });
    const plain = build().start(undefined, options);
    await clock.runAll();
    expect((await plain.result).output).toEqual({ x: "x", y: "y" });
    const custom = build((results) => `${results.x}${results.y}`).start(undefined, options);
    await clock.runAll();
    expect((await custom.result).output).toBe("xy");
  });

  it("gives an agent step the workflow input as a string (JSON when not a string) and its result object to dependents", async () => {
    const { clock, options } = harness();
    const echo = fakeAgent("echo", { delayMs: 1 });
    const flow = workflow("agents")
      .step("first", echo)
      .step("second", echo, { dependsOn: ["first"], input: ({ results }) => results.first.text })
      .step("count", async ({ results }) => results.second.text.length, { dependsOn: ["second"] });
    const run = flow.start({ topic: "x" }, options);
    await clock.runAll();
    const result = await run.result;
    expect(echo.calls.map((call) => call.input)).toEqual([
      JSON.stringify({ topic: "x" }, null, 2),
      `echo(${JSON.stringify({ topic: "x" }, null, 2)})`,
    ]);
    expect(result.output).toBe(`echo(echo(${JSON.stringify({ topic: "x" }, null, 2)}))`.length);
    expect(result.steps.first!.model).toBe("test:model");
  });

  it("hands Runnable steps the run's signal, gate, emit, clock and ids", async () => {
    const { clock, options } = harness();
    const agent = fakeAgent("a", { delayMs: 1 });
    const flow = workflow("w").step("s", agent, {
      retry: 2,
      timeout: 500,
      fallbackModels: ["test:backup"],
    });
    const run = flow.start("hi", options);
    await clock.runAll();
    await run.result;
    const passed = agent.calls[0]!.context;
    expect(passed.signal).toBeInstanceOf(AbortSignal);
    expect(typeof passed.gate?.acquire).toBe("function");
    expect(typeof passed.emit).toBe("function");
    expect(passed.clock).toBe(clock);
    expect([passed.runId, passed.stepId]).toEqual([run.id, "s"]);
    expect(passed.overrides).toEqual({
      retry: { maxAttempts: 2 },
      timeout: 500,
      fallbackModels: ["test:backup"],
    });
  });

  it("sums usage and cost per step and for the run", async () => {
    const { clock, options } = harness();
    const flow = workflow("cost")
      .step("a", fakeAgent("a", { tokens: 100, cents: 2 }))
      .step("b", fakeAgent("b", { tokens: 50, cents: 1 }))
      .step("f", async () => 1);
    const run = flow.start("go", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.steps.a!.usage.totalTokens).toBe(100);
    expect(result.usage.totalTokens).toBe(150);
    expect(result.cost.totalCents).toBe(3);
    expect(result.steps.f!.usage.totalTokens).toBe(0);
  });

  it("logs events a step emits, stamped with run, step and time", async () => {
    const { clock, store, options } = harness();
    const flow = workflow("emit").step("plan", async ({ emit, signal }) => {
      emit({ type: "decomposition-start" });
      await clock.sleep(5, { signal });
      emit({ type: "custom:note", data: 1 });
      return "ok";
    });
    const run = flow.start(undefined, options);
    await clock.runAll();
    await run.result;
    const custom = store
      .events(run.id)
      .filter(
        (event) =>
          event.type !== "step-start" && event.stepId === "plan" && event.type !== "step-end",
      );
    expect(custom).toEqual([
      { type: "decomposition-start", at: 0, runId: run.id, stepId: "plan" },
      { type: "custom:note", data: 1, at: 5, runId: run.id, stepId: "plan" },
    ]);
  });
});

describe("Scheduler with many steps running", () => {
  it("stays deterministic on a manual clock when log writes are gathered per event-loop phase", async () => {
    const { clock, store, options } = harness();
    let flow = workflow("wide");
    for (let index = 0; index < 40; index++) {
      flow = flow.step(`leaf${index}`, sleeper(clock, 10 + (index % 3), index));
    }
    flow = flow.step("join", async ({ results }) => Object.keys(results).length, {
      dependsOn: Array.from({ length: 40 }, (_, index) => `leaf${index}`),
    });
    const run = flow.start(undefined, options);
    await clock.advance(10);
    expect(trace(store, run.id, ["step-end"])).toHaveLength(14);
    await clock.advance(2);
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(result.output).toBe(40);
    expect(result.steps.join!.startedAt).toBe(12);
  });

  it("finishes gathered work that starts more gathered work within one advance", async () => {
    const { clock, store, options } = harness();
    let flow = workflow("fan").step("root", sleeper(clock, 10, 0));
    const leaves = Array.from({ length: 40 }, (_, index) => `leaf${index}`);
    for (const leaf of leaves) flow = flow.step(leaf, async () => leaf, { dependsOn: ["root"] });
    let second = flow;
    for (const leaf of leaves)
      second = second.step(`${leaf}-b`, async () => 1, { dependsOn: [leaf] });
    const run = second.start(undefined, options);
    await clock.advance(10);
    expect(trace(store, run.id).at(-1)).toBe("run-end");
  });
});
