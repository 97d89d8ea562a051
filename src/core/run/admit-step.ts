import { ApprovalRejectedError } from "../workflow/approval-rejected-error.js";
import type { StepDefinition, StepInputContext } from "../workflow/step-options.js";
import type { RunState } from "./fold-run-log.js";

/** What a step whose dependencies allow it to run does next. */
export type Admission =
  | { kind: "ready" }
  | { kind: "skip" }
  | { kind: "fail"; error: unknown }
  | { kind: "approval"; message: string | undefined };

const ready: Admission = { kind: "ready" };
const skip: Admission = { kind: "skip" };

/**
 * Checks a step's condition (`when`) and approval before it is queued: a false condition
 * skips it; an approval with no decision logged yet asks for one; a rejection, or a
 * condition or message that throws, fails it.
 */
export function admitStep(
  step: StepDefinition,
  run: { input: unknown; results: StepInputContext["results"]; state: RunState },
): Admission {
  const { when, approval } = step.options;
  const context: StepInputContext = {
    input: run.input,
    results: run.results,
    iteration: 1,
    previous: undefined,
  };
  try {
    if (when && !when(context)) return skip;
  } catch (error) {
    return { kind: "fail", error };
  }
  if (!approval) return ready;
  const decision = run.state.approvals[step.id];
  if (decision) {
    if (decision.approved) return ready;
    return {
      kind: "fail",
      error: new ApprovalRejectedError({
        stepId: step.id,
        ...(decision.comment !== undefined ? { comment: decision.comment } : {}),
      }),
    };
  }
  const message = typeof approval === "object" ? approval.message : undefined;
  try {
    return {
      kind: "approval",
      message: typeof message === "function" ? message(context) : message,
    };
  } catch (error) {
    return { kind: "fail", error };
  }
}
