import {
  addCost,
  addUsage,
  attachSpend,
  type CostBreakdown,
  emptyCost,
  emptyUsage,
  type Runnable,
  type RunnableEvent,
  type RunnableOptions,
  type RunnableResult,
  resolveRetryOptions,
  retryDelay,
  serializeError,
  spendOf,
  systemClock,
  type Usage,
} from "../index.js";
import { textOf } from "./participant.js";
import type { Phase } from "./with-phase.js";

/** What an orchestration's own code gets while it runs as a step. */
export interface OrchestrationContext {
  /** The orchestration's input. */
  task: string;
  /** Aborts when the run is cancelled or fails fast, or the step times out. */
  signal: AbortSignal;
  /** Adds an event to the run's log and stream (`custom:<name>`). */
  emit: (event: RunnableEvent) => void;
  /**
   * Runs an agent or a workflow as part of this step, under the run's gate (budgets, rate
   * limits, breakers): its events join the run and its usage and cost are billed to the step.
   */
  run<Input, Result extends RunnableResult>(
    runnable: Runnable<Input, Result>,
    input: Input,
  ): Promise<Result>;
  /** 1 on the first try of this step, counting retries. */
  attempt: number;
}

/** What a billed step records as its output. */
export interface BilledResult<T> {
  output: T;
  text: string;
  usage: Usage;
  cost: CostBreakdown;
  /** The model that answered the last agent call, when there was one. */
  model?: string;
}

/**
 * A step that runs the user's own code (`body`). Agents and workflows it runs through
 * `context.run` are billed to it; a failed attempt's spend is billed too (it is attached to
 * the error the engine receives). Retryable failures are retried per the step's retry
 * policy (`options.retry`), like a function step's.
 */
export function billedStep<Input, T>(
  name: string,
  body: (input: Input, context: Omit<OrchestrationContext, "task">) => T | Promise<T>,
  settings: { phase?: Phase } = {},
): Runnable<Input, BilledResult<T>> {
  return {
    name,
    kind: "workflow",
    async run(input, options: RunnableOptions = {}) {
      const signal = options.signal ?? new AbortController().signal;
      const clock = options.clock ?? systemClock;
      const emit = options.emit ?? (() => {});
      const retry = resolveRetryOptions(options.retry);
      let usage = emptyUsage();
      let cost = emptyCost();
      let model: string | undefined;
      const bill = (value: unknown) => {
        // A result's usage and cost, or what a failed agent or workflow spent (on its error).
        const spend = spendOf(value);
        if (spend?.usage) usage = addUsage(usage, spend.usage);
        if (spend?.cost) cost = addCost(cost, spend.cost);
      };
      const forward: RunnableOptions = {
        signal,
        clock,
        ...(options.gate ? { gate: options.gate } : {}),
        ...(options.emit ? { emit: options.emit } : {}),
        ...(options.runId !== undefined ? { runId: options.runId } : {}),
        ...(options.stepId !== undefined ? { stepId: options.stepId } : {}),
        ...(options.fallbackModels ? { fallbackModels: options.fallbackModels } : {}),
      };
      if (settings.phase) emit({ type: `${settings.phase}-start`, step: name });
      for (let attempt = 1; ; attempt++) {
        try {
          const output = await body(input, {
            signal,
            emit,
            attempt,
            run: async (runnable, runInput) => {
              try {
                const result = await runnable.run(runInput, forward);
                bill(result);
                const answered = (result as { model?: unknown }).model;
                if (typeof answered === "string") model = answered;
                return result;
              } catch (error) {
                bill(error);
                throw error;
              }
            },
          });
          if (settings.phase) {
            emit({
              type: `${settings.phase}-end`,
              step: name,
              usage,
              cost,
              ...(Array.isArray(output) ? { count: output.length } : {}),
            });
          }
          return { output, text: textOf(output), usage, cost, ...(model ? { model } : {}) };
        } catch (error) {
          if (!signal.aborted && attempt < retry.maxAttempts && retry.retryOn(error)) {
            const delayMs = retryDelay(attempt, retry);
            emit({
              type: "custom:attempt-retry",
              data: { step: name, attempt, delayMs, error: serializeError(error) },
            });
            try {
              await clock.sleep(delayMs, { signal });
            } catch (stopped) {
              throw withSpend(stopped, usage, cost);
            }
            continue;
          }
          if (settings.phase) {
            emit({
              type: `${settings.phase}-end`,
              step: name,
              error: serializeError(error),
              usage,
              cost,
            });
          }
          throw withSpend(error, usage, cost);
        }
      }
    },
  };
}

/** The error, carrying everything the step spent (`spendOf`), so the engine bills the failed step. */
function withSpend(error: unknown, usage: Usage, cost: CostBreakdown): unknown {
  return attachSpend(error, { usage, cost });
}
