import type { LoggedEvent } from "../core/ports/run-store.js";
import type { RunState } from "../core/run/fold-run-log.js";

/** An approval a run waits for: a step's, or a tool call's (`toolCallId` set). */
export interface PendingApproval {
  runId: string;
  workflow: string | undefined;
  stepId: string;
  /** Set for a tool call's approval (a tool wrapped with `requiresApproval`). */
  toolCallId?: string;
  /** The tool's name, for a tool call. */
  tool?: string;
  /** The tool call's input, for a tool call. */
  input?: unknown;
  /** The step's or tool's approval message. */
  message?: string;
  /** When it was asked for (epoch ms). */
  requestedAt?: number;
}

/**
 * The approvals a run waits for, read off its folded state and its log: steps that asked
 * (status `waiting`) with no decision yet, and undecided tool calls of steps still waiting.
 */
export function pendingApprovalsOf(
  state: RunState,
  log: readonly LoggedEvent[],
  workflow?: string,
): PendingApproval[] {
  const name = state.workflow ?? workflow;
  const stepRequests = new Map<string, LoggedEvent>();
  for (const event of log) {
    if (
      event.type === "approval-request" &&
      event.toolCallId === undefined &&
      event.runId === state.runId
    ) {
      stepRequests.set(event.stepId as string, event);
    }
  }
  const pending: PendingApproval[] = [];
  for (const step of Object.values(state.steps)) {
    if (step.status !== "waiting") continue;
    const tools = state.toolApprovals[step.id] ?? [];
    const undecided = tools.filter((record) => record.decision === undefined);
    for (const record of undecided) {
      pending.push({
        runId: state.runId,
        workflow: name,
        stepId: step.id,
        toolCallId: record.toolCallId,
        ...(record.tool !== undefined ? { tool: record.tool } : {}),
        ...(record.input !== undefined ? { input: record.input } : {}),
        ...(record.message !== undefined ? { message: record.message } : {}),
        ...(record.requestedAt !== undefined ? { requestedAt: record.requestedAt } : {}),
      });
    }
    const request = stepRequests.get(step.id);
    if (undecided.length === 0 && tools.length === 0 && request && !state.approvals[step.id]) {
      pending.push({
        runId: state.runId,
        workflow: name,
        stepId: step.id,
        ...(typeof request.message === "string" ? { message: request.message } : {}),
        requestedAt: request.at,
      });
    }
  }
  return pending.sort((a, b) => (a.requestedAt ?? 0) - (b.requestedAt ?? 0));
}

/**
 * Steps that waited for approval and have every decision they waited for, so resuming
 * the run moves them on (a decision logged while no process ran the run).
 */
export function decidedWaitingSteps(state: RunState): string[] {
  const steps: string[] = [];
  for (const step of Object.values(state.steps)) {
    if (step.status !== "waiting") continue;
    const tools = state.toolApprovals[step.id] ?? [];
    const decided =
      tools.length > 0
        ? tools.every((record) => record.decision !== undefined)
        : state.approvals[step.id] !== undefined;
    if (decided) steps.push(step.id);
  }
  return steps;
}
