import type { SerializedError } from "../core/events.js";
import type { LoggedEvent } from "../core/ports/run-store.js";
import type { StepRecord } from "../core/run/fold-run-log.js";
import { addEventSpend, emptySpend, type Spend, spendOf } from "./run-spend.js";
import type { TraceRun } from "./run-trace.js";

/**
 * What a run was: an orchestrator's process run, its planning and delegation runs (told
 * by their input's `kind`), or any other workflow run.
 */
export type RunKind = "orchestrator" | "planning" | "delegation" | "workflow";

/** Which part an agent played: by the kind of run its calls were made in. */
export type AgentRole = "main" | "designer" | "subagent" | "agent";

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
  /** What the tool reported it cost, if anything. */
  costCents: number | undefined;
  /** Planning and delegation runs this call started. */
  runs: RunView[];
}

/** What one agent spent within a step: its model calls and the tools it called. */
export interface AgentSpendView extends Spend {
  agent: string;
  /** The model that answered last (after a fallback, the fallback). */
  model: string | undefined;
}

/** A task of a delegation run, as its input records it. */
export interface TaskView {
  id: string;
  agent: string;
  description?: string;
  mode: "parallel" | "sequential";
  dependsOn: string[];
}

/** A problem the orchestrator found in a rejected plan. */
export interface PlanProblemView {
  path: string;
  message: string;
}

export interface StepView {
  id: string;
  record: StepRecord;
  /** Steps this one waited for: a delegation task's, or those its run's spec recorded. */
  dependsOn: string[];
  /** Agents that ran in the step (its own, and subagents it called as tools). */
  agents: AgentSpendView[];
  toolCalls: ToolCallView[];
  /** For a delegation run: the task the step ran. */
  task: TaskView | undefined;
  /** Sub-workflow runs of this step. */
  runs: RunView[];
  /** The step's own events, in log order. */
  events: LoggedEvent[];
}

/** A planning attempt: accepted, or rejected with its problems. */
export interface PlanAttemptView {
  attempt: number;
  issues: PlanProblemView[];
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
    typeof run.record?.metadata?.orchestrator === "string" ||
    run.children.some((child) => {
      const childKind = inputField(child, "kind");
      return childKind === "planning" || childKind === "delegation";
    });
  return orchestrates ? "orchestrator" : "workflow";
}

/** The role of an agent whose calls were made in a run of `kind`. */
export function roleOf(kind: RunKind): AgentRole {
  return kind === "orchestrator"
    ? "main"
    : kind === "planning"
      ? "designer"
      : kind === "delegation"
        ? "subagent"
        : "agent";
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
    } else if (event.type === "tool-call-error") {
      call.ok = false;
      call.error = event.error as SerializedError;
    } else continue;
    if (typeof event.costCents === "number") call.costCents = event.costCents;
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
        ...emptySpend(),
      };
      agents.set(event.agent, view);
    }
    if (!view) continue;
    if (event.type === "model-call-end" && typeof event.model === "string") {
      view.model = event.model;
    }
    addEventSpend(view, event);
  }
  return [...agents.values()];
}

/** Step ids and their `dependsOn`, from a spec the run recorded as its definition. */
function specDependencies(definition: unknown): Map<string, string[]> {
  const dependencies = new Map<string, string[]>();
  const steps = (definition as { spec?: { steps?: unknown } } | undefined)?.spec?.steps;
  if (!Array.isArray(steps)) return dependencies;
  for (const step of steps) {
    if (typeof step !== "object" || step === null) continue;
    const { id, dependsOn } = step as { id?: unknown; dependsOn?: unknown };
    if (typeof id !== "string") continue;
    const list =
      typeof dependsOn === "string" ? [dependsOn] : Array.isArray(dependsOn) ? dependsOn : [];
    dependencies.set(
      id,
      list.filter((item): item is string => typeof item === "string"),
    );
  }
  return dependencies;
}

/**
 * Reads a trace as what happened: a run's steps (in the order they started or were
 * skipped), each with its agents' spend, its tool calls and the runs it started. An
 * orchestrator's process run reads as its main agent and the planning and delegation runs
 * each of its tool calls started.
 */
export function viewRun(run: TraceRun): RunView {
  const children = run.children.map(viewRun);
  const tasks = inputField(run, "tasks");
  const taskById = new Map<string, TaskView>(
    Array.isArray(tasks) ? (tasks as TaskView[]).map((task) => [task.id, task]) : [],
  );
  const specSteps = specDependencies(run.record?.definition);
  const order = new Map<string, number>();
  const eventsByStep = new Map<string, LoggedEvent[]>();
  for (const event of run.events) {
    if (typeof event.stepId !== "string") continue;
    if ((event.type === "step-start" || event.type === "step-skip") && !order.has(event.stepId)) {
      order.set(event.stepId, order.size);
    }
    const list = eventsByStep.get(event.stepId) ?? [];
    list.push(event);
    eventsByStep.set(event.stepId, list);
  }
  const attached = new Set<RunView>();
  const steps = Object.values(run.state.steps)
    .sort((a, b) => (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity))
    .map((record): StepView => {
      const events = eventsByStep.get(record.id) ?? [];
      const toolCalls = toolCallsOf(events);
      for (const call of toolCalls) {
        // A call plans before it delegates, whatever order the store lists its runs in.
        call.runs = children
          .filter((child) => child.toolCallId === call.toolCallId)
          .sort((a, b) => Number(b.kind === "planning") - Number(a.kind === "planning"));
        for (const child of call.runs) attached.add(child);
      }
      const task = taskById.get(record.id);
      return {
        id: record.id,
        record,
        dependsOn: task?.dependsOn ?? specSteps.get(record.id) ?? [],
        agents: agentsOf(events),
        toolCalls,
        task,
        runs: [],
        events,
      };
    });
  // Sub-workflow steps: the step whose output names the child run (a sub-workflow's result
  // has its runId), else the last step that started before the child and had not ended.
  const latestFirst = [...steps].reverse();
  for (const child of children) {
    if (attached.has(child) || child.kind !== "workflow") continue;
    const startedAt = child.trace.state.startedAt;
    const step =
      steps.find(
        (candidate) => (candidate.record.output as { runId?: unknown })?.runId === child.runId,
      ) ??
      latestFirst.find(
        (candidate) =>
          candidate.record.startedAt !== undefined &&
          startedAt !== undefined &&
          startedAt >= candidate.record.startedAt &&
          (candidate.record.endedAt === undefined || startedAt <= candidate.record.endedAt) &&
          candidate.toolCalls.length === 0,
      );
    if (step) {
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
      event as { data?: { toolCallId?: string; attempt?: number; issues?: PlanProblemView[] } }
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

/** How many calls of each tool a step made, and how many of them failed. */
export function toolCounts(step: StepView): Map<string, { ok: number; failed: number }> {
  const counts = new Map<string, { ok: number; failed: number }>();
  for (const call of step.toolCalls) {
    const count = counts.get(call.tool) ?? { ok: 0, failed: 0 };
    if (call.ok === false) count.failed++;
    else count.ok++;
    counts.set(call.tool, count);
  }
  return counts;
}

/** What every model and tool call of a run and the runs under it spent. */
export function totalSpend(view: RunView): Spend {
  return spendOf(allRuns(view).flatMap((run) => run.trace.events));
}
