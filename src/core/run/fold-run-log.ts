import type { SerializedError, StepSkipEvent } from "../events.js";
import type { LoggedEvent, RunStatus } from "../ports/run-store.js";
import { addCost, addUsage, type CostBreakdown, type Usage } from "../usage.js";

export type StepStatus =
  | "pending"
  | "running"
  /** Waiting for an approval. */
  | "waiting"
  | "succeeded"
  | "failed"
  | "skipped"
  | "cancelled";

/** One step of a run, as its log tells it. */
export interface StepRecord {
  id: string;
  status: StepStatus;
  /** Times the step was started: retries and loop iterations each count. */
  attempts: number;
  /** Loop iterations started (1 for a step without a loop, 0 before it starts). */
  iterations: number;
  /** The recorded output (reused on resume). */
  output: unknown;
  /** The last failure, while failing or retrying. */
  error: SerializedError | undefined;
  startedAt: number | undefined;
  endedAt: number | undefined;
  /** The model that answered, for agent steps that report it. */
  model: string | undefined;
  /** Every attempt's usage, failed ones included. */
  usage: Usage;
  cost: CostBreakdown;
  skipReason: StepSkipEvent["reason"] | undefined;
  /** For routing steps: the successors the route chose. */
  next: string[] | undefined;
}

/** A tool call that asked for a human decision (a tool wrapped with `requiresApproval`). */
export interface ToolApprovalRecord {
  toolCallId: string;
  /** The tool's name. */
  tool: string | undefined;
  /** The tool call's input, as the model gave it. */
  input: unknown;
  message: string | undefined;
  requestedAt: number | undefined;
  /** Set once a decision is logged. */
  decision: { approved: boolean; comment?: string } | undefined;
  /** Set once the approved call ran (an `approval-output` event): what it returned. */
  output?: { value: unknown };
}

/** A run's state: a fold of its log (`foldRunLog`), the single source of its result. */
export interface RunState {
  runId: string;
  workflow: string | undefined;
  parentRunId: string | undefined;
  input: unknown;
  status: RunStatus;
  output: unknown;
  error: SerializedError | undefined;
  /** Why a `waiting` run waits: `"approval"`, `"budget-exceeded"`. */
  waitReason: string | undefined;
  startedAt: number | undefined;
  endedAt: number | undefined;
  steps: Record<string, StepRecord>;
  /** Decisions on steps that need approval, by step id. */
  approvals: Record<string, { approved: boolean; comment?: string }>;
  /**
   * Tool calls that asked for approval, by step id. A step that starts again drops its
   * undecided requests (the new attempt asks again); decided ones stay, so the new
   * attempt finds the decision for the same call.
   */
  toolApprovals: Record<string, ToolApprovalRecord[]>;
  usage: Usage;
  cost: CostBreakdown;
}

/** Zero usage, shared and frozen (steps that made no model call). */
export const noUsage: Usage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  totalTokens: 0,
});
/** Zero cost, shared and frozen. */
export const noCost: CostBreakdown = Object.freeze({
  modelCents: 0,
  toolCents: 0,
  totalCents: 0,
  unpricedModels: Object.freeze([]) as unknown as string[],
});

/** A fresh record of a step that has not started. */
export function pendingStep(id: string): StepRecord {
  return {
    id,
    status: "pending",
    attempts: 0,
    iterations: 0,
    output: undefined,
    error: undefined,
    startedAt: undefined,
    endedAt: undefined,
    model: undefined,
    usage: noUsage,
    cost: noCost,
    skipReason: undefined,
    next: undefined,
  };
}

/** The state of a run before any event: `pending`, nothing spent. */
export function emptyRunState(runId: string): RunState {
  return {
    runId,
    workflow: undefined,
    parentRunId: undefined,
    input: undefined,
    status: "pending",
    output: undefined,
    error: undefined,
    waitReason: undefined,
    startedAt: undefined,
    endedAt: undefined,
    steps: {},
    approvals: {},
    toolApprovals: {},
    usage: noUsage,
    cost: noCost,
  };
}

/**
 * Folds a run's log into its state: statuses, outputs, attempts, usage and cost per step
 * and for the run. Events of other runs in the log (a sub-workflow's) are ignored; the
 * run is the one `runId` names, else the one the first event belongs to.
 */
export function foldRunLog(
  events: Iterable<LoggedEvent>,
  options: { runId?: string } = {},
): RunState {
  let state: RunState | undefined = options.runId ? emptyRunState(options.runId) : undefined;
  for (const event of events) {
    state ??= emptyRunState(event.runId as string);
    applyRunEvent(state, event);
  }
  if (!state) throw new TypeError("foldRunLog: expected a runId or at least one event");
  return state;
}

/** Copies a state deeply enough that applying events to the copy leaves the original alone. */
export function copyRunState(state: RunState): RunState {
  const steps: Record<string, StepRecord> = {};
  for (const id of Object.keys(state.steps)) steps[id] = { ...state.steps[id]! };
  const toolApprovals: Record<string, ToolApprovalRecord[]> = {};
  for (const id of Object.keys(state.toolApprovals ?? {})) {
    toolApprovals[id] = state.toolApprovals[id]!.map((record) => ({ ...record }));
  }
  return { ...state, steps, approvals: { ...state.approvals }, toolApprovals };
}

