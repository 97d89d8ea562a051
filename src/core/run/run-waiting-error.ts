import { BatonError } from "../errors/baton-error.js";
import { errorMarker } from "../errors/error-marker.js";

const name = "RunWaitingError";
const marker = errorMarker(name);

/**
 * Thrown by `context.run()` in a function step when what it ran must wait (an approval, a
 * budget pause): the step stops there and the run waits; the step runs again when the run
 * resumes. Only unwinds the step's code: the engine reads the wait off the run, not off
 * this error, so catching it changes nothing.
 */
export class RunWaitingError extends BatonError {
  readonly [marker] = true;
  readonly reason: string;

  constructor(options: { stepId: string; runnable: string; reason: string }) {
    super(
      `"${options.runnable}" in step "${options.stepId}" waits (${options.reason}); the step runs again when the run resumes`,
      { code: "run-waiting" },
    );
    this.name = name;
    this.reason = options.reason;
  }

  static override isInstance(error: unknown): error is RunWaitingError {
    return BatonError.hasMarker(error, marker);
  }
}
