import type { RunProgress } from "../events.js";
import type { LoggedEvent } from "../ports/run-store.js";
import { applyRunEvent, type RunState, type StepRecord } from "./fold-run-log.js";

/** A step in one of these has ended: it counts as completed. */
const ENDED: ReadonlySet<StepRecord["status"]> = new Set([
  "succeeded",
  "failed",
  "cancelled",
  "skipped",
]);

/** The events that carry the run's progress. */
const CARRIES_PROGRESS = new Set([
  "run-start",
  "run-resume",
  "run-end",
  "run-error",
  "run-cancel",
  "run-wait",
  "step-start",
  "step-end",
  "step-error",
  "step-retry",
  "step-skip",
]);

const ended = (step: StepRecord | undefined) => step !== undefined && ENDED.has(step.status);

/** `completed` of `total` steps, in whole percent rounded down (100 only when all ended). */
export function runProgress(completed: number, total: number): RunProgress {
  return {
    completed,
    total,
    percent: total === 0 ? 100 : Math.floor((completed * 100) / total),
  };
}

/**
 * Applies a run's events to its state and keeps count of its steps that ended, so each
 * `run-*` and `step-*` event can carry the run's progress without a pass over every step
 * (internal to the engine).
 */
export class ProgressCounter {
  readonly #total: number;
  #completed = 0;

  /** `state` as the run starts (a resumed run's steps that ended already count). */
  constructor(state: RunState, total: number) {
    this.#total = total;
    for (const step of Object.values(state.steps)) if (ended(step)) this.#completed++;
  }

  /** Applies `event` to `state`; returns it with `progress` when it is an event that carries it. */
  apply(state: RunState, event: LoggedEvent): LoggedEvent {
    const stepId = typeof event.stepId === "string" ? event.stepId : undefined;
    const before = stepId === undefined ? false : ended(state.steps[stepId]);
    applyRunEvent(state, event);
    if (stepId !== undefined) {
      this.#completed += Number(ended(state.steps[stepId])) - Number(before);
    }
    if (!CARRIES_PROGRESS.has(event.type) || event.runId !== state.runId) return event;
    // The engine builds each run and step event for this call alone: set in place, as a
    // copy of every event cost more than the rest of the bookkeeping (W1).
    event.progress = runProgress(this.#completed, this.#total);
    return event;
  }
}