function hasSpend(usage: Usage | undefined, cost: CostBreakdown | undefined): boolean {
  return (
    (usage !== undefined &&
      usage.totalTokens +
        usage.inputTokens +
        usage.outputTokens +
        (usage.possiblyBilledTokens ?? 0) >
        0) ||
    (cost !== undefined &&
      (cost.totalCents !== 0 ||
        cost.toolCents !== 0 ||
        cost.unpricedModels.length > 0 ||
        (cost.possiblyBilledCents ?? 0) > 0))
  );
}

function stepOf(state: RunState, id: string): StepRecord {
  let step = state.steps[id];
  if (!step) {
    step = pendingStep(id);
    state.steps[id] = step;
  }
  return step;
}

function bill(state: RunState, step: StepRecord, event: LoggedEvent): void {
  const usage = event.usage as Usage | undefined;
  const cost = event.cost as CostBreakdown | undefined;
  if ((usage === noUsage || usage === undefined) && (cost === noCost || cost === undefined)) return;
  if (!hasSpend(usage, cost)) return;
  if (usage) {
    step.usage = addUsage(step.usage, usage);
    state.usage = addUsage(state.usage, usage);
  }
  if (cost) {
    step.cost = addCost(step.cost, cost);
    state.cost = addCost(state.cost, cost);
  }
}

/** Applies one event to `state`, in place. Unknown event types change nothing. */
export function applyRunEvent(state: RunState, event: LoggedEvent): void {
  if (event.runId !== state.runId) return;
  const stepId = event.stepId as string;
  switch (event.type) {
    case "run-start": {
      state.workflow = event.workflow as string;
      state.input = event.input;
      state.parentRunId = event.parentRunId as string | undefined;
      state.status = "running";
      state.startedAt = event.at;
      for (const id of (event.steps as string[] | undefined) ?? []) stepOf(state, id);
      return;
    }
    case "run-resume":
      state.status = "running";
      state.waitReason = undefined;
      state.endedAt = undefined;
      state.error = undefined;
      return;
    case "step-start": {
      const step = stepOf(state, stepId);
      const requests = state.toolApprovals[stepId];
      if (requests?.some((record) => record.decision === undefined)) {
        state.toolApprovals[stepId] = requests.filter((record) => record.decision !== undefined);
      }
      step.status = "running";
      step.attempts++;
      step.iterations = Math.max(step.iterations, (event.iteration as number | undefined) ?? 1);
      step.startedAt ??= event.at;
      step.endedAt = undefined;
      step.skipReason = undefined;
      return;
    }
    case "step-error": {
      const step = stepOf(state, stepId);
      bill(state, step, event);
      step.error = event.error as SerializedError;
      if (!event.willRetry) {
        step.status = step.error?.name === "CancelledError" ? "cancelled" : "failed";
        step.endedAt = event.at;
      }
      return;
    }
    case "step-end": {
      const step = stepOf(state, stepId);
      bill(state, step, event);
      step.status = "succeeded";
      step.output = event.output;
      step.error = undefined;
      step.endedAt = event.at;
      if (typeof event.model === "string") step.model = event.model;
      if (Array.isArray(event.next)) step.next = event.next as string[];
      if (typeof event.iterations === "number") step.iterations = event.iterations;
      return;
    }
    case "step-skip": {
      const step = stepOf(state, stepId);
      step.status = "skipped";
      step.skipReason = event.reason as StepRecord["skipReason"];
      step.endedAt = event.at;
      return;
    }
    case "approval-request":
      stepOf(state, stepId).status = "waiting";
      if (typeof event.toolCallId === "string") toolApprovalOf(state, stepId, event);
      return;
    case "approval-decision": {
      const decision = {
        approved: event.approved === true,
        ...(typeof event.comment === "string" ? { comment: event.comment } : {}),
      };
      if (typeof event.toolCallId === "string") {
        toolApprovalOf(state, stepId, event).decision = decision;
      } else {
        state.approvals[stepId] = decision;
      }
      return;
    }
    case "approval-output": {
      const record = state.toolApprovals[stepId]?.find(
        (candidate) => candidate.toolCallId === event.toolCallId,
      );
      if (record) record.output = { value: event.output };
      return;
    }
    case "run-end":
      state.status = "succeeded";
      state.output = event.output;
      state.endedAt = event.at;
      return;
    case "run-error":
      state.status = "failed";
      state.error = event.error as SerializedError;
      state.endedAt = event.at;
      return;
    case "run-cancel":
      state.status = "cancelled";
      state.endedAt = event.at;
      return;
    case "run-wait":
      state.status = "waiting";
      state.waitReason = event.reason as string;
      return;
  }
}

/** The record of the tool call an approval event names, made on first sight. */
function toolApprovalOf(state: RunState, stepId: string, event: LoggedEvent): ToolApprovalRecord {
  const toolCallId = event.toolCallId as string;
  let records = state.toolApprovals[stepId];
  if (!records) {
    records = [];
    state.toolApprovals[stepId] = records;
  }
  let record = records.find((candidate) => candidate.toolCallId === toolCallId);
  if (!record) {
    record = {
      toolCallId,
      tool: undefined,
      input: undefined,
      message: undefined,
      requestedAt: undefined,
      decision: undefined,
    };
    records.push(record);
  }
  if (event.type === "approval-request") {
    if (typeof event.tool === "string") record.tool = event.tool;
    if (event.input !== undefined) record.input = event.input;
    if (typeof event.message === "string") record.message = event.message;
    record.requestedAt = event.at;
  }
  return record;
}
