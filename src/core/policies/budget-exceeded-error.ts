import { BatonError } from "../errors/baton-error.js";
import { errorMarker } from "../errors/error-marker.js";

const name = "BudgetExceededError";
const marker = errorMarker(name);

/** What happens when a budget is exceeded: see `BudgetOptions.onExceeded`. */
export type BudgetAction = "stop" | "switch-model" | "pause";

/** A budget (tokens or cents, per run or per agent) would be exceeded by the next model call. */
export class BudgetExceededError extends BatonError {
  readonly [marker] = true;
  readonly scope: "run" | "agent";
  /** The agent whose budget it is, for `scope: "agent"`. */
  readonly agent: string | undefined;
  readonly limit: { maxTokens?: number; maxCents?: number };
  /** Spent so far; `cents` is `null` when some call's price was unknown. */
  readonly spent: { tokens: number; cents: number | null };
  readonly action: BudgetAction;
  readonly switchTo: string | undefined;
  readonly isRetryable = false;

  constructor(options: {
    scope: "run" | "agent";
    agent?: string;
    limit: { maxTokens?: number; maxCents?: number };
    spent: { tokens: number; cents: number | null };
    action: BudgetAction;
    switchTo?: string;
  }) {
    const owner = options.scope === "agent" ? `Agent "${options.agent}"` : "The run";
    super(
      `${owner} would exceed its budget (${describeLimit(options.limit)}; spent ${options.spent.tokens} tokens, ${options.spent.cents ?? "unknown"} cents)`,
      { code: "budget-exceeded" },
    );
    this.name = name;
    this.scope = options.scope;
    this.agent = options.agent;
    this.limit = options.limit;
    this.spent = options.spent;
    this.action = options.action;
    this.switchTo = options.switchTo;
  }

  static override isInstance(error: unknown): error is BudgetExceededError {
    return BatonError.hasMarker(error, marker);
  }
}

function describeLimit(limit: { maxTokens?: number; maxCents?: number }): string {
  const parts: string[] = [];
  if (limit.maxTokens !== undefined) parts.push(`max ${limit.maxTokens} tokens`);
  if (limit.maxCents !== undefined) parts.push(`max ${limit.maxCents} cents`);
  return parts.join(", ");
}
