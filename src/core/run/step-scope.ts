import { AsyncLocalStorage } from "node:async_hooks";
import { BatonError } from "../errors/baton-error.js";
import type { ToolApprovalRecord } from "./fold-run-log.js";

const marker = Symbol.for("baton.error.approval-pending");

/**
 * A tool call needs a human decision: the step stops here and the run waits. Thrown by
 * tools wrapped with `requiresApproval`; the engine keeps the step in flight (it runs
 * again once the decision is logged), so this never fails a run.
 */
export class ApprovalPendingError extends BatonError {
  readonly [marker] = true;
  readonly stepId: string;
  readonly toolCallId: string;

  constructor(options: { stepId: string; toolCallId: string; tool: string }) {
    super(
      `Tool "${options.tool}" (call ${options.toolCallId}) in step "${options.stepId}" waits for approval`,
    );
    this.name = "ApprovalPendingError";
    this.stepId = options.stepId;
    this.toolCallId = options.toolCallId;
  }

  static override isInstance(error: unknown): error is ApprovalPendingError {
    return typeof error === "object" && error !== null && marker in error;
  }
}

/**
 * What code running inside an agent step of a workflow run (the agent's tools) can learn
 * about the step, and the one thing it can ask of it: to wait for a human decision.
 */
export interface StepScope {
  readonly runId: string;
  readonly stepId: string;
  /** Tool calls of this step that asked for approval (decided ones from earlier attempts included). */
  readonly toolApprovals: readonly ToolApprovalRecord[];
  /**
   * Logs an `approval-request` for the tool call and stops the step's attempt: the step
   * stays in flight, other branches go on, and the run ends `waiting` when nothing else
   * runs. Returns the error the tool should throw.
   */
  /**
   * Logs that an approved tool call ran, with its output: a later attempt of the step
   * (after another approval, or a crash) gets the output back instead of running the
   * call twice.
   */
  recordApprovedOutput(toolCallId: string, output: unknown): void;
  requestApproval(request: {
    toolCallId: string;
    tool: string;
    input: unknown;
    message?: string;
  }): ApprovalPendingError;
}

export const stepScopes = new AsyncLocalStorage<StepScope>();

/**
 * The workflow step the calling code runs in, when it runs inside an agent step of a run
 * (a tool the agent called, for instance); `undefined` elsewhere.
 */
export function currentStepScope(): StepScope | undefined {
  return stepScopes.getStore();
}
