import type { BudgetSpent } from "../policies/budget.js";
import type { CompiledGraph } from "../workflow/compile-graph.js";
import type { RunState } from "./fold-run-log.js";

/** What a resumed state already spent, for the run and per agent (by the agent steps' names). */
export function spentSoFar(state: RunState, graph: CompiledGraph): BudgetSpent {
  const perAgent: Record<string, { tokens: number; cents: number | null }> = {};
  for (const step of graph.steps) {
    const record = state.steps[step.id];
    if (step.kind !== "agent" || !record) continue;
    const name = (step.run as { name: string }).name;
    perAgent[name] ??= { tokens: 0, cents: 0 };
    const spent = perAgent[name];
    spent.tokens += record.usage.totalTokens;
    spent.cents =
      spent.cents === null || record.cost.totalCents === null
        ? null
        : spent.cents + record.cost.totalCents;
  }
  return { tokens: state.usage.totalTokens, cents: state.cost.totalCents, perAgent };
}
