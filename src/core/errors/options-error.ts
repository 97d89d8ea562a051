import { errorMarker } from "./error-marker.js";

const name = "OptionsError";
const marker = errorMarker(name);

/** One problem with an options object: where it is (`options.retry.maxAttempts`) and what was wrong. */
export interface OptionsIssue {
  path: string;
  message: string;
}

/**
 * An options object given to Baton is invalid. Every problem found is in `issues` (not
 * just the first), each with its path; the message lists them all. A `TypeError`, as bad
 * arguments are (it is not a `BatonError`: nothing ran, nothing to recover).
 *
 * @example
 * // agent(): options.retry.maxAttempts: expected an integer >= 1, received 0;
 * //   options.generateDocuments: unknown option "generateDocuments" (known: name, model, ...)
 */
export class OptionsError extends TypeError {
  readonly [marker] = true;
  /** `options-invalid`, for programs. */
  readonly code = "options-invalid";
  /** What was called: `agent()`, `step "draft"`, `new Orchestrator()`. */
  readonly where: string;
  readonly issues: readonly OptionsIssue[];

  constructor(where: string, issues: readonly OptionsIssue[]) {
    super(`${where}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`);
    this.name = name;
    this.where = where;
    this.issues = Object.freeze([...issues]);
  }

  /** Whether `error` is an `OptionsError` (from any copy of the package). */
  static isInstance(error: unknown): error is OptionsError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
