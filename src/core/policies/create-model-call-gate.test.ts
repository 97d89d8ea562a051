import { describe, expect, it } from "vitest";
// The benchmark's seeded PRNG: the same noise on every run.
import { seededRandom } from "../../../bench/workloads/workload.js";
import { createModelCallGate as checkedGate } from "../../runtime/create-model-call-gate.js";
import { ManualClock } from "../../testing/manual-clock.js";
import { CancelledError } from "../errors/cancelled-error.js";
import { ModelCallError } from "../errors/model-call-error.js";
import type { ModelCallPermit, ModelCallRequest } from "../model-call-gate.js";
import type { RunnableEvent } from "../runnable.js";
import { emptyCost, emptyUsage } from "../usage.js";
import { BudgetExceededError } from "./budget-exceeded-error.js";
import { CircuitBreakers } from "./circuit-breakers.js";
import { CircuitOpenError } from "./circuit-open-error.js";
import { createModelCallGate, type ModelCallGateOptions } from "./create-model-call-gate.js";
import { ModelLimiters } from "./model-limiters.js";

const signal = new AbortController().signal;
const request = (model = "m", extra: Partial<ModelCallRequest> = {}): ModelCallRequest => ({
  model,
  agent: "agent",
  estimatedInputTokens: 10,
  signal,
  ...extra,
});
const usage = (totalTokens: number) => ({ ...emptyUsage(), totalTokens });
const cents = (value: number) => ({ ...emptyCost(), modelCents: value, totalCents: value });
const serverError = () =>
  new ModelCallError({ message: "boom", model: "m", statusCode: 500, isRetryable: true });

function setup(options: Omit<ModelCallGateOptions, "clock" | "onEvent"> = {}) {
  const clock = new ManualClock();
  const events: RunnableEvent[] = [];
  const gate = createModelCallGate({ clock, onEvent: (event) => events.push(event), ...options });
  return { clock, events, gate };
}

function granted(permit: ModelCallPermit) {
  if (!permit.granted) throw new Error(`expected a granted permit, got ${permit.reason}`);
  return permit;
}

describe("createModelCallGate: per-model concurrency", () => {
  it("holds calls beyond a model's concurrency until one is released, first come first served", async () => {
    const { clock, gate } = setup({ limits: { m: { concurrency: 2 } } });
    const first = granted(await gate.acquire(request()));
    granted(await gate.acquire(request()));
    const order: string[] = [];
    const third = gate.acquire(request()).then((permit) => {
      order.push("third");
      return permit;
    });
    const fourth = gate.acquire(request()).then((permit) => {
      order.push("fourth");
      return permit;
    });
    const other = granted(await gate.acquire(request("other")));
    await clock.flush();
    expect(order).toEqual([]);
    first.release({});
    await clock.flush();
    expect(order).toEqual(["third"]);
    granted(await third).release({});
    expect(granted(await fourth).granted).toBe(true);
    other.release({});
  });

  it("rejects a waiting call with CancelledError when its signal aborts", async () => {
    const { gate } = setup({ limits: { m: { concurrency: 1 } } });
    granted(await gate.acquire(request()));
    const controller = new AbortController();
    const waiting = gate.acquire(request("m", { signal: controller.signal }));
    controller.abort();
    await expect(waiting).rejects.toSatisfy(CancelledError.isInstance);
  });

  it("keeps each gate's own limits for a plain object, and shares a ModelLimiters", async () => {
    const plain = { m: { concurrency: 1 } };
    const apart = [setup({ limits: plain }), setup({ limits: plain })];
    granted(await apart[0]!.gate.acquire(request()));
    expect((await apart[1]!.gate.acquire(request())).granted).toBe(true);
    const limits = new ModelLimiters({ m: { concurrency: 1 } });
    const one = setup({ limits });
    const two = setup({ limits });
    const held = granted(await one.gate.acquire(request()));
    let second = false;
    two.gate.acquire(request()).then(() => {
      second = true;
    });
    await one.clock.flush();
    expect(second).toBe(false);
    held.release({});
    await one.clock.flush();
    expect(second).toBe(true);
  });
});

