import type { SerializedError, StepSkipEvent } from "../events.js";
import type { LoggedEvent, RunStatus } from "../ports/run-store.js";
import type { CostBreakdown, Usage } from "../usage.js";
import { bill, billInFlight, noCost, noUsage, trackCall } from "./run-spend.js";

export { noCost, noUsage } from "./run-spend.js";

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
  /**
   * Every attempt's usage, failed ones included; while the step is in flight, also what its
   * attempt's recorded model and tool calls spent so far (an interrupted step's too).
   */
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
  /**
   * What the run spent: its steps' ended attempts (`settled`), plus the model and tool calls
   * that steps in flight recorded so far (confirmed: their replies are in the log).
   */
  usage: Usage;
  cost: CostBreakdown;
  /** What the steps' ended attempts spent (`step-end`, `step-error`). */
  settled: { usage: Usage; cost: CostBreakdown };
  /**
   * Model calls started whose reply (or failure) is not in the log, by `<step>/<path>/<agent>`
   * (one call at a time each): their `model-call-start` events. In flight in a live run; in
   * a run that resumes, cut short by the process that died: the resumed run logs each as a
   * `model-call-error`, possibly billed at its reservation (`cutShortCalls`).
   */
  openCalls: Record<string, LoggedEvent>;
  /**
   * Steps in flight (started, not ended), by step id: the attempt a resumed step continues,
   * and what each of its attempts logged of its work, so the step picks up where it stopped.
   */
  running: Record<string, RunningStep>;
  /**
   * The steps in `running` whose recorded calls spent something (their `spent` is set): what
   * the run's totals add to `settled`, kept apart so that a step's end adds up these few
   * rather than every step in flight.
   */
  spending: Record<string, true>;
}

/** A step in flight, as its log tells it. */
export interface RunningStep {
  /**
   * The attempt a resumed step continues: the one started last, or the one a retry
   * announced (`step-retry`) before it could start.
   */
  attempt: number;
  /** The loop iteration started last (1 without a loop). */
  iteration: number;
  /** The attempt key (`attemptKey`) that events are recorded under now. */
  key: string;
  /**
   * The work each attempt logged that a re-run replays (agent turns: model replies and tool
   * results; `agent-start` / `-end` / `-error`), by attempt key, in log order. An attempt
   * whose failure was billed (`step-error` with `willRetry`) is dropped: it is not replayed.
   */
  work: Record<string, LoggedEvent[]>;
  /** What the step had spent when this stretch in flight began (its ended attempts). */
  base: { usage: Usage; cost: CostBreakdown };
  /** What the calls recorded in `work` spent, when they spent anything. */
  spent: { usage: Usage; cost: CostBreakdown } | undefined;
}

/** Events a resumed step's agents replay: kept per attempt while the step is in flight. */
const replayedTypes: ReadonlySet<string> = new Set([
  "agent-start",
  "agent-end",
  "agent-error",
  "model-call-end",
  "model-call-error",
  "model-call-cache-hit",
  "tool-call-end",
  "tool-call-error",
]);

/** Names one attempt of a step within its run: `<iteration>.<attempt>`. */
export function attemptKey(iteration: number, attempt: number): string {
  return `${iteration}.${attempt}`;
}

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
    settled: { usage: noUsage, cost: noCost },
    openCalls: {},
    running: {},
    spending: {},
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
  const running: Record<string, RunningStep> = {};
  for (const [id, entry] of Object.entries(state.running ?? {})) {
    const work: Record<string, LoggedEvent[]> = {};
    for (const [key, events] of Object.entries(entry.work)) work[key] = events.slice();
    running[id] = { ...entry, work };
  }
  return {
    ...state,
    steps,
    approvals: { ...state.approvals },
    toolApprovals,
    running,
    spending: { ...state.spending },
    openCalls: { ...state.openCalls },
  };
}

function stepOf(state: RunState, id: string): StepRecord {
  let step = state.steps[id];
  if (!step) {
    step = pendingStep(id);
    state.steps[id] = step;
  }
  return step;
}

/** Applies one event to `state`, in place. Unknown event types change nothing. */
export function applyRunEvent(state: RunState, event: LoggedEvent): void {
  if (event.runId !== state.runId) return;
  const stepId = event.stepId as string;
  if (
    event.type === "model-call-start" ||
    event.type === "model-call-end" ||
    event.type === "model-call-error"
  ) {
    trackCall(state, event);
  }
  if (stepId !== undefined && replayedTypes.has(event.type)) {
    const running = state.running[stepId];
    if (running) {
      const work = running.work[running.key];
      if (work) work.push(event);
      else running.work[running.key] = [event];
      billInFlight(state, stepOf(state, stepId), running, event);
    }
    return;
  }
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
      const iteration = (event.iteration as number | undefined) ?? 1;
      const attempt = (event.attempt as number | undefined) ?? 1;
      step.iterations = Math.max(step.iterations, iteration);
      const key = attemptKey(iteration, attempt);
      const running = state.running[stepId];
      if (running) {
        running.attempt = attempt;
        running.iteration = iteration;
        running.key = key;
      } else {
        const base = { usage: step.usage, cost: step.cost };
        state.running[stepId] = { attempt, iteration, key, work: {}, base, spent: undefined };
      }
      step.startedAt ??= event.at;
      step.endedAt = undefined;
      step.skipReason = undefined;
      return;
    }
    case "step-error": {
      const step = stepOf(state, stepId);
      bill(state, step, event);
      step.error = event.error as SerializedError;
      const running = state.running[stepId];
      if (!event.willRetry) {
        step.status = step.error?.name === "CancelledError" ? "cancelled" : "failed";
        step.endedAt = event.at;
        if (running) delete state.running[stepId];
      } else if (running) {
        // The attempt is billed: a later run of the step must not replay (and bill) it again.
        delete running.work[running.key];
        running.base = { usage: step.usage, cost: step.cost };
      }
      return;
    }
    case "step-retry": {
      const running = state.running[stepId];
      if (running && typeof event.attempt === "number") running.attempt = event.attempt;
      return;
    }
    case "step-end": {
      const step = stepOf(state, stepId);
      bill(state, step, event);
      step.status = "succeeded";
      step.output = event.output;
      step.error = undefined;
      step.endedAt = event.at;
      if (state.running[stepId]) delete state.running[stepId];
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
      if (state.running[stepId]) delete state.running[stepId];
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
