import type { BudgetSpent } from "../policies/budget.js";
import { spendCeiling } from "../usage.js";
import type { CompiledGraph } from "../workflow/compile-graph.js";
import type { RunState } from "./fold-run-log.js";

/**
 * What a resumed state already spent (possibly billed included), for the run and per agent
 * (by the agent steps' names).
 */
export function spentSoFar(state: RunState, graph: CompiledGraph): BudgetSpent {
  const perAgent: Record<string, { tokens: number; cents: number | null }> = {};
  for (const step of graph.steps) {
    const record = state.steps[step.id];
    if (step.kind !== "agent" || !record) continue;
    const name = (step.run as { name: string }).name;
    perAgent[name] ??= { tokens: 0, cents: 0 };
    const spent = perAgent[name];
    const ceiling = spendCeiling(record.usage, record.cost);
    spent.tokens += ceiling.tokens;
    spent.cents =
      spent.cents === null || ceiling.cents === null ? null : spent.cents + ceiling.cents;
  }
  return { ...spendCeiling(state.usage, state.cost), perAgent };
}