describe("createModelCallGate: rate limits", () => {
  it("reserves a model's usual completion size when a call starts, and settles it after", async () => {
    const { clock, gate } = setup({ limits: { m: { tokensPerMinute: 6_000 } } });
    // Each call reports 100 prompt and 500 completion tokens: the limiter learns to
    // reserve about 500 more than the prompt estimate.
    for (let call = 0; call < 10; call++) {
      const permit = granted(await gate.acquire(request("m", { estimatedInputTokens: 100 })));
      await clock.advance(6_000);
      permit.release({
        usage: { ...emptyUsage(), inputTokens: 100, outputTokens: 500, totalTokens: 600 },
      });
      await clock.advance(6_000);
    }
    // The bucket is full (6,000); each call now takes ~100 + ~447 tokens at the start.
    const taken: number[] = [];
    for (let call = 0; call < 12; call++) {
      const pending = gate.acquire(request("m", { estimatedInputTokens: 100 }));
      const settled = await Promise.race([
        pending.then(() => true),
        clock.flush().then(() => false),
      ]);
      if (!settled) break;
      taken.push(call);
    }
    // Without the reservation, 60 prompts of 100 would start at once; with it, 10.
    expect(taken.length).toBe(10);
  });

  it("waits for the request bucket and says so with rate-limit-wait", async () => {
    const { clock, events, gate } = setup({ limits: { m: { requestsPerMinute: 2 } } });
    granted(await gate.acquire(request())).release({});
    granted(await gate.acquire(request())).release({});
    let third = false;
    gate.acquire(request()).then(() => {
      third = true;
    });
    await clock.advance(29_999);
    expect(third).toBe(false);
    await clock.advance(1);
    expect(third).toBe(true);
    expect(events).toEqual([{ type: "rate-limit-wait", model: "m", waitMs: 30_000 }]);
  });

  it("counts estimated input tokens against tokensPerMinute and corrects them with real usage", async () => {
    const { clock, events, gate } = setup({ limits: { m: { tokensPerMinute: 600 } } });
    const permit = granted(await gate.acquire(request("m", { estimatedInputTokens: 100 })));
    // Used 500 more than estimated: the bucket is at 0. It wrote no output, so the next
    // call reserves no completion tokens beyond its prompt.
    permit.release({ usage: usage(600) });
    let next = false;
    gate.acquire(request("m", { estimatedInputTokens: 60 })).then(() => {
      next = true;
    });
    await clock.advance(5_999);
    expect(next).toBe(false);
    await clock.advance(1);
    expect(next).toBe(true);
    expect(events).toEqual([{ type: "rate-limit-wait", model: "m", waitMs: 6_000 }]);
  });

  it("pauses a model until its Retry-After has passed", async () => {
    const { clock, events, gate } = setup();
    const error = new ModelCallError({
      message: "slow down",
      model: "m",
      statusCode: 429,
      isRetryable: true,
      retryAfterMs: 2_000,
    });
    granted(await gate.acquire(request())).release({ error });
    let next = false;
    gate.acquire(request()).then(() => {
      next = true;
    });
    await clock.advance(1_999);
    expect(next).toBe(false);
    await clock.advance(1);
    expect(next).toBe(true);
    expect(events[0]).toEqual({ type: "rate-limit-wait", model: "m", waitMs: 2_000 });
    // An explicit retryAfterMs in the outcome pauses too; other models are not held.
    granted(await gate.acquire(request())).release({ retryAfterMs: 500 });
    expect(granted(await gate.acquire(request("other"))).granted).toBe(true);
  });
});

