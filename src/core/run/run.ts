import type { BatonEvent, SerializedError } from "../events.js";
import type { CostBreakdown, Usage } from "../usage.js";
import type { StepRecord } from "./fold-run-log.js";

/** How a run ended. `waiting` runs wait for a decision (approval, budget) and can be resumed. */
export interface WorkflowResult<Output = unknown> {
  runId: string;
  status: "succeeded" | "failed" | "cancelled" | "waiting";
  /** The workflow's `output(results)`, else the single final step's output, else an object of the final steps' outputs. */
  output: Output;
  steps: Record<string, StepRecord>;
  usage: Usage;
  cost: CostBreakdown;
  /** Why the run failed or was cancelled: the error itself when this process saw it. */
  error?: Error;
  /** The error as the log recorded it. */
  loggedError?: SerializedError;
  /** Why a waiting run waits: "approval" or "budget-exceeded". */
  waitReason?: string;
}

/** A running workflow. */
export interface Run<Output = unknown> {
  readonly id: string;
  /** Every event of the run, from its first; each iteration starts at the beginning. */
  readonly events: AsyncIterable<BatonEvent>;
  /** Settles when the run ends; never rejects (a failed run resolves with status "failed"). */
  readonly result: Promise<WorkflowResult<Output>>;
  /** Stops the run: running steps are aborted and end as cancelled, the rest are skipped. */
  cancel(reason?: string): void;
}
