import type { Outcome } from "../outcome.js";
import type { AttemptHost, StepAttempt, StepDispatcher } from "../ports/step-dispatcher.js";
import { failedWithoutSpend } from "./execute-step.js";

/**
 * The default dispatcher: runs each attempt right here, in this process, with the owner's
 * context. Nothing is copied or serialised, and a function step that returns at once
 * settles at once.
 */
export const inlineDispatcher: StepDispatcher = {
  dispatch(attempt: StepAttempt, host: AttemptHost): void {
    let pending: Outcome | Promise<Outcome>;
    try {
      pending = attempt.run();
    } catch (error) {
      host.settle(failedWithoutSpend(error));
      return;
    }
    if (pending instanceof Promise) {
      pending.then(
        (outcome) => host.settle(outcome),
        (error) => host.settle(failedWithoutSpend(error)),
      );
    } else {
      host.settle(pending);
    }
  },
};