describe("createModelCallGate: circuit breaker", () => {
  it("opens after consecutive failures, half-opens after the cool-down for one trial, closes on success", async () => {
    const { clock, events, gate } = setup({
      circuitBreaker: { failureThreshold: 2, cooldownMs: 1_000 },
    });
    granted(await gate.acquire(request())).release({ error: serverError() });
    granted(await gate.acquire(request())).release({ error: serverError() });
    expect(events).toEqual([{ type: "circuit-open", model: "m", failures: 2 }]);

    const refused = await gate.acquire(request());
    expect(refused).toMatchObject({ granted: false, reason: "circuit-open" });
    expect(CircuitOpenError.isInstance((refused as { error: unknown }).error)).toBe(true);
    expect((await gate.acquire(request("other"))).granted).toBe(true);

    await clock.advance(1_000);
    const trial = granted(await gate.acquire(request()));
    expect(events.at(-1)).toEqual({ type: "circuit-half-open", model: "m" });
    // Another call waits for the trial's verdict instead of failing.
    let waited: ModelCallPermit | undefined;
    const waiting = gate.acquire(request()).then((permit) => {
      waited = permit;
    });
    await clock.flush();
    expect(waited).toBeUndefined();
    trial.release({ usage: usage(1) });
    expect(events.at(-1)).toEqual({ type: "circuit-close", model: "m" });
    await waiting;
    expect(waited?.granted).toBe(true);
  });

  it("refuses the calls waiting on a trial when the trial opens the circuit again", async () => {
    const { clock, gate } = setup({ circuitBreaker: { failureThreshold: 1, cooldownMs: 100 } });
    granted(await gate.acquire(request())).release({ error: serverError() });
    await clock.advance(100);
    const trial = granted(await gate.acquire(request()));
    const waiting = gate.acquire(request());
    const controller = new AbortController();
    const cancelled = gate.acquire(request("m", { signal: controller.signal }));
    controller.abort();
    await expect(cancelled).rejects.toSatisfy(CancelledError.isInstance);
    trial.release({ error: serverError() });
    expect(await waiting).toMatchObject({ granted: false, reason: "circuit-open" });
  });

  it("reopens when the trial fails", async () => {
    const { clock, events, gate } = setup({
      circuitBreaker: { failureThreshold: 1, cooldownMs: 100 },
    });
    granted(await gate.acquire(request())).release({ error: serverError() });
    await clock.advance(100);
    granted(await gate.acquire(request())).release({ error: serverError() });
    expect(events.map((event) => event.type)).toEqual([
      "circuit-open",
      "circuit-half-open",
      "circuit-open",
    ]);
    expect((await gate.acquire(request())).granted).toBe(false);
  });

  it("does not count cancelled or non-retryable failures", async () => {
    const { events, gate } = setup({ circuitBreaker: { failureThreshold: 1, cooldownMs: 100 } });
    granted(await gate.acquire(request())).release({ error: new CancelledError() });
    const badRequest = new ModelCallError({
      message: "bad",
      model: "m",
      statusCode: 400,
      isRetryable: false,
    });
    granted(await gate.acquire(request())).release({ error: badRequest });
    expect(events).toEqual([]);
  });

  it("shares the breakers of a CircuitBreakers between gates, and can be turned off", async () => {
    const options = { failureThreshold: 1, cooldownMs: 100 };
    const plain = [setup({ circuitBreaker: options }), setup({ circuitBreaker: options })];
    granted(await plain[0]!.gate.acquire(request())).release({ error: serverError() });
    expect((await plain[1]!.gate.acquire(request())).granted).toBe(true);
    const circuitBreaker = new CircuitBreakers(options);
    const one = setup({ circuitBreaker });
    const two = setup({ circuitBreaker });
    granted(await one.gate.acquire(request())).release({ error: serverError() });
    expect((await two.gate.acquire(request())).granted).toBe(false);
    const off = setup({ circuitBreaker: false });
    for (let call = 0; call < 10; call++) {
      granted(await off.gate.acquire(request())).release({ error: serverError() });
    }
    expect((await off.gate.acquire(request())).granted).toBe(true);
  });
});

