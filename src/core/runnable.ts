import type { Outcome } from "./outcome.js";
import type { RunContext } from "./run-context.js";

/**
 * Something a workflow step runs that accounts for its own usage and cost: an agent, a
 * workflow used as a sub-workflow, or a custom runnable (patterns build some). A plain
 * function step is not a Runnable.
 */
export interface Runnable<Input = unknown, Output = unknown> {
  readonly name: string;
  readonly kind: "agent" | "workflow";
  /**
   * Runs once as part of a run, under `context`, and resolves with how it ended and what
   * it spent. Never rejects for a failure of the work itself (that is a `failed` outcome).
   */
  execute(input: Input, context: RunContext): Promise<Outcome<Output>>;
  /**
   * Loads what the first `execute` would load (packages, a tokenizer), so that a process
   * about to run it (a worker) starts warm instead of slowing its first steps. Never
   * rejects: what fails to load is left to `execute`, which reports it.
   */
  preload?(): Promise<void>;
}

/**
 * An event a runnable emits; the engine stamps `runId`, `stepId` and `at` onto it and
 * appends it to the run log. `type` follows `<noun>-<action>`.
 */
export interface RunnableEvent {
  type: string;
  [key: string]: unknown;
}

/** What an agent's or a workflow's output reports about its own spend. */
export interface RunnableResult {
  usage: import("./usage.js").Usage;
  cost: import("./usage.js").CostBreakdown;
}
