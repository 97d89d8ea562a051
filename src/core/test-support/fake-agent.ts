import type { ModelCallPermit } from "../model-call-gate.js";
import type { Outcome } from "../outcome.js";
import type { RunContext } from "../run-context.js";
import type { Runnable, RunnableResult } from "../runnable.js";
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
  context: RunContext;
}

/**
 * A stand-in agent for core tests: asks the gate before each "model call", sleeps on the
 * injected clock, and reports usage. Falls back along `fallbackModels` when a circuit is
 * open or a call fails, switches model when a budget says so, and throws the gate's error
 * otherwise. Like a real agent, it bills every call (failed ones included): its outcome
 * carries what it spent, however it ended.
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
    async execute(input, context): Promise<Outcome<FakeAgentResult>> {
      const { clock, signal, gate } = context;
      const candidates = [model, ...(context.overrides.fallbackModels ?? [])];
      let usage: Usage = emptyUsage();
      let cost: CostBreakdown = emptyCost();
      let lastError: unknown;
      const fail = (error: unknown): Outcome<FakeAgentResult> => {
        const failure = error instanceof Error ? error : new Error(String(error));
        if (signal.aborted) return { status: "cancelled", error: failure, usage, cost };
        return { status: "failed", error: failure, usage, cost };
      };
      for (const candidate of candidates) {
        let used = candidate;
        let permit: ModelCallPermit = await gate.acquire({
          model: used,
          agent: name,
          estimatedInputTokens: inputTokens,
          signal,
        });
        if (!permit.granted && permit.switchTo !== undefined) {
          used = permit.switchTo;
          permit = await gate.acquire({
            model: used,
            agent: name,
            estimatedInputTokens: inputTokens,
            signal,
          });
        }
        if (!permit.granted) {
          lastError = permit.error;
          if (permit.reason === "circuit-open") continue;
          if ((permit.error as { action?: string }).action === "pause") {
            return {
              status: "waiting",
              reason: "budget-exceeded",
              error: permit.error,
              usage,
              cost,
            };
          }
          return fail(permit.error);
        }
        calls.push({ input, model: used, context });
        context.emit({ type: "model-call-start", agent: name, model: used, attempt: 1 });
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
        context.emit({
          type: "model-call-end",
          agent: name,
          model: used,
          usage: callUsage,
          cost: callCost,
          durationMs: delayMs,
        });
        const output = { text: reply(input, used), model: used, usage, cost };
        return { status: "succeeded", output, usage, cost, model: used };
      }
      return fail(lastError);
    },
  };
}
