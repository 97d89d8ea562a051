import {
  addUsage,
  emptyUsage,
  type LoggedEvent,
  type SerializedError,
} from "../../engine/index.js";
import type { CostBreakdown, StepRecord, Usage } from "../../index.js";
import type { PlanIssue } from "../../patterns/index.js";
import type { DelegationTask } from "../check-tasks.js";
import { DELEGATE_TOOL, PLAN_TOOL } from "../orchestration-tools.js";
import type { TraceRun } from "./run-trace.js";

/** What a run was, in an orchestration. */
export type RunKind = "orchestrator" | "planning" | "delegation" | "workflow";

/** One tool call and the runs it started. */
export interface ToolCallView {
  toolCallId: string;
  agent: string;
  tool: string;
  input: unknown;
  output?: unknown;
  error?: SerializedError;
  /** `true` succeeded, `false` failed, `undefined` never ended. */
  ok: boolean | undefined;
  durationMs: number | undefined;
  costCents: number | undefined;
  /** Planning and delegation runs this call started. */
  runs: RunView[];
}

/** What one agent spent within a step. */
export interface AgentSpendView {
  agent: string;
  model: string | undefined;
  usage: Usage;
  /** `null` when a model's price is unknown. */
  cents: number | null;
  modelCalls: number;
  failedCalls: number;
}

export interface StepView {
  id: string;
  record: StepRecord;
  /** Agents that ran in the step (its own, and subagents it called as tools). */
  agents: AgentSpendView[];
  toolCalls: ToolCallView[];
  /** For a delegation run: the task the step ran. */
  task: DelegationTask | undefined;
  /** Sub-workflow runs of this step. */
  runs: RunView[];
}

/** A planning attempt: accepted, or rejected with its problems. */
export interface PlanAttemptView {
  attempt: number;
  issues: PlanIssue[];
}

export interface RunView {
  trace: TraceRun;
  kind: RunKind;
  runId: string;
  workflow: string;
  steps: StepView[];
  /** Child runs not attached to a tool call or a step. */
  runs: RunView[];
  /** For planning runs: the rejected attempts (from the parent's `custom:plan-rejected`). */
  rejections: PlanAttemptView[];
  /** For planning runs: the accepted plan's agents and the tools each got. */
  plannedAgents: Array<{ name: string; tools: string[] }>;
  /** For delegation runs: where the tasks came from. */
  source: "delegate" | "plan" | undefined;
  /** The main agent's tool call that started this run (planning and delegation runs). */
  toolCallId: string | undefined;
}

function inputField(run: TraceRun, field: string): unknown {
  const input = run.state.input;
  return typeof input === "object" && input !== null
    ? (input as Record<string, unknown>)[field]
    : undefined;
}

function kindOf(run: TraceRun): RunKind {
  const kind = inputField(run, "kind");
  if (kind === "planning" || kind === "delegation") return kind;
  const orchestrates =
    run.children.some((child) => {
      const childKind = inputField(child, "kind");
      return childKind === "planning" || childKind === "delegation";
    }) ||
    run.events.some(
      (event) =>
        event.type === "tool-call-start" &&
        (event.tool === DELEGATE_TOOL || event.tool === PLAN_TOOL),
    );
  return orchestrates ? "orchestrator" : "workflow";
}

function toolCallsOf(events: readonly LoggedEvent[]): ToolCallView[] {
  const calls = new Map<string, ToolCallView>();
  for (const event of events) {
    const id = String(event.toolCallId);
    if (event.type === "tool-call-start") {
      calls.set(id, {
        toolCallId: id,
        agent: String(event.agent),
        tool: String(event.tool),
        input: event.input,
        ok: undefined,
        durationMs: undefined,
        costCents: undefined,
        runs: [],
      });
      continue;
    }
    const call = calls.get(id);
    if (!call) continue;
    if (event.type === "tool-call-end") {
      call.ok = true;
      call.output = event.output;
      if (typeof event.costCents === "number") call.costCents = event.costCents;
    } else if (event.type === "tool-call-error") {
      call.ok = false;
      call.error = event.error as SerializedError;
    } else continue;
    if (typeof event.durationMs === "number") call.durationMs = event.durationMs;
  }
  return [...calls.values()];
}

