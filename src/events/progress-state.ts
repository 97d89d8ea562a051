import type { BatonEvent, RunProgress } from "../core/events.js";

/** What the progress view knows about a run so far (internal; a fold of its events). */
export interface ProgressState {
  /** The run being shown: the first `run-start`'s run. Events of other runs are ignored. */
  runId: string | undefined;
  workflow: string | undefined;
  startedAt: number | undefined;
  endedAt: number | undefined;
  status: "pending" | "running" | "waiting" | "succeeded" | "failed" | "cancelled";
  /** Steps in the workflow, when known. */
  totalSteps: number | undefined;
  /** The run's progress as its last event carrying one had it (the engine's count). */
  progress: RunProgress | undefined;
  /** Step ids that ended, failed for good or were skipped. */
  finished: Set<string>;
  succeeded: number;
  failed: number;
  skipped: number;
  /** Running step ids, in the order they started. */
  running: Map<string, { attempt: number }>;
  /** Cents spent so far (succeeded and failed attempts); `null` parts are counted in `unpriced`. */
  cents: number;
  /** Some cost is unknown (an unpriced model), so `cents` is a lower bound. */
  unpriced: boolean;
  error: string | undefined;
}

/** What changed, for a line-per-change log. `undefined` for events the view ignores. */
export type ProgressChange =
  | { kind: "run-start" }
  | { kind: "run-end" }
  | { kind: "run-wait"; reason: string }
  | { kind: "step-start"; stepId: string; attempt: number }
  | { kind: "step-end"; stepId: string; durationMs: number }
  | { kind: "step-error"; stepId: string; attempt: number; willRetry: boolean; message: string }
  | { kind: "step-retry"; stepId: string; attempt: number; delayMs: number }
  | { kind: "step-skip"; stepId: string; reason: string };

export function initialProgressState(totalSteps: number | undefined): ProgressState {
  return {
    runId: undefined,
    workflow: undefined,
    startedAt: undefined,
    endedAt: undefined,
    status: "pending",
    totalSteps,
    progress: undefined,
    finished: new Set(),
    succeeded: 0,
    failed: 0,
    skipped: 0,
    running: new Map(),
    cents: 0,
    unpriced: false,
    error: undefined,
  };
}

/** Applies one event to `state` (in place) and says what changed. */
export function applyProgressEvent(
  state: ProgressState,
  event: BatonEvent,
): ProgressChange | undefined {
  const starts = event.type === "run-start" && state.runId === undefined;
  if (starts) {
    state.runId = event.runId;
    state.workflow = event.workflow;
    state.startedAt = event.at;
    state.status = "running";
  }
  if (event.type === "run-resume" && state.runId === undefined && !event.parentRunId) {
    state.runId = event.runId;
    state.startedAt = event.at;
  }
  // Sub-workflows and subagents report inside their parent's step; count only our own steps.
  if (state.runId !== undefined ? event.runId !== state.runId : event.parentRunId !== undefined)
    return undefined;
  const progress = progressOf(event);
  if (progress) {
    state.progress = progress;
    state.totalSteps = progress.total;
  }
  if (starts) return { kind: "run-start" };
  switch (event.type) {
    case "run-resume":
      state.status = "running";
      return undefined;
    case "run-wait":
      state.status = "waiting";
      return { kind: "run-wait", reason: event.reason };
    case "run-end":
      state.status = "succeeded";
      state.endedAt = event.at;
      // The run's own total is authoritative (it may include work outside steps).
      state.cents = event.cost.totalCents ?? event.cost.toolCents + (event.cost.modelCents ?? 0);
      state.unpriced = event.cost.totalCents === null || event.cost.unpricedModels.length > 0;
      state.running.clear();
      return { kind: "run-end" };
    case "run-error":
      state.status = "failed";
      state.endedAt = event.at;
      state.error = event.error.message;
      state.running.clear();
      return { kind: "run-end" };
    case "run-cancel":
      state.status = "cancelled";
      state.endedAt = event.at;
      state.error = event.reason;
      state.running.clear();
      return { kind: "run-end" };
    case "step-start":
      state.running.set(event.stepId, { attempt: event.attempt });
      return { kind: "step-start", stepId: event.stepId, attempt: event.attempt };
    case "step-end":
      state.running.delete(event.stepId);
      addCents(state, event.cost);
      if (!state.finished.has(event.stepId)) {
        state.finished.add(event.stepId);
        state.succeeded++;
      }
      return { kind: "step-end", stepId: event.stepId, durationMs: event.durationMs };
    case "step-error":
      state.running.delete(event.stepId);
      if (event.cost) addCents(state, event.cost);
      if (!event.willRetry && !state.finished.has(event.stepId)) {
        state.finished.add(event.stepId);
        state.failed++;
      }
      return {
        kind: "step-error",
        stepId: event.stepId,
        attempt: event.attempt,
        willRetry: event.willRetry,
        message: event.error.message,
      };
    case "step-retry":
      return {
        kind: "step-retry",
        stepId: event.stepId,
        attempt: event.attempt,
        delayMs: event.delayMs,
      };
    case "step-skip":
      state.running.delete(event.stepId);
      if (!state.finished.has(event.stepId)) {
        state.finished.add(event.stepId);
        state.skipped++;
      }
      return { kind: "step-skip", stepId: event.stepId, reason: event.reason };
    default:
      return undefined;
  }
}

/** The run's progress a `run-*` or `step-*` event carries (the engine's count). */
function progressOf(event: BatonEvent): RunProgress | undefined {
  return event.type.startsWith("run-") || event.type.startsWith("step-")
    ? (event as { progress?: RunProgress }).progress
    : undefined;
}

/** Steps that ended: the engine's count when the events carry it, else the view's own. */
export function completedSteps(state: ProgressState): number {
  return state.progress?.completed ?? state.finished.size;
}

/** The share of steps that ended, in whole percent rounded down; undefined without a total. */
export function progressPercent(state: ProgressState): number | undefined {
  if (state.progress) return state.progress.percent;
  const total = state.totalSteps;
  if (total === undefined) return undefined;
  return total === 0 ? 100 : Math.floor((completedSteps(state) * 100) / total);
}

function addCents(
  state: ProgressState,
  cost: { modelCents: number | null; toolCents: number; unpricedModels: string[] },
): void {
  state.cents += (cost.modelCents ?? 0) + cost.toolCents;
  if (cost.modelCents === null || cost.unpricedModels.length > 0) state.unpriced = true;
}

/**
 * US cents to four places, `0.0123¢`: the unit of every cost Baton reports (the `...Cents`
 * fields, the CLI's tables); `+` when some calls had no known price, so the figure is a
 * lower bound.
 */
export function formatCents(cents: number, unpriced: boolean): string {
  return `${cents.toFixed(4)}¢${unpriced ? "+" : ""}`;
}

/** `850ms`, `12.3s`, `4m05s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "?";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, "0")}s`;
}
