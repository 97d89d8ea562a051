import type { Outcome } from "../outcome.js";
import type { RunContext } from "../run-context.js";
import type { Runnable } from "../runnable.js";
import type { StepDefinition, StepFunction } from "../workflow/step-options.js";
import { noCost, noUsage } from "./fold-run-log.js";
import { type FunctionStepAttempt, FunctionStepContext } from "./function-step-context.js";

/**
 * Runs one attempt of a step, of any kind, under `context`, and says how it ended. What
 * every dispatcher runs in the end, in this process or another. A function step that
 * returns a value at once settles at once (no promise): most steps of a big workflow are
 * quick functions.
 */
export function executeStep(
  step: StepDefinition,
  attempt: FunctionStepAttempt,
  context: RunContext,
): Outcome | Promise<Outcome> {
  if (step.kind === "function") {
    const stepContext = new FunctionStepContext(attempt, context, step.checkOptions);
    let value: unknown;
    try {
      value = (step.run as StepFunction)(stepContext);
    } catch (error) {
      return stepContext.failed(error);
    }
    if (value !== null && typeof (value as PromiseLike<unknown>)?.then === "function") {
      return Promise.resolve(value).then(
        (output) => stepContext.succeeded(output),
        // What its runs spent is billed to the step, also when it stopped waiting for them.
        (error) => stepContext.endRuns(error).then(() => stepContext.failed(error)),
      );
    }
    return stepContext.succeeded(value);
  }
  let pending: Promise<Outcome>;
  try {
    pending = (step.run as Runnable<unknown>).execute(attempt.input, context);
  } catch (error) {
    return failedWithoutSpend(error);
  }
  return Promise.resolve(pending).then(
    (outcome) =>
      // A tool call of the step asked for approval: however the runnable reported the stop,
      // the step waits for the decision (the call did not run, so no answer is complete).
      context.approvals.pending
        ? { status: "waiting", reason: "tool-approval", usage: outcome.usage, cost: outcome.cost }
        : outcome,
    failedWithoutSpend,
  );
}

/** A failure that spent nothing (the work threw before it could report its spend). */
export function failedWithoutSpend(error: unknown): Exclude<Outcome, { status: "succeeded" }> {
  return {
    status: "failed",
    error: error instanceof Error ? error : new Error(String(error)),
    usage: noUsage,
    cost: noCost,
  };
}
