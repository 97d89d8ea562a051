import type { SerializedError } from "../core/events.js";
import type { LoggedEvent, RunStatus } from "../core/ports/run-store.js";
import type { StepRecord } from "../core/run/fold-run-log.js";
import type { CostBreakdown, Usage } from "../core/usage.js";
import { isoTime } from "./format-values.js";
import { addEventSpend, emptySpend, isSpendEvent, type Spend } from "./run-spend.js";
import { loadRunTrace, type TraceSource } from "./run-trace.js";
import {
  type AgentRole,
  allRuns,
  type RunKind,
  type RunView,
  roleOf,
  viewRun,
} from "./run-view.js";

/** One step of a run of the tree, as `--json` prints it. */
export interface StepReport {
  id: string;
  /** The run the step belongs to, and that run's workflow (`planning`, `delegation`, ...). */
  runId: string;
  workflow: string | null;
  status: StepRecord["status"];
  attempts: number;
  /** The model that answered (agent steps), else `null`. */
  model: string | null;
  /** ISO 8601 times, `null` when the step never started / has not ended. */
  start: string | null;
  end: string | null;
  durationMs: number | null;
  /** The step's usage and cost as its run's log records them (a sub-run's included). */
  usage: Usage;
  cost: CostBreakdown;
  error?: SerializedError;
  skipReason?: string;
}

/** Model calls of one model, failed attempts included. */
export interface ModelSpend {
  calls: number;
  failedCalls: number;
  usage: Usage;
  /** `null` when the model's price is unknown. */
  cents: number | null;
  /**
   * Calls cut short before their reply, at what they reserved: the provider may have billed
   * them. Not in the cents; absent when none was.
   */
  possiblyBilledCents?: number;
}

/** Tool calls of one tool. */
export interface ToolSpend {
  calls: number;
  failedCalls: number;
  /** What the tool reported it cost. */
  cents: number;
}

/** What one agent spent over the whole tree. */
export interface AgentSpend {
  role: AgentRole;
  /** Tokens of every model call, failed attempts and memory summaries included. */
  usage: Usage;
  /** US cents for its model calls; `null` when a model's price is unknown. */
  modelCents: number | null;
  /** US cents its tools reported. */
  toolCents: number;
  /**
   * Calls cut short before their reply, at what they reserved: the provider may have billed
   * them. Not in the cents; absent when none was.
   */
  possiblyBilledCents?: number;
  modelCalls: number;
  toolCalls: number;
}

/** A step waiting for a human decision. */
export interface WaitingApproval {
  stepId: string;
  toolCallId?: string;
  message?: string;
}

/**
 * One run and every run it started (sub-workflows; an orchestrator's planning and
 * delegation runs): what `baton run --json` and `baton show --json` print.
 */
export interface RunReport {
  /** `orchestrator` for an orchestrator's process run, else `workflow`. */
  kind: "workflow" | "orchestrator";
  runId: string;
  workflow: string | null;
  status: RunStatus;
  /** The run's output; for an orchestrator run, the main agent's answer. */
  output: unknown;
  error?: SerializedError;
  /** Why a waiting run waits (`approval`, `budget-exceeded`). */
  waitReason?: string;
  /** Approvals asked for and not yet decided. */
  waitingFor?: WaitingApproval[];
  start: string | null;
  end: string | null;
  durationMs: number | null;
  /** Orchestrator runs: the subagents the designer created, each name once. */
  subagentsCreated?: string[];
  /** Every step of every run of the tree, the run's own first. */
  steps: StepReport[];
  /** Tokens of every model call of the tree. */
  usage: Usage;
  /**
   * The cost of every model and tool call of the tree (`totalCents` = model + tool cents,
   * `null` when a model's price is unknown), by model, by tool and by agent.
   */
  cost: CostBreakdown & {
    /** Orchestrator runs: the main agent's and the designer's model calls. */
    planningCents?: number | null;
    /** Orchestrator runs: the subagents' model calls. */
    subagentCents?: number | null;
    byModel: Record<string, ModelSpend>;
    byTool: Record<string, ToolSpend>;
    byAgent: Record<string, AgentSpend>;
  };
}

const possiblyBilled = (spend: Spend) =>
  spend.possiblyBilledCents !== undefined ? { possiblyBilledCents: spend.possiblyBilledCents } : {};

const plus = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : a + b;

const duration = (start: number | undefined, end: number | undefined) =>
  start !== undefined && end !== undefined ? end - start : null;

function stepReports(run: RunView): StepReport[] {
  return run.steps.map(({ record: step }) => ({
    id: step.id,
    runId: run.runId,
    workflow: run.trace.state.workflow ?? null,
    status: step.status,
    attempts: step.attempts,
    model: step.model ?? null,
    start: isoTime(step.startedAt),
    end: isoTime(step.endedAt),
    durationMs: duration(step.startedAt, step.endedAt),
    usage: step.usage,
    cost: step.cost,
    ...(step.error && step.status !== "succeeded" ? { error: step.error } : {}),
    ...(step.skipReason ? { skipReason: step.skipReason } : {}),
  }));
}

