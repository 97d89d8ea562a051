import { tool } from "ai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BatonError } from "../core/errors/baton-error.js";
import { CancelledError } from "../core/errors/cancelled-error.js";
import { ModelCallError } from "../core/errors/model-call-error.js";
import { TimeoutError } from "../core/errors/timeout-error.js";
import type { ModelCallGate } from "../core/model-call-gate.js";
import type { Clock } from "../core/ports/clock.js";
import type { RunnableEvent } from "../core/runnable.js";
import { ManualClock } from "../testing/manual-clock.js";
import { testRunContext } from "../testing/test-run-context.js";
import { type Agent, agent } from "./agent.js";
import {
  eventLog,
  fakeGate,
  httpError,
  scriptedModel,
  testPrices,
  textReply,
} from "./test-support.js";

const noJitter = { initialDelayMs: 100, backoffFactor: 2, jitter: 0 };

describe("Agent retries", () => {
  it("retries a 429 and answers with the next attempt", async () => {
    const clock = new ManualClock();
    const model = scriptedModel("alpha", httpError(429), textReply("ok"));
    const log = eventLog();
    const result = await clock.runUntil(
      agent({ name: "a", model, clock, retry: noJitter }).run("hi", { onEvent: log.emit }),
    );
    expect(result.text).toBe("ok");
    expect(model.doGenerateCalls).toHaveLength(2);
    expect(result.modelCalls.map((call) => [call.attempt, call.error?.statusCode])).toEqual([
      [1, 429],
      [2, undefined],
    ]);
    expect(log.types()).toEqual([
      "agent-start",
      "model-call-start",
      "model-call-error",
      "model-call-retry",
      "model-call-start",
      "model-call-end",
      "agent-end",
    ]);
    expect(log.events[3]).toMatchObject({ model: "mock:alpha", attempt: 1, delayMs: 100 });
  });

  it("does not retry a 400 and throws a ModelCallError carrying the status", async () => {
    const clock = new ManualClock();
    const model = scriptedModel("alpha", httpError(400), textReply("never"));
    const error = await clock
      .runUntil(agent({ name: "a", model, clock, retry: noJitter }).run("hi"))
      .catch((caught: unknown) => caught);
    expect(ModelCallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 400, isRetryable: false, model: "mock:alpha" });
    expect((error as ModelCallError).cause).toBeInstanceOf(Error);
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("waits the backoff delays between attempts, then gives up after maxAttempts", async () => {
    const clock = new ManualClock();
    const model = scriptedModel("alpha", httpError(503));
    const error = await clock
      .runUntil(
        agent({ name: "a", model, clock, retry: { ...noJitter, maxAttempts: 4 } }).run("hi"),
      )
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "ModelCallError", statusCode: 503 });
    expect(model.doGenerateCalls).toHaveLength(4);
    expect(clock.sleeps).toEqual([100, 200, 400]);
  });

  it("honours Retry-After when the provider asks for longer than the backoff", async () => {
    const clock = new ManualClock();
    const model = scriptedModel("alpha", httpError(429, { "retry-after": "7" }), textReply("ok"));
    const log = eventLog();
    await clock.runUntil(
      agent({ name: "a", model, clock, retry: noJitter }).run("hi", { onEvent: log.emit }),
    );
    expect(clock.sleeps).toEqual([7000]);
    expect(log.events.find((event) => event.type === "model-call-retry")).toMatchObject({
      delayMs: 7000,
    });
  });

  it("takes a run's retry override over the agent's own", async () => {
    const clock = new ManualClock();
    const model = scriptedModel("alpha", httpError(500));
    const a = agent({ name: "a", model, clock, retry: { ...noJitter, maxAttempts: 5 } });
    await clock.runUntil(a.run("hi", { retry: { maxAttempts: 1 } })).catch(() => {});
    expect(model.doGenerateCalls).toHaveLength(1);
  });
});

describe("Agent fallback models", () => {
  it("tries the fallbacks in order once retries on each model are spent", async () => {
    const clock = new ManualClock();
    const alpha = scriptedModel("alpha", httpError(500));
    const beta = scriptedModel("beta", httpError(429));
    const gamma = scriptedModel("gamma", textReply("from gamma"));
    const log = eventLog();
    const result = await clock.runUntil(
      agent({
        name: "a",
        model: alpha,
        fallbackModels: [beta, gamma],
        clock,
        retry: { ...noJitter, maxAttempts: 2 },
        prices: testPrices,
      }).run("hi", { onEvent: log.emit }),
    );
    expect(result.text).toBe("from gamma");
    expect(result.model).toBe("mock:gamma");
    expect(result.steps[0]?.model).toBe("mock:gamma");
    expect(result.modelCalls.map((call) => `${call.model}#${call.attempt}`)).toEqual([
      "mock:alpha#1",
      "mock:alpha#2",
      "mock:beta#1",
      "mock:beta#2",
      "mock:gamma#1",
    ]);
    expect(
      log.events
        .filter((event) => event.type === "model-call-fallback")
        .map((event) => [event.from, event.to]),
    ).toEqual([
      ["mock:alpha", "mock:beta"],
      ["mock:beta", "mock:gamma"],
    ]);
  });

  it("throws the last model's error when every model fails", async () => {
    const clock = new ManualClock();
    const error = await clock
      .runUntil(
        agent({
          name: "a",
          model: scriptedModel("alpha", httpError(500)),
          fallbackModels: [scriptedModel("beta", httpError(401))],
          clock,
          retry: noJitter,
        }).run("hi"),
      )
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "ModelCallError", model: "mock:beta", statusCode: 401 });
  });
});

