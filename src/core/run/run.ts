import type { BatonEvent, SerializedError } from "../events.js";
import type { LoggedEvent } from "../ports/run-store.js";
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
  /**
   * Logs a human decision on an approval the run waits for (a step with `approval`, or a
   * tool call wrapped with `requiresApproval`) while the run is live in this process: the
   * run acts on it at once. Returns `false` once the run has ended; decide on an ended
   * (`waiting`) run through the store and resume it (`approve` in baton's durable API).
   * `logged: true` says the decision is in the log already (another process appended it):
   * the run acts on it without logging it again.
   */
  decide(decision: ApprovalDecision, options?: { logged?: boolean }): boolean;
}

/** A human decision on an approval. */
export interface ApprovalDecision {
  stepId: string;
  approved: boolean;
  comment?: string;
  /** For a tool call's approval: its id (from the `approval-request` event). */
  toolCallId?: string;
}

/** Checks a decision's fields, throwing a `TypeError` that names the bad one. */
export function checkDecision(decision: ApprovalDecision): void {
  if (typeof decision !== "object" || decision === null) {
    throw new TypeError(`decision: expected an object, received ${String(decision)}`);
  }
  if (typeof decision.stepId !== "string" || decision.stepId === "") {
    throw new TypeError(
      `decision.stepId: expected a non-empty string, received ${String(decision.stepId)}`,
    );
  }
  if (typeof decision.approved !== "boolean") {
    throw new TypeError(
      `decision.approved: expected a boolean, received ${String(decision.approved)}`,
    );
  }
  if (decision.comment !== undefined && typeof decision.comment !== "string") {
    throw new TypeError(`decision.comment: expected a string, received ${typeof decision.comment}`);
  }
  if (decision.toolCallId !== undefined && typeof decision.toolCallId !== "string") {
    throw new TypeError(
      `decision.toolCallId: expected a string, received ${typeof decision.toolCallId}`,
    );
  }
}

/** The `approval-decision` event that logs `decision`. */
export function decisionEvent(
  decision: ApprovalDecision,
  base: { at: number; runId: string; parentRunId: string | undefined },
): LoggedEvent {
  const event: LoggedEvent = {
    type: "approval-decision",
    ...base,
    stepId: decision.stepId,
    approved: decision.approved,
  };
  if (decision.toolCallId !== undefined) event.toolCallId = decision.toolCallId;
  if (decision.comment !== undefined) event.comment = decision.comment;
  return event;
}
