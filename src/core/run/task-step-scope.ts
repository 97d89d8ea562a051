import type { ToolApprovalRecord } from "./fold-run-log.js";
import type { ApprovalPendingError, StepScope } from "./step-scope.js";
import type { StepTask } from "./step-task.js";

/** The scope an agent step's tools see (`currentStepScope()`), for one attempt. */
export class TaskStepScope implements StepScope {
  readonly #task: StepTask;
  readonly #invocation: number;

  constructor(task: StepTask, invocation: number) {
    this.#task = task;
    this.#invocation = invocation;
  }

  get runId(): string {
    return this.#task.host.runId;
  }

  get stepId(): string {
    return this.#task.step.id;
  }

  get toolApprovals(): readonly ToolApprovalRecord[] {
    return this.#task.host.state.toolApprovals[this.#task.step.id] ?? [];
  }

  recordApprovedOutput(toolCallId: string, output: unknown): void {
    const task = this.#task;
    if (task.done || this.#invocation !== task.invocation) return;
    task.host.emitFrom(task, { type: "approval-output", toolCallId, output });
  }

  requestApproval(request: {
    toolCallId: string;
    tool: string;
    input: unknown;
    message?: string;
  }): ApprovalPendingError {
    return this.#task.requestApproval(this.#invocation, request);
  }
}
