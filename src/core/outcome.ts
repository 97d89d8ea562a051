import type { CostBreakdown, Usage } from "./usage.js";

/** What a piece of work spent: its tokens and what they (and its tools) cost. */
export interface Spend {
  usage: Usage;
  cost: CostBreakdown;
}

/**
 * How one execution of a runnable or step ended, with what it spent whatever the ending:
 * a failed, waiting or cancelled attempt was billed too. The engine steers a run by these
 * (STYLE.md rule 4): only the user-facing `agent.run()` and `run.result` of a failed run
 * turn one into an error.
 */
export type Outcome<Output = unknown> =
  | Succeeded<Output>
  | (Spend & { status: "failed"; error: Error })
  | (Spend & {
      status: "waiting";
      /** `"approval"`: a human decision; `"budget-exceeded"`: a budget paused the run. */
      reason: WaitReason;
      /** What the wait is about (a `BudgetExceededError` for a budget pause). */
      error?: Error;
    })
  | (Spend & { status: "cancelled"; error: Error });

export type Succeeded<Output = unknown> = Spend & {
  status: "succeeded";
  output: Output;
  /** The model that answered last, for agents. */
  model?: string;
};

export type WaitReason = "approval" | "budget-exceeded" | (string & {});

export type OutcomeStatus = Outcome["status"];
