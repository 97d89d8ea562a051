import { BatonError, type CostBreakdown, type Usage } from "../index.js";

const marker = Symbol.for("baton.error.plan");

/** One problem with a plan or a delegation, named by its path (`agents[0].tools[1]`). */
export interface PlanIssue {
  path: string;
  message: string;
}

/**
 * The designer could not produce a valid plan within `maxPlanAttempts`, or a delegation's
 * tasks are invalid (unknown agents or tasks, cycles). `issues` lists every problem of the
 * last attempt; the main agent sees the message as the tool call's error.
 */
export class PlanError extends BatonError {
  readonly [marker] = true;
  readonly issues: readonly PlanIssue[];
  /** Designer attempts made (0 for an invalid delegation). */
  readonly attempts: number;
  /** What the failed planning spent. */
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
    });
    this.name = "PlanError";
    this.issues = Object.freeze([...options.issues]);
    this.attempts = options.attempts ?? 0;
    this.usage = options.usage;
    this.cost = options.cost;
  }

  static override isInstance(error: unknown): error is PlanError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