describe("Agent fallback models given by the engine", () => {
  it("takes the run's fallback models over the agent's own", async () => {
    const clock = new ManualClock();
    const result = await clock.runUntil(
      agent({
        name: "a",
        model: scriptedModel("alpha", httpError(500)),
        fallbackModels: [scriptedModel("beta", textReply("agent's own fallback"))],
        clock,
        retry: 1,
      }).run("hi", { fallbackModels: ["simulated:engine-choice"] }),
    );
    expect(result.model).toBe("simulated:engine-choice");
  });
});

describe("Agent timeouts and cancellation", () => {
  it("times out a hanging model call, retries it, and answers", async () => {
    const clock = new ManualClock();
    const model = scriptedModel("alpha", "hang", textReply("second try"));
    const log = eventLog();
    const result = await clock.runUntil(
      agent({ name: "a", model, clock, retry: noJitter, timeout: { callMs: 5000 } }).run("hi", {
        onEvent: log.emit,
      }),
    );
    expect(result.text).toBe("second try");
    expect(result.modelCalls[0]).toMatchObject({
      attempt: 1,
      durationMs: 5000,
      error: { name: "TimeoutError", isRetryable: true },
    });
    // The hung request was told to stop.
    expect(model.doGenerateCalls[0]?.abortSignal?.aborted).toBe(true);
  });

  it("fails a run that takes longer than timeout with a TimeoutError", async () => {
    const clock = new ManualClock();
    const log = eventLog();
    const error = await clock
      .runUntil(
        agent({ name: "slow", model: scriptedModel("alpha", "hang"), clock, timeout: 30_000 }).run(
          "hi",
          {
            onEvent: log.emit,
          },
        ),
      )
      .catch((caught: unknown) => caught);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ timeoutMs: 30_000, message: expect.stringContaining("slow") });
    expect(clock.now()).toBe(30_000);
    expect(log.events.at(-1)).toMatchObject({
      type: "agent-error",
      error: { name: "TimeoutError" },
    });
  });

  it("does not retry after the run's timeout even though timeouts are retryable", async () => {
    const clock = new ManualClock();
    const model = scriptedModel("alpha", "hang");
    await clock
      .runUntil(
        agent({ name: "a", model, clock, timeout: { runMs: 1000, callMs: 5000 } }).run("hi"),
      )
      .catch(() => {});
    expect(model.doGenerateCalls).toHaveLength(1);
  });

  it("takes the engine's per-run timeout over the agent's", async () => {
    const clock = new ManualClock();
    const error = await clock
      .runUntil(
        agent({ name: "a", model: scriptedModel("alpha", "hang"), clock, timeout: 60_000 }).run(
          "hi",
          { timeout: 10 },
        ),
      )
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "TimeoutError", timeoutMs: 10 });
  });

  it("stops with a CancelledError, without retrying, when the caller's signal aborts", async () => {
    const clock = new ManualClock();
    const model = scriptedModel("alpha", "hang");
    const controller = new AbortController();
    const running = agent({ name: "a", model, clock, retry: noJitter }).run("hi", {
      signal: controller.signal,
    });
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const error = await running.catch((caught: unknown) => caught);
    expect(CancelledError.isInstance(error)).toBe(true);
    expect(model.doGenerateCalls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("does not start when the signal has already aborted", async () => {
    const model = scriptedModel("alpha", textReply("x"));
    const error = await agent({ name: "a", model })
      .run("hi", { signal: AbortSignal.abort() })
      .catch((caught: unknown) => caught);
    expect(CancelledError.isInstance(error)).toBe(true);
    expect(model.doGenerateCalls).toHaveLength(0);
  });

  it("cancels during a retry wait", async () => {
    const clock = new ManualClock();
    const model = scriptedModel("alpha", httpError(503));
    const controller = new AbortController();
    const running = agent({ name: "a", model, clock, retry: noJitter }).run("hi", {
      signal: controller.signal,
    });
    while (clock.sleeps.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const error = await running.catch((caught: unknown) => caught);
    expect(CancelledError.isInstance(error)).toBe(true);
    expect(model.doGenerateCalls).toHaveLength(1);
  });
});

/** Runs `subject` as part of a run whose gate is `gate`; throws the error of a failed run. */
async function runGated<T>(
  subject: Agent<T>,
  input: string,
  options: { gate: ModelCallGate; onEvent?: (event: RunnableEvent) => void; clock?: Clock },
) {
  const outcome = await subject.execute(input, testRunContext(options));
  if (outcome.status !== "succeeded") throw "error" in outcome ? outcome.error : outcome;
  return outcome.output;
}

describe("Agent and the model-call gate", () => {
  it("asks the gate before every attempt and releases each permit exactly once", async () => {
    const clock = new ManualClock();
    const gate = fakeGate(() => undefined);
    const model = scriptedModel("alpha", httpError(429, { "retry-after": "2" }), textReply("ok"));
    await clock.runUntil(
      runGated(agent({ name: "gated", model, retry: noJitter, prices: testPrices }), "hello", {
        gate,
        clock,
      }),
    );
    expect(gate.requests.map((request) => [request.model, request.agent])).toEqual([
      ["mock:alpha", "gated"],
      ["mock:alpha", "gated"],
    ]);
    expect(gate.requests[0]?.estimatedInputTokens).toBeGreaterThan(0);
    expect(gate.releases).toHaveLength(2);
    expect(gate.releases[0]?.outcome).toMatchObject({
      retryAfterMs: 2000,
      error: expect.any(ModelCallError),
    });
    expect(gate.releases[1]?.outcome).toMatchObject({
      usage: { inputTokens: 10, outputTokens: 5 },
      cost: { modelCents: 20 },
    });
  });

  it("moves to the fallback model when the gate says the circuit is open", async () => {
    const alpha = scriptedModel("alpha", textReply("from alpha"));
    const beta = scriptedModel("beta", textReply("from beta"));
    const gate = fakeGate((request) =>
      request.model === "mock:alpha"
        ? {
            granted: false,
            reason: "circuit-open",
            error: new BatonError("circuit open for mock:alpha"),
          }
        : undefined,
    );
    const log = eventLog();
    const result = await runGated(
      agent({ name: "a", model: alpha, fallbackModels: [beta] }),
      "hi",
      {
        gate,
        onEvent: log.emit,
      },
    );
    expect(result.text).toBe("from beta");
    expect(alpha.doGenerateCalls).toHaveLength(0);
    expect(log.events.find((event) => event.type === "model-call-fallback")).toMatchObject({
      from: "mock:alpha",
      to: "mock:beta",
    });
  });

  it("throws the gate's error when the circuit is open and there is no fallback", async () => {
    const denial = new BatonError("circuit open");
    const gate = fakeGate(() => ({ granted: false, reason: "circuit-open", error: denial }));
    await expect(
      runGated(agent({ name: "a", model: scriptedModel("alpha", textReply("x")) }), "hi", { gate }),
    ).rejects.toBe(denial);
  });

  it("switches to the cheaper model a budget names, for the rest of the run", async () => {
    const alpha = scriptedModel("alpha", textReply("expensive"));
    const gate = fakeGate((request) =>
      request.model === "mock:alpha"
        ? {
            granted: false,
            reason: "budget-exceeded",
            error: new BatonError("budget"),
            switchTo: "simulated:cheap",
          }
        : undefined,
    );
    const log = eventLog();
    const result = await runGated(
      agent({
        name: "a",
        model: alpha,
        tools: { noop: tool({ inputSchema: z.object({}), execute: async () => "done" }) },
      }),
      "hi",
      { gate, onEvent: log.emit },
    );
    expect(alpha.doGenerateCalls).toHaveLength(0);
    expect(result.model).toBe("simulated:cheap");
    // The simulated model calls the tool, then answers: two steps, both on the cheap model,
    // and the gate is not asked about the expensive one again.
    expect(result.modelCalls.map((call) => call.model)).toEqual([
      "simulated:cheap",
      "simulated:cheap",
    ]);
    expect(gate.requests.map((request) => request.model)).toEqual([
      "mock:alpha",
      "simulated:cheap",
      "simulated:cheap",
    ]);
    expect(log.events.find((event) => event.type === "model-call-fallback")).toMatchObject({
      from: "mock:alpha",
      to: "simulated:cheap",
    });
  });

  it("stops with the gate's error when a budget is exceeded without a cheaper model", async () => {
    const denial = new BatonError("budget exceeded");
    const gate = fakeGate(() => ({ granted: false, reason: "budget-exceeded", error: denial }));
    const model = scriptedModel("alpha", textReply("x"));
    await expect(
      runGated(
        agent({ name: "a", model, fallbackModels: [scriptedModel("beta", textReply("y"))] }),
        "hi",
        { gate },
      ),
    ).rejects.toBe(denial);
    expect(model.doGenerateCalls).toHaveLength(0);
  });
});
