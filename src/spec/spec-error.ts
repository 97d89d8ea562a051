import { BatonError } from "../core/errors/baton-error.js";
import { ConfigurationError } from "../core/errors/configuration-error.js";
import { errorMarker } from "../core/errors/error-marker.js";

const name = "SpecError";
const marker = errorMarker(name);

/** One problem found in a spec: where it is and what was expected. */
export interface SpecIssue {
  /** Where in the spec, as `steps[1].dependsOn[0]` or `agents.writer.model`; `""` for the whole document. */
  path: string;
  message: string;
  /** 1-based line and column in the source text, when known. */
  line?: number;
  column?: number;
}

/**
 * A spec (workflow or orchestrator) is invalid. Every problem found is in `issues` (not just the first),
 * each naming its path in the spec; the message lists them all.
 *
 * @example
 * // Invalid spec research.yaml (1 problem):
 * //   steps[1].dependsOn[0] (line 14, column 17): unknown step "factz" (known: facts, draft)
 */
export class SpecError extends ConfigurationError {
  readonly [marker] = true;
  readonly issues: readonly SpecIssue[];
  /** Where the spec came from (a file path), when known. */
  readonly source: string | undefined;

  constructor(issues: readonly SpecIssue[], options: { source?: string; cause?: unknown } = {}) {
    const count = issues.length;
    const where = options.source ? ` ${options.source}` : "";
    const lines = issues.map((issue) => `  ${formatIssue(issue)}`);
    super(
      `Invalid spec${where} (${count} problem${count === 1 ? "" : "s"}):\n${lines.join("\n")}`,
      {
        ...(issues[0] ? { path: issues[0].path } : {}),
        cause: options.cause,
        code: "spec-invalid",
      },
    );
    this.name = name;
    this.issues = Object.freeze([...issues]);
    this.source = options.source;
  }

  static override isInstance(error: unknown): error is SpecError {
    return BatonError.hasMarker(error, marker);
  }
}

/** `steps[1].dependsOn[0] (line 14, column 17): unknown step "factz"` */
export function formatIssue(issue: SpecIssue): string {
  const position =
    issue.line !== undefined
      ? ` (line ${issue.line}${issue.column !== undefined ? `, column ${issue.column}` : ""})`
      : "";
  const path = issue.path === "" ? "(spec)" : issue.path;
  return `${path}${position}: ${issue.message}`;
}
