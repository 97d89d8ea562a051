import { BatonError } from "../index.js";

const marker = Symbol.for("baton.error.plan");

/**
 * A decomposition cannot run: a subtask names an unknown agent or dependency, two
 * subtasks share an id, or the dependencies form a cycle. Nothing of the plan ran.
 */
export class PlanError extends BatonError {
  readonly [marker] = true;
  /** Every problem found, one sentence each. */
  readonly problems: readonly string[];
  readonly isRetryable = false;

  constructor(problems: readonly string[]) {
    super(`The plan cannot run: ${problems.join("; ")}`);
    this.name = "PlanError";
    this.problems = Object.freeze([...problems]);
  }

  static override isInstance(error: unknown): error is PlanError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
