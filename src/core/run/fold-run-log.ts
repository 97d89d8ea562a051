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
   * Steps in flight (started, not ended) that have something to pick up, by step id: the
   * attempt a resumed step continues, and what each of its attempts logged of its work, so
   * the step picks up where it stopped. A step in flight gets its record on its first
   * logged work or retry, or when it starts past its first attempt or iteration: one
   * without a record is in its first attempt of its first iteration, with nothing to
   * replay (most steps of a big workflow, which never call a model, need none).
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

/** Names one attempt of a step within its run: `<iteration>.<attempt>`. */
export function attemptKey(iteration: number, attempt: number): string {
  // Most attempts are a step's first: its key is a constant, not a new string each time.
  return iteration === 1 && attempt === 1 ? "1.1" : `${iteration}.${attempt}`;
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
  applyEvent(state, event);
}

/** Whether a step in `status` has ended (it counts as completed in the run's progress). */
export function hasEnded(status: StepStatus): boolean {
  return (
    status === "succeeded" || status === "failed" || status === "skipped" || status === "cancelled"
  );
}

/**
 * `applyRunEvent`, returning how the count of the run's ended steps changed (-1, 0 or 1):
 * the engine keeps its progress count with it, without looking the step up again (internal).
 */
export function applyEvent(state: RunState, event: LoggedEvent): number {
  if (event.runId !== state.runId) return 0;
  const stepId = event.stepId as string;
  // One switch on the type, the events of every step first: a big run logs many of them.
  switch (event.type) {
    case "step-start": {
      const step = stepOf(state, stepId);
      const { status } = step;
      const ended = hasEnded(status);
      // Only a step in flight can have a record (a retry, a resumed or approved step).
      const running =
        status === "running" || status === "waiting" ? state.running[stepId] : undefined;
      const requests = state.toolApprovals[stepId];
      if (requests?.some((record) => record.decision === undefined)) {
        state.toolApprovals[stepId] = requests.filter((record) => record.decision !== undefined);
      }
      step.status = "running";
      step.attempts++;
      const iteration = (event.iteration as number | undefined) ?? 1;
      const attempt = (event.attempt as number | undefined) ?? 1;
      if (iteration > step.iterations) step.iterations = iteration;
      if (running) {
        running.attempt = attempt;
        running.iteration = iteration;
        running.key = attemptKey(iteration, attempt);
      } else if (attempt !== 1 || iteration !== 1) {
        state.running[stepId] = runningStep(step, iteration, attempt);
      }
      step.startedAt ??= event.at;
      step.endedAt = undefined;
      step.skipReason = undefined;
      return ended ? -1 : 0;
    }
    case "step-end": {
      const step = stepOf(state, stepId);
      const ended = hasEnded(step.status);
      const running = state.running[stepId];
      bill(state, step, running, event);
      step.status = "succeeded";
      step.output = event.output;
      step.error = undefined;
      step.endedAt = event.at;
      if (running) delete state.running[stepId];
      if (typeof event.model === "string") step.model = event.model;
      if (Array.isArray(event.next)) step.next = event.next as string[];
      if (typeof event.iterations === "number") step.iterations = event.iterations;
      return ended ? 0 : 1;
    }
    case "model-call-start":
      trackCall(state, event);
      return 0;
    case "model-call-end":
    case "model-call-error":
      trackCall(state, event);
      recordWork(state, stepId, event);
      return 0;
    case "agent-start":
    case "agent-end":
    case "agent-error":
    case "model-call-cache-hit":
    case "tool-call-end":
    case "tool-call-error":
      recordWork(state, stepId, event);
      return 0;
    case "run-start": {
      state.workflow = event.workflow as string;
      state.input = event.input;
      state.parentRunId = event.parentRunId as string | undefined;
      state.status = "running";
      state.startedAt = event.at;
      for (const id of (event.steps as string[] | undefined) ?? []) stepOf(state, id);
      return 0;
    }
    case "run-resume":
      state.status = "running";
      state.waitReason = undefined;
      state.endedAt = undefined;
      state.error = undefined;
      return 0;
    case "step-error": {
      const step = stepOf(state, stepId);
      const ended = hasEnded(step.status);
      const running = state.running[stepId];
      bill(state, step, running, event);
      step.error = event.error as SerializedError;
      if (!event.willRetry) {
        step.status = step.error?.name === "CancelledError" ? "cancelled" : "failed";
        step.endedAt = event.at;
        if (running) delete state.running[stepId];
        return ended ? 0 : 1;
      }
      if (running) {
        // The attempt is billed: a later run of the step must not replay (and bill) it again.
        delete running.work[running.key];
        running.base = { usage: step.usage, cost: step.cost };
      }
      return 0;
    }
    case "step-retry": {
      const running = runningOf(state, stepId);
      if (running && typeof event.attempt === "number") running.attempt = event.attempt;
      return 0;
    }
    case "step-skip": {
      const step = stepOf(state, stepId);
      const ended = hasEnded(step.status);
      step.status = "skipped";
      step.skipReason = event.reason as StepRecord["skipReason"];
      step.endedAt = event.at;
      if (state.running[stepId]) delete state.running[stepId];
      return ended ? 0 : 1;
    }
    case "approval-request": {
      const step = stepOf(state, stepId);
      const ended = hasEnded(step.status);
      step.status = "waiting";
      if (typeof event.toolCallId === "string") toolApprovalOf(state, stepId, event);
      return ended ? -1 : 0;
    }
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
      return 0;
    }
    case "approval-output": {
      const record = state.toolApprovals[stepId]?.find(
        (candidate) => candidate.toolCallId === event.toolCallId,
      );
      if (record) record.output = { value: event.output };
      return 0;
    }
    case "run-end":
      state.status = "succeeded";
      state.output = event.output;
      state.endedAt = event.at;
      return 0;
    case "run-error":
      state.status = "failed";
      state.error = event.error as SerializedError;
      state.endedAt = event.at;
      return 0;
    case "run-cancel":
      state.status = "cancelled";
      state.endedAt = event.at;
      return 0;
    case "run-wait":
      state.status = "waiting";
      state.waitReason = event.reason as string;
      return 0;
  }
  return 0;
}

