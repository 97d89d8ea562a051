import { describe, expect, it } from "vitest";
import { createModelCallGate as checkedGate } from "../../runtime/create-model-call-gate.js";
import { ManualClock } from "../../testing/manual-clock.js";
import { CancelledError } from "../errors/cancelled-error.js";
import type { ModelCallPermit, ModelCallRequest } from "../model-call-gate.js";
import type { RunnableEvent } from "../runnable.js";
import { emptyCost, emptyUsage } from "../usage.js";
import type { BudgetExceededError } from "./budget-exceeded-error.js";
import type { CallEstimate } from "./call-reservation.js";
import { createModelCallGate, type ModelCallGateOptions } from "./create-model-call-gate.js";

const idle = new AbortController().signal;

/** A call of 100 input tokens (1 cent) that may write `maxOutputTokens` at 0.01 cent each. */
function call(
  options: { agent?: string; model?: string; maxOutputTokens?: number; signal?: AbortSignal } = {},
): ModelCallRequest {
  const estimate: CallEstimate = {
    inputTokens: 100,
    inputCents: 1,
    outputCentsPerToken: 0.01,
    ...(options.maxOutputTokens !== undefined ? { maxOutputTokens: options.maxOutputTokens } : {}),
  };
  return {
    model: options.model ?? "m",
    agent: options.agent ?? "agent",
    estimatedInputTokens: 25,
    estimate,
    signal: options.signal ?? idle,
  };
}

const spent = (tokens: number, cents: number) => ({
  usage: { ...emptyUsage(), totalTokens: tokens },
  cost: { ...emptyCost(), modelCents: cents, totalCents: cents },
});

function setup(options: Omit<ModelCallGateOptions, "clock" | "onEvent"> = {}) {
  const clock = new ManualClock();
  const events: RunnableEvent[] = [];
  const breaches: BudgetExceededError[] = [];
  const gate = createModelCallGate({
    clock,
    onEvent: (event) => events.push(event),
    onBudgetExceeded: (error) => breaches.push(error),
    ...options,
  });
  /** Starts acquiring; `state()` says how it stands after pending work has run. */
  const acquire = (request: ModelCallRequest) => {
    let permit: ModelCallPermit | undefined;
    let error: unknown;
    const pending = gate.acquire(request).then(
      (value) => {
        permit = value;
      },
      (thrown: unknown) => {
        error = thrown;
      },
    );
    return {
      pending,
      get permit() {
        return permit;
      },
      get error() {
        return error;
      },
    };
  };
  return { clock, events, breaches, gate, acquire };
}

function granted(permit: ModelCallPermit | undefined) {
  if (!permit?.granted) throw new Error(`expected a granted permit, got ${JSON.stringify(permit)}`);
  return permit;
}

