import type { RunProgress } from "../events.js";
import type { LoggedEvent } from "../ports/run-store.js";
import { applyEvent, hasEnded, type RunState } from "./fold-run-log.js";

/** Whether events of `type` carry the run's progress: the `run-*` and `step-*` events. */
function carriesProgress(type: string): boolean {
  switch (type) {
    case "step-start":
    case "step-end":
    case "step-error":
    case "step-retry":
    case "step-skip":
    case "run-start":
    case "run-resume":
    case "run-end":
    case "run-error":
    case "run-cancel":
    case "run-wait":
      return true;
    default:
      return false;
  }
}

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
  /**
   * The progress last set: the next event with the same count shares it. Events are
   * immutable once recorded (stores share their nested values too), and a big run's events
   * are mostly pairs of a step's start and end, with one count between them (W1).
   */
  #last: RunProgress | undefined;

  /** `state` as the run starts (a resumed run's steps that ended already count). */
  constructor(state: RunState, total: number) {
    this.#total = total;
    for (const step of Object.values(state.steps)) if (hasEnded(step.status)) this.#completed++;
  }

  /** Applies `event` to `state`; returns it with `progress` when it is an event that carries it. */
  apply(state: RunState, event: LoggedEvent): LoggedEvent {
    // The fold says how the count of ended steps changed: no second look at the step.
    this.#completed += applyEvent(state, event);
    if (!carriesProgress(event.type) || event.runId !== state.runId) return event;
    // The engine builds each run and step event for this call alone: set in place, as a
    // copy of every event cost more than the rest of the bookkeeping (W1).
    let progress = this.#last;
    if (progress?.completed !== this.#completed) {
      progress = runProgress(this.#completed, this.#total);
      this.#last = progress;
    }
    event.progress = progress;
    return event;
  }
}
