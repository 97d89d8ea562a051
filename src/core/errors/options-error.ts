import { BatonError } from "./baton-error.js";
import { ConfigurationError } from "./configuration-error.js";
import { errorMarker } from "./error-marker.js";

const name = "OptionsError";
const marker = errorMarker(name);

/** One problem with an options object: where in it (`retry.maxAttempts`) and what was wrong. */
export interface OptionsIssue {
  /** The option's path in the object, `""` for the object itself. */
  path: string;
  message: string;
}

/**
 * An options object given in code is invalid. Every problem found is in `issues` (not
 * just the first), each with its path; unknown options are problems too, with the
 * closest known one when there is one. Nothing has run yet.
 *
 * @example
 * // Invalid options for agent("writer") (2 problems):
 * //   retry: expected a number of attempts or { maxAttempts, ... }, received -1
 * //   generateDocuments: unknown option "generateDocuments" (known: name, model, ...)
 */
export class OptionsError extends ConfigurationError {
  readonly [marker] = true;
  /** What was given the options: `agent("writer")`, `step "draft"`, `flow.start()`. */
  readonly where: string;
  readonly issues: readonly OptionsIssue[];

  constructor(where: string, issues: readonly OptionsIssue[]) {
    const count = issues.length;
    const lines = issues.map(
      (issue) => `  ${issue.path === "" ? "(options)" : issue.path}: ${issue.message}`,
    );
    super(
      `Invalid options for ${where} (${count} problem${count === 1 ? "" : "s"}):\n${lines.join("\n")}`,
      { ...(issues[0] ? { path: issues[0].path } : {}), code: "options-invalid" },
    );
    this.name = name;
    this.where = where;
    this.issues = Object.freeze([...issues]);
  }

  static override isInstance(error: unknown): error is OptionsError {
    return BatonError.hasMarker(error, marker);
  }
}
