import type { ModelCallGate } from "./model-call-gate.js";
import type { Clock } from "./ports/clock.js";
import type { RetryOptions } from "./retry-policy.js";
import type { CostBreakdown, Usage } from "./usage.js";

/**
 * Something a workflow step can run that reports its own usage and cost: an agent,
 * or a workflow used as a sub-workflow. A plain function step is not a Runnable.
 */
export interface Runnable<Input = unknown, Result extends RunnableResult = RunnableResult> {
  readonly name: string;
  readonly kind: "agent" | "workflow";
  run(input: Input, options?: RunnableOptions): Promise<Result>;
}

export interface RunnableResult {
  usage: Usage;
  cost: CostBreakdown;
}

/** What the engine hands a Runnable for one execution. */
export interface RunnableOptions {
  signal?: AbortSignal;
  /** Rate limits, breakers and budgets shared with the rest of the run. */
  gate?: ModelCallGate;
  /** Receives the runnable's own events (agent-start, tool-call-end, ...). */
  emit?: (event: RunnableEvent) => void;
  clock?: Clock;
  /** Overrides the runnable's own retry policy for this execution. */
  retry?: RetryOptions;
  /** Overrides the runnable's own per-run timeout, in ms. */
  timeout?: number;
  /** Overrides the runnable's own fallback models. */
  fallbackModels?: readonly string[];
  /** The enclosing run and step, for event correlation. */
  runId?: string;
  stepId?: string;
}

/**
 * An event a runnable emits; the engine stamps `runId`, `stepId` and `at` onto it
 * and appends it to the run log. `type` follows `<noun>-<action>`.
 */
export interface RunnableEvent {
  type: string;
  [key: string]: unknown;
}
