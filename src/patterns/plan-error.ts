import { errorMarker } from "../engine/index.js";
import { BatonError, type CostBreakdown, type Usage } from "../index.js";

const name = "PlanError";
const marker = errorMarker(name);

/** One problem with a plan, named by its path (`agents[0].tools[1]`; empty for the plan). */
export interface PlanIssue {
  path: string;
  message: string;
}

/**
 * A plan cannot run: a subtask names an unknown agent, tool or dependency, two share an id,
 * or the dependencies form a cycle; or a designer could not produce a valid plan within its
 * attempts. Nothing of the plan ran. `issues` lists every problem (of the last attempt).
 */
export class PlanError extends BatonError {
  readonly [marker] = true;
  readonly issues: readonly PlanIssue[];
  /** Designer attempts made (0 when no designer was asked). */
  readonly attempts: number;
  /** What a failed planning spent. */
  readonly usage: Usage | undefined;
  readonly cost: CostBreakdown | undefined;
  readonly isRetryable = false;

  constructor(
    summary: string,
    options: {
      issues: readonly PlanIssue[];
      attempts?: number;
      usage?: Usage;
      cost?: CostBreakdown;
      cause?: unknown;
    },
  ) {
    const lines = options.issues.map((issue) => `  ${issue.path || "(plan)"}: ${issue.message}`);
    super(`${summary}${lines.length > 0 ? `:\n${lines.join("\n")}` : ""}`, {
      cause: options.cause,
      code: "plan-invalid",
    });
    this.name = name;
    this.issues = Object.freeze([...options.issues]);
    this.attempts = options.attempts ?? 0;
    this.usage = options.usage;
    this.cost = options.cost;
  }

  /** Every problem as one sentence (with its path, when it has one). */
  get problems(): readonly string[] {
    return this.issues.map((issue) =>
      issue.path ? `${issue.path}: ${issue.message}` : issue.message,
    );
  }

  static override isInstance(error: unknown): error is PlanError {
    return BatonError.hasMarker(error, marker);
  }
}