const rateLimited = (retryAfterMs?: number) =>
  new ModelCallError({
    message: "429 Too Many Requests",
    model: "m",
    statusCode: 429,
    isRetryable: true,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });

describe("createModelCallGate: circuit breaker defaults", () => {
  /** One call a second; each fails with a 500 when `fails()` says so. */
  async function calls(
    { clock, gate }: ReturnType<typeof setup>,
    count: number,
    fails: () => boolean,
  ): Promise<void> {
    for (let call = 0; call < count; call++) {
      await clock.advance(1_000);
      const permit = await gate.acquire(request());
      if (permit.granted) permit.release(fails() ? { error: serverError() } : { usage: usage(1) });
    }
  }

  it("stays closed through ten seeded sequences of 1,000 calls of which 30% fail at random", async () => {
    const openedBy = async (options: () => ModelCallGateOptions["circuitBreaker"]) => {
      let opened = 0;
      for (let seed = 1; seed <= 10; seed++) {
        // A new options object each time: the same one would share its breakers.
        const context = setup({ circuitBreaker: options() });
        const noise = seededRandom(seed);
        await calls(context, 1_000, () => noise() < 0.3);
        if (context.events.some((event) => event.type === "circuit-open")) opened++;
      }
      return opened;
    };
    expect(await openedBy(() => ({}))).toBe(0);
    // The same noise opens a breaker on five failures in a row (the old default) in most.
    expect(await openedBy(() => ({ failureThreshold: 5 }))).toBeGreaterThanOrEqual(8);
  });

  it("opens on a dead model once it has seen minimumCalls calls, and refuses calls for the cool-down", async () => {
    const context = setup();
    await calls(context, 19, () => true);
    expect(context.events).toEqual([]);
    await calls(context, 1, () => true);
    expect(context.events).toEqual([{ type: "circuit-open", model: "m", failures: 20 }]);
    await context.clock.advance(29_000);
    expect(await context.gate.acquire(request())).toMatchObject({ reason: "circuit-open" });
  });

  it("half-opens after the cool-down, keeps probing past a failed trial, and closes on a success", async () => {
    const context = setup();
    const { clock, events, gate } = context;
    await calls(context, 20, () => true);
    await clock.advance(30_000);
    granted(await gate.acquire(request())).release({ error: serverError() });
    granted(await gate.acquire(request())).release({ error: serverError() });
    expect(events.map((event) => event.type)).toEqual(["circuit-open", "circuit-half-open"]);
    granted(await gate.acquire(request())).release({ usage: usage(1) });
    expect(events.at(-1)).toEqual({ type: "circuit-close", model: "m" });
    // Closed with an empty window: it takes minimumCalls calls again to open it.
    await calls(context, 19, () => true);
    expect(events.at(-1)?.type).toBe("circuit-close");
  });

  it("opens again after three failed trials in a row", async () => {
    const context = setup();
    const { clock, events, gate } = context;
    await calls(context, 20, () => true);
    await clock.advance(30_000);
    for (let trial = 0; trial < 3; trial++) {
      granted(await gate.acquire(request())).release({ error: serverError() });
    }
    expect(events.map((event) => event.type)).toEqual([
      "circuit-open",
      "circuit-half-open",
      "circuit-open",
    ]);
    expect(await gate.acquire(request())).toMatchObject({ reason: "circuit-open" });
  });

  it("counts a 429 as rate limiting, not failure, when it carries a Retry-After", async () => {
    const { clock, events, gate } = setup();
    for (let call = 0; call < 40; call++) {
      await clock.advance(1_000);
      granted(await gate.acquire(request())).release({ error: rateLimited(500) });
    }
    expect(events.filter((event) => event.type === "circuit-open")).toEqual([]);
    for (let call = 0; call < 20; call++) {
      await clock.advance(1_000);
      granted(await gate.acquire(request())).release({ error: rateLimited() });
    }
    expect(events.at(-1)).toEqual({ type: "circuit-open", model: "m", failures: 20 });
  });
});

