import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { BatonError } from "../errors/baton-error.js";
import { OptionsError } from "../errors/options-error.js";
import { BudgetExceededError } from "../policies/budget-exceeded-error.js";
import type { Runnable } from "../runnable.js";
import { fakeAgent } from "../test-support/fake-agent.js";
import { harness, trace } from "../test-support/harness.js";
import { emptyCost, emptyUsage } from "../usage.js";
import type { StepContext } from "../workflow/step-options.js";

const flaky = () => Object.assign(new BatonError("flaky"), { isRetryable: true });

describe("context.run() in a function step", () => {
  it("runs agents with the step's gate and log, and bills what they spent to the step", async () => {
    const { clock, store, options } = harness();
    const writer = fakeAgent("writer", { tokens: 100, cents: 3 });
    const judge = fakeAgent("judge", { tokens: 40, cents: 1, reply: () => "draft 2" });
    const flow = workflow<string>("best").step(
      "best",
      async ({ input, run }: StepContext<string>) => {
        const drafts = await Promise.all([run(writer, input), run(writer, `${input}!`)]);
        const verdict = await run(judge, drafts.map((draft) => draft.text).join("\n"));
        return verdict.text;
      },
    );
    const run = flow.start("tides", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(result.output).toBe("draft 2");
    expect(writer.calls.map((call) => call.input)).toEqual(["tides", "tides!"]);
    expect(judge.calls[0]!.input).toBe("writer(tides)\nwriter(tides!)");
    // The engine's options: this run's clock, signal, ids and gate.
    const context = writer.calls[0]!.context;
    expect([context.runId, context.stepId, context.clock]).toEqual([run.id, "best", clock]);
    expect(context.gate).toBeDefined();
    const stepEnd = store.events(run.id).find((event) => event.type === "step-end");
    expect(stepEnd).toMatchObject({ usage: { totalTokens: 240 }, cost: { totalCents: 7 } });
    expect(result.usage.totalTokens).toBe(240);
    expect(result.cost.totalCents).toBe(7);
    expect(trace(store, run.id, ["model-call-end"])).toEqual([
      "model-call-end:best",
      "model-call-end:best",
      "model-call-end:best",
    ]);
  });

  it("bills a failed run on the attempt's step-error and rethrows its error unchanged", async () => {
    const { clock, store, options } = harness();
    const failing = fakeAgent("failing", { tokens: 110, cents: 11, fail: flaky });
    const errors: unknown[] = [];
    const flow = workflow("w").step(
      "try",
      async ({ input, run }) => {
        try {
          return await run(failing, input);
        } catch (error) {
          errors.push(error);
          throw error;
        }
      },
      { retry: { maxAttempts: 2, initialDelayMs: 5, jitter: 0 } },
    );
    const run = flow.start("go", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(errors).toHaveLength(2);
    expect(result.error).toBe(errors[1]);
    expect(result.error?.message).toBe("flaky");
    const stepErrors = store.events(run.id).filter((event) => event.type === "step-error");
    expect(
      stepErrors.map((event) => [
        event.willRetry,
        (event.usage as { totalTokens: number }).totalTokens,
      ]),
    ).toEqual([
      [true, 110],
      [false, 110],
    ]);
    expect(result.steps.try).toMatchObject({
      usage: { totalTokens: 220 },
      cost: { totalCents: 22 },
    });
    expect(result.cost.totalCents).toBe(22);
  });

  it("does not bill a function step for an error it throws itself, whatever it carries", async () => {
    const { clock, options } = harness();
    const carried = Object.assign(new BatonError("mine"), {
      usage: {
        inputTokens: 5,
        outputTokens: 0,
        cachedInputTokens: 0,
        reasoningTokens: 0,
        totalTokens: 5,
      },
    });
    const run = workflow("w")
      .step(
        "f",
        () => {
          throw carried;
        },
        { retry: 1 },
      )
      .start("go", options);
    await clock.runAll();
    expect((await run.result).usage.totalTokens).toBe(0);
  });

  it("aborts what it runs when the step throws first, and bills what that spent before it ended", async () => {
    const { clock, store, options } = harness();
    const aborted: unknown[] = [];
    // Like an agent whose model reply arrived as it was aborted: it ends a turn after the
    // abort, billing the reply.
    const lingering: Runnable<unknown, never> = {
      name: "lingering",
      kind: "agent",
      execute: (_input, { signal }) =>
        new Promise((resolve) => {
          signal.addEventListener("abort", () => {
            aborted.push(signal.reason);
            setImmediate(() =>
              resolve({
                status: "cancelled",
                error: new Error("aborted"),
                usage: { ...emptyUsage(), inputTokens: 30, outputTokens: 12, totalTokens: 42 },
                cost: { ...emptyCost(), modelCents: 4, totalCents: 4 },
              }),
            );
          });
        }),
    };
    const gaveUp = new Error("gave up");
    const run = workflow("w")
      .step("impatient", async ({ input, run }) => {
        run(lingering, input).catch(() => {});
        throw gaveUp;
      })
      .start("go", options);
    await clock.runAll();
    const result = await run.result;

    expect(result.status).toBe("failed");
    expect(result.error).toBe(gaveUp);
    expect(aborted).toEqual([gaveUp]);
    expect(store.events(run.id).find((event) => event.type === "step-error")).toMatchObject({
      usage: { totalTokens: 42 },
      cost: { totalCents: 4 },
    });
    expect(result.usage.totalTokens).toBe(42);
  });

  it("runs a workflow as a child run of this one, billed to the step", async () => {
    const { clock, store, options } = harness();
    const child = workflow<string>("child").step(
      "summarize",
      fakeAgent("summarizer", { tokens: 40, cents: 2 }),
    );
    const run = workflow<string>("parent")
      .step("sub", async ({ input, run }: StepContext<string>) => (await run(child, input)).output)
      .start("notes", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.output).toMatchObject({ text: "summarizer(notes)" });
    const children = await store.listRuns({ parentId: run.id });
    expect(children.map((record) => [record.workflow, record.status])).toEqual([
      ["child", "succeeded"],
    ]);
    expect(result.steps.sub).toMatchObject({ usage: { totalTokens: 40 }, cost: { totalCents: 2 } });
    expect(result.usage.totalTokens).toBe(40);
  });

  it("holds what it runs to the run's budget: a stop fails the run without a retry", async () => {
    const { clock, options } = harness();
    const spender = fakeAgent("spender", { tokens: 100, cents: 5 });
    let attempts = 0;
    const run = workflow("w")
      .step("spend", async ({ run }) => {
        attempts++;
        await run(spender, "one");
        return run(spender, "two");
      })
      .start("go", { ...options, budget: { maxCents: 5 } });
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(BudgetExceededError.isInstance(result.error)).toBe(true);
    expect(attempts).toBe(1);
    expect(spender.calls).toHaveLength(1);
    expect(result.cost.totalCents).toBe(5);
  });

  it("rejects something that is not an agent or a workflow with a TypeError", async () => {
    const { clock, options } = harness();
    const run = workflow("w")
      .step("bad", ({ run }) => run({ name: "x" } as never, "go"), { retry: 1 })
      .start("go", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.error).toBeInstanceOf(TypeError);
    expect(result.error?.message).toMatch(
      /context\.run\(\) in step "bad": expected an agent or a workflow/,
    );
  });

  it("checks its options by the same rule as a step's, every problem at once", async () => {
    const { clock, options } = harness();
    const writer = fakeAgent("writer");
    const run = workflow("w")
      .step("bad", ({ run }) => run(writer, "go", { retry: 0, timeot: 5 } as never), { retry: 1 })
      .start("go", options);
    await clock.runAll();
    const result = await run.result;
    expect(OptionsError.isInstance(result.error)).toBe(true);
    expect(result.error?.message).toBe(
      [
        'Invalid options for context.run() in step "bad" (2 problems):',
        "  retry: expected an integer >= 1, received 0",
        '  timeot: unknown option "timeot" (did you mean "timeout"?)',
      ].join("\n"),
    );
    expect(writer.calls).toEqual([]);
  });
});
