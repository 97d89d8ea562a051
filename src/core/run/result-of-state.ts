import { BatonError } from "../errors/baton-error.js";
import type { RunState } from "./fold-run-log.js";
import type { WorkflowResult } from "./run.js";

/**
 * A run's result, read off its folded state. `error` is the live error this process saw
 * (kept for `isInstance` checks), else one rebuilt from the log.
 */
export function resultOfState(state: RunState, error: Error | undefined): WorkflowResult {
  const status = state.status as WorkflowResult["status"];
  const result: WorkflowResult = {
    runId: state.runId,
    status,
    output: state.output,
    steps: state.steps,
    usage: state.usage,
    cost: state.cost,
  };
  if (state.error) {
    result.loggedError = state.error;
    result.error =
      error ?? Object.assign(new BatonError(state.error.message), { name: state.error.name });
  } else if ((status === "cancelled" || status === "waiting") && error) {
    result.error = error;
  }
  if (state.waitReason !== undefined) result.waitReason = state.waitReason;
  return result;
}