describe("Budget reservations", () => {
  it("reserves a call's input and output cap, priced, and tells the caller", async () => {
    const { gate } = setup({ budget: { maxCents: 100 } });
    const permit = granted(await gate.acquire(call({ maxOutputTokens: 100 })));
    expect(permit.reservation).toEqual({
      inputTokens: 100,
      outputTokens: 100,
      tokens: 200,
      cents: 2,
      inputCents: 1,
      capped: true,
    });
    expect(gate.reservesBudget).toBe(true);
    expect(createModelCallGate({ clock: new ManualClock() }).reservesBudget).toBe(false);
  });

  it("admits calls while spent plus reservations fit, holds the next, and replaces a reservation with what was spent", async () => {
    const { clock, acquire } = setup({ budget: { maxCents: 10 } });
    const first = acquire(call({ maxOutputTokens: 100 }));
    const others = [1, 2, 3, 4].map(() => acquire(call({ maxOutputTokens: 100 })));
    await clock.flush();
    for (const attempt of [first, ...others]) granted(attempt.permit);
    // 5 x 2 cents reserved: a sixth does not fit while they are in flight.
    const sixth = acquire(call({ maxOutputTokens: 100 }));
    await clock.flush();
    expect(sixth.permit).toBeUndefined();
    // 1 cent spent + 4 x 2 reserved + 2 = 11: still no room.
    granted(first.permit).release(spent(100, 1));
    await clock.flush();
    expect(sixth.permit).toBeUndefined();
    // 2 spent + 3 x 2 reserved + 2 = 10: room.
    granted(others[0]!.permit).release(spent(100, 1));
    await clock.flush();
    granted(sixth.permit);
  });

  it("refuses a call once nothing in flight can make room for it, as onExceeded says", async () => {
    const { clock, acquire, events, breaches } = setup({ budget: { maxCents: 5 } });
    const first = acquire(call({ maxOutputTokens: 100 }));
    const second = acquire(call({ maxOutputTokens: 100 }));
    const third = acquire(call({ maxOutputTokens: 100 }));
    await clock.flush();
    expect(third.permit).toBeUndefined();
    granted(first.permit).release(spent(200, 2));
    await clock.flush();
    expect(third.permit).toBeUndefined();
    granted(second.permit).release(spent(200, 2));
    await clock.flush();
    expect(third.permit).toMatchObject({
      granted: false,
      reason: "budget-exceeded",
      error: { scope: "run", action: "stop", spent: { tokens: 400, cents: 4 } },
    });
    expect(events.filter((event) => event.type === "budget-exceeded")).toHaveLength(1);
    expect(breaches).toHaveLength(1);
  });

  it("lets a call without an output cap go alone when its input fits, and holds others meanwhile", async () => {
    const { clock, acquire } = setup({ budget: { maxTokens: 1_000 } });
    // 100 input + 4,096 reserved output passes 1,000: it goes only with nothing in flight.
    const first = acquire(call());
    await clock.flush();
    const permit = granted(first.permit);
    expect(permit.reservation).toMatchObject({ tokens: 4_196, capped: false });
    const second = acquire(call());
    await clock.flush();
    expect(second.permit).toBeUndefined();
    permit.release(spent(850, 0));
    await clock.flush();
    // 850 spent + 100 input fits: alone again.
    granted(second.permit).release(spent(300, 0));
    // 1,150 spent: its input no longer fits.
    const third = acquire(call());
    await clock.flush();
    expect(third.permit).toMatchObject({ granted: false, error: { spent: { tokens: 1_150 } } });
  });

  it("reserves reserveOutputTokens for a call without an output cap", async () => {
    const { gate } = setup({ budget: { maxTokens: 10_000, reserveOutputTokens: 500 } });
    const permit = granted(await gate.acquire(call()));
    expect(permit.reservation).toMatchObject({ outputTokens: 500, tokens: 600, cents: 6 });
    expect(() =>
      checkedGate({ clock: new ManualClock(), budget: { reserveOutputTokens: -1 } }),
    ).toThrow("\n  budget.reserveOutputTokens: expected an integer >= 0, received -1");
  });

  it("counts a call cut short before its reply at its reservation (possibly billed)", async () => {
    const { gate } = setup({ budget: { maxTokens: 500 } });
    granted(await gate.acquire(call({ maxOutputTokens: 100 }))).release({ possiblyBilled: true });
    granted(await gate.acquire(call({ maxOutputTokens: 100 }))).release({ possiblyBilled: true });
    expect(await gate.acquire(call({ maxOutputTokens: 100 }))).toMatchObject({
      granted: false,
      error: { spent: { tokens: 400 } },
    });
  });

  it("stops waiting when the call's signal aborts, holding nothing", async () => {
    const { clock, acquire } = setup({ budget: { maxCents: 3 } });
    const first = acquire(call({ maxOutputTokens: 100 }));
    const controller = new AbortController();
    const waiting = acquire(call({ maxOutputTokens: 100, signal: controller.signal }));
    await clock.flush();
    controller.abort();
    await waiting.pending;
    expect(CancelledError.isInstance(waiting.error)).toBe(true);
    granted(first.permit).release(spent(100, 1));
    // 1 spent + 2 reserved fits: the cancelled call held nothing.
    const next = acquire(call({ maxOutputTokens: 100 }));
    await clock.flush();
    granted(next.permit);
  });

  it("after a stop, refuses every later call in that scope with the same error; other agents go on", async () => {
    const { gate } = setup({ budget: { perAgent: { writer: { maxTokens: 250 } } } });
    granted(await gate.acquire(call({ agent: "writer", maxOutputTokens: 100 }))).release(
      spent(200, 0),
    );
    const refused = await gate.acquire(call({ agent: "writer", maxOutputTokens: 10 }));
    expect(refused).toMatchObject({ granted: false, error: { scope: "agent", agent: "writer" } });
    // Even a call that would fit now is refused: the run is stopping.
    const later = await gate.acquire(call({ agent: "writer", maxOutputTokens: 0 }));
    expect(later).toMatchObject({ granted: false });
    expect((later as { error: unknown }).error).toBe((refused as { error: unknown }).error);
    granted(await gate.acquire(call({ agent: "reader", maxOutputTokens: 100 })));
  });

  it("with switchTo, waits for calls in flight before switching, then holds the cheaper model to the hard limit", async () => {
    const { clock, acquire, gate } = setup({
      budget: { maxCents: 4, onExceeded: { switchTo: "cheap", headroom: 0.5 } },
    });
    const first = acquire(call({ maxOutputTokens: 100 }));
    const second = acquire(call({ maxOutputTokens: 100 }));
    await clock.flush();
    const third = acquire(call({ maxOutputTokens: 100 }));
    await clock.flush();
    expect(third.permit).toBeUndefined();
    granted(first.permit).release(spent(200, 2));
    granted(second.permit).release(spent(200, 2));
    await clock.flush();
    expect(third.permit).toMatchObject({ granted: false, switchTo: "cheap" });
    // The hard limit is 6 cents: 4 spent + 2 reserved fits, once.
    const cheap = granted(await gate.acquire(call({ model: "cheap", maxOutputTokens: 100 })));
    const next = acquire(call({ model: "cheap", maxOutputTokens: 100 }));
    await clock.flush();
    expect(next.permit).toBeUndefined();
    cheap.release(spent(200, 2));
    await clock.flush();
    expect(next.permit).toMatchObject({
      granted: false,
      error: { action: "stop", limit: { maxCents: 6 }, spent: { cents: 6 } },
    });
  });
});