function agentsOf(events: readonly LoggedEvent[]): AgentSpendView[] {
  const agents = new Map<string, AgentSpendView>();
  for (const event of events) {
    if (typeof event.agent !== "string") continue;
    let view = agents.get(event.agent);
    if (!view && (event.type === "agent-start" || event.type.startsWith("model-call-"))) {
      view = {
        agent: event.agent,
        model: typeof event.model === "string" ? event.model : undefined,
        usage: emptyUsage(),
        cents: 0,
        modelCalls: 0,
        failedCalls: 0,
      };
      agents.set(event.agent, view);
    }
    if (!view) continue;
    if (event.type === "model-call-end" || event.type === "model-call-error") {
      view.modelCalls++;
      if (event.type === "model-call-error") view.failedCalls++;
      else if (typeof event.model === "string") view.model = event.model;
      if (event.usage) view.usage = addUsage(view.usage, event.usage as Usage);
      const cents = (event.cost as CostBreakdown | undefined)?.modelCents ?? 0;
      view.cents = view.cents === null || cents === null ? null : view.cents + cents;
    }
  }
  return [...agents.values()];
}

/**
 * Reads a trace as an orchestration: the process run's main agent and its tool calls, the
 * planning and delegation runs each call started, each task's subagent and tool calls. A
 * plain workflow run reads as its steps, with their agents, tool calls and sub-workflows.
 */
export function viewRun(run: TraceRun): RunView {
  const children = run.children.map(viewRun);
  const tasks = inputField(run, "tasks");
  const taskById = new Map<string, DelegationTask>(
    Array.isArray(tasks) ? (tasks as DelegationTask[]).map((task) => [task.id, task]) : [],
  );
  const order = new Map<string, number>();
  for (const event of run.events) {
    if (
      event.type === "step-start" &&
      typeof event.stepId === "string" &&
      !order.has(event.stepId)
    ) {
      order.set(event.stepId, order.size);
    }
  }
  const attached = new Set<RunView>();
  const steps = Object.values(run.state.steps)
    .sort((a, b) => (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity))
    .map((record): StepView => {
      const events = run.events.filter((event) => event.stepId === record.id);
      const toolCalls = toolCallsOf(events);
      for (const call of toolCalls) {
        // A call plans before it delegates, whatever order the store lists its runs in.
        call.runs = children
          .filter((child) => child.toolCallId === call.toolCallId)
          .sort((a, b) => Number(b.kind === "planning") - Number(a.kind === "planning"));
        for (const child of call.runs) attached.add(child);
      }
      return {
        id: record.id,
        record,
        agents: agentsOf(events),
        toolCalls,
        task: taskById.get(record.id),
        runs: [],
      };
    });
  // Sub-workflow steps: a child run that started while the step ran, not started by a tool call.
  for (const child of children) {
    if (attached.has(child)) continue;
    const startedAt = child.trace.state.startedAt;
    const step = steps.find(
      (candidate) =>
        candidate.record.startedAt !== undefined &&
        startedAt !== undefined &&
        startedAt >= candidate.record.startedAt &&
        (candidate.record.endedAt === undefined || startedAt <= candidate.record.endedAt) &&
        candidate.toolCalls.length === 0,
    );
    if (step && child.kind === "workflow") {
      step.runs.push(child);
      attached.add(child);
    }
  }
  const view: RunView = {
    trace: run,
    kind: kindOf(run),
    runId: run.runId,
    workflow: run.state.workflow ?? "?",
    steps,
    runs: children.filter((child) => !attached.has(child)),
    rejections: [],
    plannedAgents: [],
    source: inputField(run, "source") as RunView["source"],
    toolCallId: inputField(run, "toolCallId") as string | undefined,
  };
  // Planning verdicts are logged in the process run, by the tool call that asked for the plan.
  for (const event of run.events) {
    const data = (
      event as { data?: { toolCallId?: string; attempt?: number; issues?: PlanIssue[] } }
    ).data;
    const toolCallId = (data?.toolCallId ?? event.toolCallId) as string | undefined;
    const planning = children.find(
      (child) => child.kind === "planning" && child.toolCallId === toolCallId,
    );
    if (!planning) continue;
    if (event.type === "custom:plan-rejected" && data) {
      planning.rejections.push({
        attempt: data.attempt ?? planning.rejections.length + 1,
        issues: data.issues ?? [],
      });
    } else if (event.type === "decomposition-end" && Array.isArray(event.agents)) {
      planning.plannedAgents = (event.agents as Array<{ name: string; tools?: string[] }>).map(
        (agent) => ({ name: agent.name, tools: agent.tools ?? [] }),
      );
    }
  }
  return view;
}

/** Every run of a view, depth-first. */
export function allRuns(view: RunView): RunView[] {
  const nested = [
    ...view.steps.flatMap((step) => [...step.toolCalls.flatMap((call) => call.runs), ...step.runs]),
    ...view.runs,
  ];
  return [view, ...nested.flatMap(allRuns)];
}
