import type { RunProgress, SerializedError } from "../core/events.js";
import type { RunRecord, RunStatus, RunStore, StoredEvent } from "../core/ports/run-store.js";
import { pendingApprovals } from "../durable/approvals.js";
import { DurableError } from "../durable/durable-error.js";
import { isOwnerGone } from "../durable/owner-liveness.js";
import type { PendingApproval } from "../durable/pending-approvals-of.js";
import { canRebuild, lookupWorkflow, type WorkflowRegistry } from "../durable/workflow-registry.js";
import { costTable } from "../views/cost-table.js";
import { flowchart } from "../views/flowchart.js";
import { formatCents, formatDuration, formatTimestamp } from "../views/format-values.js";
import { mermaid } from "../views/mermaid.js";
import { reportOf } from "../views/run-report.js";
import { loadRunTrace } from "../views/run-trace.js";
import { viewRun } from "../views/run-view.js";
import { toolTrace } from "../views/tool-trace.js";
import {
  type ErrorEntry,
  lastProgress,
  type RunGraph,
  runErrors,
  runGraph,
  runTimeline,
  type TimelineRow,
} from "./run-figures.js";

/** Everything the run page shows, every figure from the views module (`baton-ai/views`). */
export interface RunPage {
  run: {
    id: string;
    workflow: string | null;
    kind: "workflow" | "orchestrator";
    status: RunStatus;
    waitReason?: string;
    started: string;
    duration: string;
    tokens: { input: number; output: number; total: number };
    cost: string;
    /** Its steps ended of all its steps, as its log last recorded it. */
    progress: RunProgress | null;
    error?: SerializedError;
    parentRunId?: string;
    /** The run this one was forked from, and the step it ran again from. */
    forkOf?: string;
    fromStep?: string;
    /** The output as text (JSON for anything but a string); `null` before it ends. */
    output: string | null;
  };
  /** The last sequence number of the run's log: the live stream goes on after it. */
  lastSeq: number;
  /** The server's clock (epoch ms), for bars of steps still running. */
  now: number;
  graph: RunGraph;
  timeline: TimelineRow[];
  /** One row per step of every run of the tree. */
  steps: Array<{
    id: string;
    runId: string;
    workflow: string | null;
    status: string;
    model: string;
    attempts: number;
    inputTokens: number;
    outputTokens: number;
    duration: string;
    cost: string;
  }>;
  agents: Array<{
    name: string;
    role: string;
    modelCalls: number;
    toolCalls: number;
    inputTokens: number;
    outputTokens: number;
    totalTokens: number;
    modelCost: string;
    toolCost: string;
  }>;
  models: Array<{
    name: string;
    calls: number;
    failedCalls: number;
    inputTokens: number;
    outputTokens: number;
    cost: string;
  }>;
  tools: Array<{ name: string; calls: number; failedCalls: number; cost: string }>;
  /** `Cost: … for models + … for tools = …`, as the CLI prints it. */
  costLine: string;
  toolTrace: string;
  flowchart: string;
  mermaid: string;
  errors: ErrorEntry[];
  approvals: Array<PendingApproval & { requested: string }>;
  actions: {
    replay: boolean;
    fork: boolean;
    resume: boolean;
    /** The steps a fork may start again from. */
    forkSteps: string[];
    /** Why replay and fork are unavailable, when they are. */
    note?: string;
  };
}

const OUTPUT_CHARS = 20_000;

function outputText(output: unknown): string | null {
  if (output === undefined || output === null) return null;
  const text = typeof output === "string" ? output : JSON.stringify(output, null, 2);
  return text.length > OUTPUT_CHARS ? `${text.slice(0, OUTPUT_CHARS)}\n… (cut)` : text;
}

function stringField(record: RunRecord | undefined, field: string): string | undefined {
  const value = record?.metadata?.[field];
  return typeof value === "string" ? value : undefined;
}

/** The dependencies of the registered workflow's steps, when the dashboard was given it. */
function registeredDependencies(
  workflow: string | undefined,
  workflows: WorkflowRegistry | undefined,
): Map<string, readonly string[]> | undefined {
  const registered = workflow ? lookupWorkflow(workflow, workflows) : undefined;
  return registered
    ? new Map(registered.graph().steps.map((step) => [step.id, step.dependsOn]))
    : undefined;
}

