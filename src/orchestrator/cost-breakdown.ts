import { addUsage, emptyUsage, type LoggedEvent } from "../engine/index.js";
import type { BatonEvent, CostBreakdown, Usage } from "../index.js";
import type { AgentSpend as AgentSpendReport } from "../views/index.js";

/** Which part of the orchestration an agent played. */
export type AgentRole = "main" | "designer" | "subagent";

/** What one agent spent over a whole `process()` run (as a run report's `cost.byAgent` says). */
export interface AgentSpend extends AgentSpendReport {
  role: AgentRole;
}

/**
 * Where a `process()` run's money went, in US cents. Every figure is a sum over the model
 * calls' reported usage times their price (failed attempts included) and the tools'
 * reported costs; nothing is estimated.
 */
export interface OrchestratorCostBreakdown {
  /** The main agent's and the designer's model calls: deciding what to do. */
  planningCents: number | null;
  /** The subagents' model calls. */
  subagentCents: number | null;
  /** What tools reported (`costInCents`, `reportToolCost`), whoever called them. */
  toolCents: number;
  /** `planningCents + subagentCents + toolCents`; `null` when a price is unknown. */
  totalCents: number | null;
  /** Models with no known price (their calls are not in the cents). */
  unpricedModels: string[];
  /**
   * Calls cut short before their reply, at what they reserved: possibly billed, not in
   * `totalCents`. Absent when none was.
   */
  possiblyBilledCents?: number;
  /** Tokens and cents per agent, by agent name. */
  byAgent: Record<string, AgentSpend>;
}

type AnyEvent = BatonEvent | LoggedEvent;

const plus = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : a + b;

/**
 * Adds up what every agent in a process run spent, from its events (the process run's and
 * its child runs'). `roleOf` says which part an agent played.
 */
export function orchestratorCost(
  events: Iterable<AnyEvent>,
  roleOf: (agent: string, event: AnyEvent) => AgentRole,
): { usage: Usage; costBreakdown: OrchestratorCostBreakdown } {
  const byAgent: Record<string, AgentSpend> = {};
  const unpriced = new Set<string>();
  let usage = emptyUsage();
  let planningCents: number | null = 0;
  let subagentCents: number | null = 0;
  let toolCents = 0;
  let possiblyBilledCents: number | undefined;
  const spendOf = (agent: string, event: AnyEvent): AgentSpend => {
    byAgent[agent] ??= {
      role: roleOf(agent, event),
      usage: emptyUsage(),
      modelCents: 0,
      toolCents: 0,
      modelCalls: 0,
      toolCalls: 0,
    };
    return byAgent[agent];
  };
  for (const event of events) {
    const record = event as LoggedEvent;
    const agent = typeof record.agent === "string" ? record.agent : undefined;
    if (agent === undefined) continue;
    if (event.type === "model-call-end" || event.type === "model-call-error") {
      const spend = spendOf(agent, event);
      spend.modelCalls++;
      const callUsage = record.usage as Usage | undefined;
      const cost = record.cost as CostBreakdown | undefined;
      if (callUsage) {
        spend.usage = addUsage(spend.usage, callUsage);
        usage = addUsage(usage, callUsage);
      }
      const cents = cost ? cost.modelCents : 0;
      for (const model of cost?.unpricedModels ?? []) unpriced.add(model);
      if (cost?.possiblyBilledCents !== undefined) {
        spend.possiblyBilledCents = (spend.possiblyBilledCents ?? 0) + cost.possiblyBilledCents;
        possiblyBilledCents = (possiblyBilledCents ?? 0) + cost.possiblyBilledCents;
      }
      spend.modelCents = plus(spend.modelCents, cents);
      if (spend.role === "subagent") subagentCents = plus(subagentCents, cents);
      else planningCents = plus(planningCents, cents);
    } else if (event.type === "tool-call-end" || event.type === "tool-call-error") {
      const spend = spendOf(agent, event);
      spend.toolCalls++;
      const cents = typeof record.costCents === "number" ? record.costCents : 0;
      spend.toolCents += cents;
      toolCents += cents;
    }
  }
  return {
    usage,
    costBreakdown: {
      planningCents,
      subagentCents,
      toolCents,
      totalCents: plus(plus(planningCents, subagentCents), toolCents),
      unpricedModels: [...unpriced],
      ...(possiblyBilledCents !== undefined ? { possiblyBilledCents } : {}),
      byAgent,
    },
  };
}