describe("createModelCallGate: budgets", () => {
  it("refuses a call whose estimated input would pass maxTokens, and reports it once", async () => {
    const breaches: BudgetExceededError[] = [];
    const { events, gate } = setup({
      budget: { maxTokens: 100 },
      onBudgetExceeded: (error) => breaches.push(error),
    });
    granted(await gate.acquire(request())).release({ usage: usage(85) });
    granted(await gate.acquire(request("m", { estimatedInputTokens: 15 }))).release({});
    const refused = await gate.acquire(request("m", { estimatedInputTokens: 16 }));
    expect(refused).toMatchObject({ granted: false, reason: "budget-exceeded" });
    const error = (refused as { error: unknown }).error;
    expect(BudgetExceededError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ scope: "run", action: "stop", spent: { tokens: 85, cents: 0 } });
    await gate.acquire(request());
    expect(events).toEqual([
      {
        type: "budget-exceeded",
        scope: "run",
        limit: { maxTokens: 100 },
        spent: { tokens: 85, cents: 0 },
        action: "stop",
      },
    ]);
    expect(breaches).toHaveLength(1);
  });

  it("checks cents spent and per-agent budgets", async () => {
    const { gate } = setup({ budget: { maxCents: 10, perAgent: { writer: { maxTokens: 50 } } } });
    granted(await gate.acquire(request("m", { agent: "writer" }))).release({
      usage: usage(45),
      cost: cents(4),
    });
    expect(await gate.acquire(request("m", { agent: "writer" }))).toMatchObject({
      granted: false,
      error: { scope: "agent", agent: "writer" },
    });
    granted(await gate.acquire(request("m", { agent: "reader" }))).release({ cost: cents(6) });
    expect(await gate.acquire(request("m", { agent: "reader" }))).toMatchObject({
      granted: false,
      error: { scope: "run", spent: { tokens: 45, cents: 10 } },
    });
  });

  it("with switchTo, refuses other models but grants the cheaper one", async () => {
    const breaches: unknown[] = [];
    const { events, gate } = setup({
      budget: { maxTokens: 10, onExceeded: { switchTo: "cheap", headroom: 1 } },
      onBudgetExceeded: (error) => breaches.push(error),
    });
    granted(await gate.acquire(request("m", { estimatedInputTokens: 0 }))).release({
      usage: usage(10),
    });
    expect(await gate.acquire(request("m"))).toMatchObject({
      granted: false,
      reason: "budget-exceeded",
      switchTo: "cheap",
    });
    expect((await gate.acquire(request("cheap"))).granted).toBe(true);
    expect(events[0]).toMatchObject({
      type: "budget-exceeded",
      action: "switch-model",
      switchTo: "cheap",
    });
    expect(breaches).toEqual([]);
  });

  it("with pause, refuses calls and tells the run", async () => {
    const breaches: BudgetExceededError[] = [];
    const { gate } = setup({
      budget: { maxTokens: 5, onExceeded: "pause" },
      onBudgetExceeded: (error) => breaches.push(error),
    });
    expect(await gate.acquire(request())).toMatchObject({
      granted: false,
      error: { action: "pause" },
    });
    expect(breaches.map((error) => error.action)).toEqual(["pause"]);
  });

  it("with switchTo, stops every model once spending passes the limit plus its headroom", async () => {
    const breaches: BudgetExceededError[] = [];
    const { events, gate } = setup({
      budget: { maxCents: 10, onExceeded: { switchTo: "cheap", headroom: 0.5 } },
      onBudgetExceeded: (error) => breaches.push(error),
    });
    granted(await gate.acquire(request("m"))).release({ cost: cents(10) });
    expect(await gate.acquire(request("m"))).toMatchObject({ switchTo: "cheap" });
    granted(await gate.acquire(request("cheap"))).release({ cost: cents(4) });
    // 14 cents: under the hard limit of 15.
    granted(await gate.acquire(request("cheap"))).release({ cost: cents(1) });
    const refused = await gate.acquire(request("cheap"));
    expect(refused).toMatchObject({ granted: false, reason: "budget-exceeded" });
    expect(refused).not.toHaveProperty("switchTo");
    const error = (refused as unknown as { error: BudgetExceededError }).error;
    expect(error).toMatchObject({
      scope: "run",
      action: "stop",
      limit: { maxCents: 15 },
      spent: { cents: 15 },
    });
    expect(error.switchTo).toBeUndefined();
    expect(events.map((event) => event.action)).toEqual(["switch-model", "stop"]);
    expect(breaches).toEqual([error]);
    expect(await gate.acquire(request("m"))).toMatchObject({ error: { action: "stop" } });
  });

  it("with switchTo, applies the headroom to per-agent limits too, and Infinity never stops", async () => {
    const bounded = setup({
      budget: { perAgent: { writer: { maxTokens: 20 } }, onExceeded: { switchTo: "cheap" } },
    });
    const writer = (model: string) => request(model, { agent: "writer", estimatedInputTokens: 5 });
    granted(await bounded.gate.acquire(writer("m"))).release({ usage: usage(20) });
    // Hard limit 30 tokens: 20 spent + 5 estimated fits, then 30 + 5 does not.
    granted(await bounded.gate.acquire(writer("cheap"))).release({ usage: usage(10) });
    expect(await bounded.gate.acquire(writer("cheap"))).toMatchObject({
      error: { scope: "agent", agent: "writer", action: "stop", limit: { maxTokens: 30 } },
    });

    const unbounded = setup({
      budget: { maxCents: 1, onExceeded: { switchTo: "cheap", headroom: Infinity } },
    });
    granted(await unbounded.gate.acquire(request("m"))).release({ cost: cents(1_000) });
    expect((await unbounded.gate.acquire(request("cheap"))).granted).toBe(true);
  });

  it("refuses bad options when made through the package (every problem at once)", () => {
    const clock = new ManualClock();
    expect(() =>
      checkedGate({
        clock,
        budget: { maxCent: 5, onExceeded: { switchTo: "cheap", headroom: -1 } },
        limits: { m: { requestsPerMinute: 0 } },
      } as never),
    ).toThrow(
      [
        "Invalid options for createModelCallGate() (3 problems):",
        "  limits.m.requestsPerMinute: expected a number > 0 or Infinity, received 0",
        "  budget.onExceeded.headroom: expected a number >= 0 or Infinity, received -1",
        '  budget.maxCent: unknown option "maxCent" (did you mean "maxCents"?)',
      ].join("\n"),
    );
  });

  it("counts tool cost against maxCents, for the run and the agent", async () => {
    const run = setup({ budget: { maxCents: 10 } });
    granted(await run.gate.acquire(request())).release({ cost: cents(2) });
    run.gate.recordToolCost?.({ agent: "agent", tool: "search", cents: 8 });
    expect(await run.gate.acquire(request())).toMatchObject({
      granted: false,
      error: { scope: "run", spent: { tokens: 0, cents: 10 } },
    });

    const perAgent = setup({ budget: { perAgent: { writer: { maxCents: 5 } } } });
    perAgent.gate.recordToolCost?.({ agent: "writer", tool: "search", cents: 5 });
    expect(await perAgent.gate.acquire(request("m", { agent: "writer" }))).toMatchObject({
      error: { scope: "agent", agent: "writer", spent: { cents: 5 } },
    });
    expect((await perAgent.gate.acquire(request("m", { agent: "reader" }))).granted).toBe(true);
    expect(() => perAgent.gate.recordToolCost?.({ agent: "writer", tool: "x", cents: -1 })).toThrow(
      TypeError,
    );
  });
});