/** What can be done to the run from its page. */
function actionsOf(
  record: RunRecord | undefined,
  status: RunStatus,
  stepIds: string[],
  { workflows, undecided }: { workflows: WorkflowRegistry | undefined; undecided: number },
): RunPage["actions"] {
  const topLevel = record !== undefined && record.parentId === undefined;
  const rebuildable = record !== undefined && canRebuild(record, workflows);
  const settled = status !== "running" && status !== "pending";
  // A waiting run goes on once every approval it waits for is decided.
  const resumable =
    (status === "waiting" && undecided === 0) ||
    status === "pending" ||
    (status === "running" && isOwnerGone(record?.owner));
  const actions: RunPage["actions"] = {
    replay: topLevel && rebuildable && settled,
    fork: topLevel && rebuildable && settled,
    resume: topLevel && rebuildable && resumable,
    forkSteps: stepIds,
  };
  if (topLevel && !rebuildable) {
    actions.note = `The workflow "${record.workflow}" was defined in code: start the dashboard with it in options.workflows to replay, fork or resume its runs.`;
  }
  return actions;
}

/**
 * Reads a run and the runs it started once, and builds its page: report, step graph,
 * timeline, tokens and cost by step, agent, model and tool, tool trace, flowchart, Mermaid,
 * errors with their causes, pending approvals, and what can be done to it.
 */
export async function runPage(
  store: RunStore,
  runId: string,
  { workflows, now }: { workflows: WorkflowRegistry | undefined; now: number },
): Promise<RunPage> {
  if (!(await store.getRun(runId))) {
    throw new DurableError(`No run "${runId}" in the store`, { code: "run-not-found", runId });
  }
  const trace = await loadRunTrace({ store, runId });
  const root = viewRun(trace);
  const report = reportOf(root);
  const [traceText, flowchartText, mermaidText, approvals] = await Promise.all([
    toolTrace(trace),
    flowchart(trace),
    mermaid(trace),
    pendingApprovals({ store, runId }),
  ]);
  const { record } = trace;
  const { cost, usage } = report;
  const parentRunId = trace.parentRunId;
  const forkOf = stringField(record, "forkOf");
  const fromStep = stringField(record, "fromStep");
  return {
    run: {
      id: report.runId,
      workflow: report.workflow,
      kind: report.kind,
      status: report.status,
      ...(report.waitReason ? { waitReason: report.waitReason } : {}),
      started: formatTimestamp(report.start ? Date.parse(report.start) : record?.createdAt),
      duration: report.durationMs === null ? "-" : formatDuration(report.durationMs),
      tokens: { input: usage.inputTokens, output: usage.outputTokens, total: usage.totalTokens },
      cost: formatCents(cost.totalCents, {
        partial: cost.unpricedModels.length > 0 && cost.totalCents !== null,
      }),
      progress: lastProgress(trace.events),
      ...(report.error ? { error: report.error } : {}),
      ...(parentRunId ? { parentRunId } : {}),
      ...(forkOf ? { forkOf } : {}),
      ...(fromStep ? { fromStep } : {}),
      output: outputText(report.output),
    },
    lastSeq: (trace.events.at(-1) as StoredEvent | undefined)?.seq ?? 0,
    now,
    graph: runGraph(root, registeredDependencies(record?.workflow, workflows)),
    timeline: runTimeline(root),
    steps: report.steps.map((step) => ({
      id: step.id,
      runId: step.runId,
      workflow: step.workflow,
      status: step.status,
      model: step.model ?? "-",
      attempts: step.attempts,
      inputTokens: step.usage.inputTokens,
      outputTokens: step.usage.outputTokens,
      duration: formatDuration(step.durationMs ?? undefined),
      cost: formatCents(step.cost.totalCents),
    })),
    agents: Object.entries(cost.byAgent).map(([name, agent]) => ({
      name,
      role: agent.role,
      modelCalls: agent.modelCalls,
      toolCalls: agent.toolCalls,
      inputTokens: agent.usage.inputTokens,
      outputTokens: agent.usage.outputTokens,
      totalTokens: agent.usage.totalTokens,
      modelCost: formatCents(agent.modelCents),
      toolCost: formatCents(agent.toolCents),
    })),
    models: Object.entries(cost.byModel).map(([name, model]) => ({
      name,
      calls: model.calls,
      failedCalls: model.failedCalls,
      inputTokens: model.usage.inputTokens,
      outputTokens: model.usage.outputTokens,
      cost: formatCents(model.cents),
    })),
    tools: Object.entries(cost.byTool).map(([name, tool]) => ({
      name,
      calls: tool.calls,
      failedCalls: tool.failedCalls,
      cost: formatCents(tool.cents),
    })),
    costLine: costTable(report).split("\n\n").at(-1) ?? "",
    toolTrace: traceText,
    flowchart: flowchartText,
    mermaid: mermaidText,
    errors: runErrors(root),
    approvals: approvals.map((item) => ({ ...item, requested: formatTimestamp(item.requestedAt) })),
    actions: actionsOf(
      record,
      report.status,
      root.steps.map((step) => step.id),
      { workflows, undecided: approvals.length },
    ),
  };
}
