/**
 * Shared by the pattern examples: which model to use, and how to print what a run spent.
 * Not an example itself.
 */
import type { CostBreakdown, Usage } from "../../../src/index.js";

/**
 * The model for an example agent: offline and deterministic (`simulated:<name>`), or
 * openai:gpt-4o-mini when OPENAI_API_KEY is set.
 */
export function modelFor(name: string): string {
  return process.env.OPENAI_API_KEY ? "openai:gpt-4o-mini" : `simulated:${name}`;
}

/** `text` on one line, cut to `length` characters. */
export function short(text: string, length = 110): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= length ? flat : `${flat.slice(0, length - 1)}…`;
}

/** Prints a run's step count, tokens and cost. */
export function printSpend(result: {
  steps: Record<string, unknown>;
  usage: Usage;
  cost: CostBreakdown;
}): void {
  const { usage, cost } = result;
  const cents = cost.totalCents === null ? "unknown" : `${cost.totalCents.toFixed(4)}¢`;
  const steps = Object.keys(result.steps).length;
  console.log(
    `Spent: ${usage.totalTokens} tokens (${usage.inputTokens} in, ${usage.outputTokens} out) in ${steps} step${steps === 1 ? "" : "s"}; cost ${cents}`,
  );
}
