import type { ModelCallPermit } from "../model-call-gate.js";
import type { Clock } from "../ports/clock.js";
import type { Runnable, RunnableOptions, RunnableResult } from "../runnable.js";
import { attachSpend } from "../spend.js";
import {
  addCost,
  addUsage,
  type CostBreakdown,
  emptyCost,
  emptyUsage,
  type Usage,
} from "../usage.js";

export interface FakeAgentResult extends RunnableResult {
  text: string;
  model: string;
}

export interface FakeAgentCall {
  input: unknown;
  model: string;
  options: RunnableOptions;
}

/**
 * A stand-in agent for core tests: asks the gate before each "model call", sleeps on the
 * injected clock, and reports usage. Falls back along `fallbackModels` when a circuit is
 * open or a call fails, switches model when a budget says so, and throws the gate's error
 * otherwise. Like a real agent, it bills every call (failed ones included) and attaches
 * what it spent to the error it throws (`spendOf`).
 */
export function fakeAgent(
  name: string,
  {
    model = "test:model",
    delayMs = 10,
    tokens = 100,
    cents = 1,
    inputTokens = 10,
    reply = (input: unknown) => `${name}(${String(input)})`,
    fail: failCall,
  }: {
    model?: string;
    delayMs?: number;
    tokens?: number;
    cents?: number | null;
    inputTokens?: number;
    reply?: (input: unknown, model: string) => string;
    /** Makes a call on `model` fail with this error. */
    fail?: (model: string, callNumber: number) => unknown;
  } = {},
): Runnable<unknown, FakeAgentResult> & { calls: FakeAgentCall[] } {
  const calls: FakeAgentCall[] = [];
  return {
    name,
    kind: "agent",
    calls,
    async run(input, options = {}) {
      const clock = options.clock as Clock;
      const signal = options.signal ?? new AbortController().signal;
      const candidates = [model, ...(options.fallbackModels ?? [])];
      let usage: Usage = emptyUsage();
      let cost: CostBreakdown = emptyCost();
      let lastError: unknown;
      const fail = (error: unknown): never => {
        throw usage.totalTokens > 0 ? attachSpend(error, { usage, cost }) : error;
      };
      for (const candidate of candidates) {
        let used = candidate;
        let permit: ModelCallPermit = options.gate
          ? await options.gate.acquire({
              model: used,
              agent: name,
              estimatedInputTokens: inputTokens,
              signal,
            })
          : { granted: true, release: () => {} };
        if (!permit.granted && permit.switchTo !== undefined && options.gate) {
          used = permit.switchTo;
          permit = await options.gate.acquire({
            model: used,
            agent: name,
            estimatedInputTokens: inputTokens,
            signal,
          });
        }
        if (!permit.granted) {
          lastError = permit.error;
          if (permit.reason === "circuit-open") continue;
          return fail(permit.error);
        }
        calls.push({ input, model: used, options });
        options.emit?.({ type: "model-call-start", agent: name, model: used, attempt: 1 });
        try {
          await clock.sleep(delayMs, { signal });
        } catch (error) {
          permit.release({ error });
          return fail(error);
        }
        const callUsage: Usage = {
          ...emptyUsage(),
          inputTokens,
          outputTokens: tokens - inputTokens,
          totalTokens: tokens,
        };
        const callCost: CostBreakdown =
          cents === null
            ? { modelCents: null, toolCents: 0, totalCents: null, unpricedModels: [used] }
            : { modelCents: cents, toolCents: 0, totalCents: cents, unpricedModels: [] };
        usage = addUsage(usage, callUsage);
        cost = addCost(cost, callCost);
        const failure = failCall?.(used, calls.length);
        if (failure !== undefined) {
          permit.release({ error: failure, usage: callUsage, cost: callCost });
          lastError = failure;
          continue;
        }
        permit.release({ usage: callUsage, cost: callCost });
        options.emit?.({
          type: "model-call-end",
          agent: name,
          model: used,
          usage: callUsage,
          cost: callCost,
          durationMs: delayMs,
        });
        return { text: reply(input, used), model: used, usage, cost };
      }
      return fail(lastError);
    },
  };
}
