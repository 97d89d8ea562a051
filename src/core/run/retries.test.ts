import { describe, expect, it } from "vitest";
import { workflow } from "../../runtime/workflow.js";
import { BatonError } from "../errors/baton-error.js";
import { ModelCallError } from "../errors/model-call-error.js";
import { TimeoutError } from "../errors/timeout-error.js";
import type { Outcome } from "../outcome.js";
import type { RunContext } from "../run-context.js";
import { fakeAgent } from "../test-support/fake-agent.js";
import { harness } from "../test-support/harness.js";
import { noCost, noUsage } from "./fold-run-log.js";

const flaky = (message = "flaky") => Object.assign(new BatonError(message), { isRetryable: true });

describe("Step retries", () => {
  it("retries a function step with exact backoff delays on the injected clock", async () => {
    const { clock, store, options } = harness();
    const attemptsAt: number[] = [];
    const flow = workflow("retry").step(
      "s",
      async ({ attempt }) => {
        attemptsAt.push(clock.now());
        if (attempt < 4) throw flaky();
        return "ok";
      },
      { retry: { maxAttempts: 4, initialDelayMs: 100, backoffFactor: 2, jitter: 0 } },
    );
    const run = flow.start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(attemptsAt).toEqual([0, 100, 300, 700]);
    expect(result.steps.s!.attempts).toBe(4);
    const retries = store.events(run.id).filter((event) => event.type === "step-retry");
    expect(retries.map((event) => [event.attempt, event.delayMs])).toEqual([
      [2, 100],
      [3, 200],
      [4, 400],
    ]);
    const errors = store.events(run.id).filter((event) => event.type === "step-error");
    expect(errors.map((event) => event.willRetry)).toEqual([true, true, true]);
  });

  it("fails after maxAttempts with the last error", async () => {
    const { clock, options } = harness();
    let calls = 0;
    const flow = workflow("retry").step(
      "s",
      async () => {
        calls++;
        throw flaky(`failure ${calls}`);
      },
      { retry: { maxAttempts: 2, initialDelayMs: 10, jitter: 0 } },
    );
    const run = flow.start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    expect(calls).toBe(2);
    expect(result.status).toBe("failed");
    expect(result.error?.message).toBe("failure 2");
    expect(result.steps.s).toMatchObject({
      status: "failed",
      attempts: 2,
      error: { message: "failure 2" },
    });
  });

  it("does not retry errors that are not retryable", async () => {
    const { clock, options } = harness();
    let calls = 0;
    const flow = workflow("retry").step("s", async () => {
      calls++;
      throw new Error("bug");
    });
    const run = flow.start(undefined, options);
    await clock.runAll();
    expect((await run.result).status).toBe("failed");
    expect(calls).toBe(1);
  });

  it("waits at least the error's Retry-After", async () => {
    const { clock, options } = harness();
    const attemptsAt: number[] = [];
    const flow = workflow("retry").step(
      "s",
      async ({ attempt }) => {
        attemptsAt.push(clock.now());
        if (attempt === 1) {
          throw new ModelCallError({
            message: "429",
            model: "m",
            statusCode: 429,
            isRetryable: true,
            retryAfterMs: 5_000,
          });
        }
        return "ok";
      },
      { retry: { initialDelayMs: 10, jitter: 0 } },
    );
    const run = flow.start(undefined, options);
    await clock.runAll();
    expect((await run.result).status).toBe("succeeded");
    expect(attemptsAt).toEqual([0, 5_000]);
  });

  it("does not retry an agent step at step level (the agent retries its own model calls)", async () => {
    const { clock, options } = harness();
    const agent = fakeAgent("a", { fail: () => flaky("model down") });
    const flow = workflow("agent").step("s", agent, { retry: 5 });
    const run = flow.start("x", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(agent.calls).toHaveLength(1);
    expect(agent.calls[0]!.context.overrides.retry).toEqual({ maxAttempts: 5 });
    expect(result.steps.s!.attempts).toBe(1);
  });
});

describe("Step timeouts", () => {
  it("fails a slow attempt with a retryable TimeoutError, aborting its signal, then retries", async () => {
    const { clock, store, options } = harness();
    const aborted: unknown[] = [];
    const flow = workflow("timeout").step(
      "s",
      async ({ attempt, signal }) => {
        signal.addEventListener("abort", () => aborted.push(signal.reason));
        await clock.sleep(attempt === 1 ? 100 : 10);
        return attempt;
      },
      { timeout: 50, retry: { maxAttempts: 2, initialDelayMs: 0, jitter: 0 } },
    );
    const run = flow.start(undefined, options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(result.output).toBe(2);
    expect(TimeoutError.isInstance(aborted[0])).toBe(true);
    const firstError = store.events(run.id).find((event) => event.type === "step-error");
    expect(firstError).toMatchObject({
      at: 50,
      error: { name: "TimeoutError", isRetryable: true },
      willRetry: true,
    });
  });

  it("fails an agent step that runs past its timeout, without a step-level retry", async () => {
    const { clock, options } = harness();
    const agent = fakeAgent("slow", { delayMs: 1_000 });
    const flow = workflow("timeout").step("s", agent, { timeout: 100 });
    const run = flow.start("x", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("failed");
    expect(TimeoutError.isInstance(result.error)).toBe(true);
    expect(result.steps.s!.endedAt).toBe(100);
    expect(agent.calls).toHaveLength(1);
  });

  it("runs an agent step again after a timeout when the step has a retry policy", async () => {
    const { clock, options } = harness();
    let calls = 0;
    // The first call hangs until its attempt is aborted; the second answers at once.
    const flaky = {
      kind: "agent" as const,
      name: "flaky",
      async execute(_input: unknown, context: RunContext): Promise<Outcome> {
        calls++;
        if (calls === 1) {
          await new Promise((resolve) => context.signal.addEventListener("abort", resolve));
          return { status: "cancelled", error: new Error("aborted"), usage: noUsage, cost: noCost };
        }
        return { status: "succeeded", output: { text: "ok" }, usage: noUsage, cost: noCost };
      },
    };
    const flow = workflow("timeout-retry").step("s", flaky, {
      timeout: 500,
      retry: { maxAttempts: 3, initialDelayMs: 0, jitter: 0 },
    });
    const run = flow.start("x", options);
    await clock.runAll();
    const result = await run.result;
    expect(result.status).toBe("succeeded");
    expect(result.steps.s).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(calls).toBe(2);
  });

  it("sets no timer for steps without a timeout", async () => {
    const { clock, options } = harness();
    let pendingDuringStep = -1;
    const flow = workflow("timers").step("s", async () => {
      pendingDuringStep = clock.pendingTimers;
      return 1;
    });
    const run = flow.start(undefined, options);
    await clock.runAll();
    await run.result;
    expect(pendingDuringStep).toBe(0);
  });
});
