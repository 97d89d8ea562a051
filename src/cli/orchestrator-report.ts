import type { LoggedEvent, RunRecord, RunStore } from "../core/ports/run-store.js";
import type { Usage } from "../core/usage.js";
import {
  type AgentRole,
  type AgentSpend,
  loadRunTrace,
  orchestratorCost,
  type TraceRun,
} from "../orchestrator/index.js";
import {
  type RunReport,
  runReport,
  type StepReport,
  spendByModel,
  spendByTool,
} from "./run-report.js";

/** Which agents planned: the main agent and the designer (the rest are subagents). */
export interface OrchestratorRoles {
  main: string;
  designer: string;
}

/** A step of an orchestrator run or of one of its planning and delegation runs. */
export interface OrchestratorStepReport extends StepReport {
  /** The run the step belongs to, and that run's workflow (`planning`, `delegation`, ...). */
  runId: string;
  workflow: string | null;
}

/** `baton run --json` of an orchestrator task: a run report over the run and its child runs. */
export interface OrchestratorReport extends Omit<RunReport, "steps" | "cost"> {
  kind: "orchestrator";
  /** Subagents the designer created, each name once (a resumed run may plan them again). */
  subagentsCreated: string[];
  steps: OrchestratorStepReport[];
  cost: RunReport["cost"] & {
    /** The main agent's and the designer's model calls. */
    planningCents: number | null;
    /** The subagents' model calls. */
    subagentCents: number | null;
    byAgent: Record<string, AgentSpend>;
  };
}

/** Whether a stored run is an orchestrator's `process()` run. */
export function isOrchestratorRun(record: RunRecord | undefined): boolean {
  return typeof record?.metadata?.orchestrator === "string";
}

/** The roles `baton run` stored with an orchestrator run, else the orchestrator's defaults. */
export function rolesOf(record: RunRecord | undefined): OrchestratorRoles {
  const stored = record?.metadata?.roles as Partial<OrchestratorRoles> | undefined;
  return { main: stored?.main ?? "main", designer: stored?.designer ?? "designer" };
}

/**
 * Reads an orchestrator run and every run it started (planning, delegations) from the
 * store into one report: the main agent's answer as the output, every step of every run,
 * and the cost split into planning, subagents and tools, by agent, model and tool, summed
 * over every model and tool call of the whole tree.
 */
export async function orchestratorReport(
  store: RunStore,
  runId: string,
  record: RunRecord | undefined,
): Promise<OrchestratorReport> {
  const root = await loadRunTrace({ store, runId });
  const runs = flatten(root);
  const events: LoggedEvent[] = runs.flatMap((run) => run.events);
  const base = runReport(root.events, { runId, record });
  const roles = rolesOf(record);
  const roleOf = (agent: string): AgentRole =>
    agent === roles.main ? "main" : agent === roles.designer ? "designer" : "subagent";
  const { usage, costBreakdown } = orchestratorCost(events, roleOf);
  const steps = runs.flatMap((run) =>
    runReport(run.events, { runId: run.runId }).steps.map((step) => ({
      ...step,
      runId: run.runId,
      workflow: run.state.workflow ?? null,
    })),
  );
  const modelCents =
    costBreakdown.planningCents === null || costBreakdown.subagentCents === null
      ? null
      : costBreakdown.planningCents + costBreakdown.subagentCents;
  return {
    ...base,
    kind: "orchestrator",
    output: contentOf(base.output),
    subagentsCreated: subagentsCreated(events),
    steps,
    usage: usage satisfies Usage,
    cost: {
      modelCents,
      toolCents: costBreakdown.toolCents,
      totalCents: costBreakdown.totalCents,
      unpricedModels: costBreakdown.unpricedModels,
      ...(costBreakdown.possiblyBilledCents !== undefined
        ? { possiblyBilledCents: costBreakdown.possiblyBilledCents }
        : {}),
      planningCents: costBreakdown.planningCents,
      subagentCents: costBreakdown.subagentCents,
      byAgent: costBreakdown.byAgent,
      byModel: spendByModel(events),
      byTool: spendByTool(events),
    },
  };
}

function flatten(run: TraceRun): TraceRun[] {
  return [run, ...run.children.flatMap(flatten)];
}

/** The main step records `{ text, model, usage, cost }`; the answer is its text. */
function contentOf(output: unknown): unknown {
  if (typeof output === "object" && output !== null && "text" in output) {
    return (output as { text: unknown }).text;
  }
  return output;
}

function subagentsCreated(events: readonly LoggedEvent[]): string[] {
  const names = events
    .filter((event) => event.type === "decomposition-end" && Array.isArray(event.agents))
    .flatMap((event) => event.agents as Array<{ name?: unknown }>)
    .map((agent) => agent?.name)
    .filter((name): name is string => typeof name === "string");
  return [...new Set(names)];
}