/** The spend of every call of the tree: in all, and by model, tool and agent. */
function costOf(runs: readonly RunView[]) {
  const total = emptySpend();
  const models = new Map<string, Spend>();
  const tools = new Map<string, Spend>();
  const agents = new Map<string, { role: AgentRole; spend: Spend }>();
  const add = (groups: Map<string, Spend>, key: string, event: LoggedEvent) => {
    const spend = groups.get(key) ?? emptySpend();
    addEventSpend(spend, event);
    groups.set(key, spend);
  };
  for (const run of runs) {
    for (const event of run.trace.events) {
      if (!isSpendEvent(event)) continue;
      addEventSpend(total, event);
      if (event.type.startsWith("model-call-")) add(models, String(event.model), event);
      else add(tools, String(event.tool), event);
      if (typeof event.agent !== "string") continue;
      const agent = agents.get(event.agent) ?? { role: roleOf(run.kind), spend: emptySpend() };
      addEventSpend(agent.spend, event);
      agents.set(event.agent, agent);
    }
  }
  const rows = <T>(groups: Map<string, Spend>, row: (spend: Spend) => T) =>
    Object.fromEntries([...groups].map(([key, spend]) => [key, row(spend)]));
  return {
    total,
    byModel: rows<ModelSpend>(models, (spend) => ({
      calls: spend.modelCalls,
      failedCalls: spend.failedModelCalls,
      usage: spend.usage,
      cents: spend.modelCents,
      ...possiblyBilled(spend),
    })),
    byTool: rows<ToolSpend>(tools, (spend) => ({
      calls: spend.toolCalls,
      failedCalls: spend.failedToolCalls,
      cents: spend.toolCents,
    })),
    byAgent: Object.fromEntries(
      [...agents].map(([name, { role, spend }]): [string, AgentSpend] => [
        name,
        {
          role,
          usage: spend.usage,
          modelCents: spend.modelCents,
          toolCents: spend.toolCents,
          ...possiblyBilled(spend),
          modelCalls: spend.modelCalls,
          toolCalls: spend.toolCalls,
        },
      ]),
    ),
  };
}

/** Approval requests in a log that no decision has answered yet. */
export function pendingApprovalsOf(events: readonly LoggedEvent[]): WaitingApproval[] {
  const open = new Map<string, WaitingApproval>();
  const key = (event: LoggedEvent) => `${String(event.stepId)}\u0000${String(event.toolCallId)}`;
  for (const event of events) {
    if (event.type === "approval-request") {
      open.set(key(event), {
        stepId: String(event.stepId),
        ...(typeof event.toolCallId === "string" ? { toolCallId: event.toolCallId } : {}),
        ...(typeof event.message === "string" ? { message: event.message } : {}),
      });
    } else if (event.type === "approval-decision") open.delete(key(event));
  }
  return [...open.values()];
}

/** An orchestrator's main step records `{ text, model, usage, cost }`; the answer is its text. */
function answerOf(kind: RunReport["kind"], output: unknown): unknown {
  if (
    kind === "orchestrator" &&
    typeof output === "object" &&
    output !== null &&
    "text" in output
  ) {
    return (output as { text: unknown }).text;
  }
  return output;
}

function subagentsCreated(runs: readonly RunView[]): string[] {
  return [...new Set(runs.flatMap((run) => run.plannedAgents.map((agent) => agent.name)))];
}

/** The report of a run view (see `runReport`). */
export function reportOf(root: RunView): RunReport {
  const { state } = root.trace;
  const runs = allRuns(root);
  const kind: Extract<RunKind, "workflow" | "orchestrator"> =
    root.kind === "orchestrator" ? "orchestrator" : "workflow";
  const waitingFor = state.status === "waiting" ? pendingApprovalsOf(root.trace.events) : [];
  const { total, byModel, byTool, byAgent } = costOf(runs);
  const centsOf = (roles: readonly AgentRole[]) =>
    Object.values(byAgent)
      .filter((agent) => roles.includes(agent.role))
      .reduce<number | null>((sum, agent) => plus(sum, agent.modelCents), 0);
  return {
    kind,
    runId: root.runId,
    workflow: state.workflow ?? null,
    status: state.status,
    output: answerOf(kind, state.output ?? null),
    ...(state.error ? { error: state.error } : {}),
    ...(state.waitReason ? { waitReason: state.waitReason } : {}),
    ...(waitingFor.length > 0 ? { waitingFor } : {}),
    start: isoTime(state.startedAt),
    end: isoTime(state.endedAt),
    durationMs: duration(state.startedAt, state.endedAt),
    ...(kind === "orchestrator" ? { subagentsCreated: subagentsCreated(runs) } : {}),
    steps: runs.flatMap(stepReports),
    usage: total.usage,
    cost: {
      modelCents: total.modelCents,
      toolCents: total.toolCents,
      totalCents: total.totalCents,
      unpricedModels: total.unpricedModels,
      ...possiblyBilled(total),
      ...(kind === "orchestrator"
        ? {
            planningCents: centsOf(["main", "designer"]),
            subagentCents: centsOf(["subagent", "agent"]),
          }
        : {}),
      byModel,
      byTool,
      byAgent,
    },
  };
}

/**
 * Reads a run and every run it started into one report: its status and output, every step
 * of every run (status, attempts, model, times, usage, cost), and the cost of every model
 * and tool call of the tree, by model, by tool and by agent. For an orchestrator run, also
 * the subagents created and the cost split into planning and subagents.
 * @example
 * const { cost } = await runReport({ store, runId });
 * console.log(cost.totalCents); // model and tool cents of the whole tree
 */
export async function runReport(source: TraceSource): Promise<RunReport> {
  return reportOf(viewRun(await loadRunTrace(source)));
}