/** A step in flight's record, begun at `iteration`.`attempt` (see `RunState.running`). */
function runningStep(step: StepRecord, iteration: number, attempt: number): RunningStep {
  return {
    attempt,
    iteration,
    key: attemptKey(iteration, attempt),
    work: {},
    base: { usage: step.usage, cost: step.cost },
    spent: undefined,
  };
}

/**
 * The record of step `stepId` if it is in flight, made on first need: a step in flight
 * without one is in its first attempt of its first iteration, and has spent nothing in it
 * yet (what it spent is its ended attempts', the base of this stretch).
 */
function runningOf(state: RunState, stepId: string | undefined): RunningStep | undefined {
  if (stepId === undefined) return undefined;
  let running = state.running[stepId];
  if (running) return running;
  const step = state.steps[stepId];
  // In flight: started and not ended (a step waits for a tool call's approval in flight).
  if (
    step === undefined ||
    step.attempts === 0 ||
    (step.status !== "running" && step.status !== "waiting")
  ) {
    return undefined;
  }
  running = runningStep(step, 1, 1);
  state.running[stepId] = running;
  return running;
}

/**
 * Keeps an event a resumed step's agents replay (agent turns: model replies and tool
 * results), under the attempt the step runs now, and counts what it spent.
 */
function recordWork(state: RunState, stepId: string | undefined, event: LoggedEvent): void {
  const running = runningOf(state, stepId);
  if (!running) return;
  const work = running.work[running.key];
  if (work) work.push(event);
  else running.work[running.key] = [event];
  billInFlight(state, stepOf(state, stepId as string), running, event);
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
