import type { RunProgress, SerializedError } from "../core/events.js";
import type { LoggedEvent } from "../core/ports/run-store.js";
import { formatDuration } from "../views/format-values.js";
import { spendOf } from "../views/run-spend.js";
import { allRuns, type RunView, type StepView, totalSpend } from "../views/run-view.js";
import { spendText, statusMark } from "../views/text-format.js";

/** A box of the step graph: a step of the run, or a run one of its steps started. */
export interface GraphNode {
  /** `step:<stepId>` or `run:<runId>`. */
  id: string;
  kind: "step" | "run";
  label: string;
  /** Lines under the label: agent and model, status and time, tokens and cost. */
  detail: string[];
  status: string;
  /** The run the box belongs to (for a run box: the run itself, which has its own page). */
  runId: string;
}

export interface GraphEdge {
  from: string;
  to: string;
}

/** A run's steps, the steps each waited for, and the runs its steps started. */
export interface RunGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /**
   * Whether the edges are the workflow's dependencies: false when the run recorded none
   * (a workflow defined in code the dashboard was not given) and it has several steps.
   */
  dependenciesKnown: boolean;
}

/** A bar of the timeline: a run of the tree or a step, `depth` levels in. */
export interface TimelineRow {
  kind: "run" | "step";
  label: string;
  depth: number;
  status: string;
  runId: string;
  /** Epoch ms; `null` when it has not started, or not ended (a bar that runs until now). */
  start: number | null;
  end: number | null;
  duration: string;
}

/** An error and what led to it, one line each. */
export interface ErrorEntry {
  runId: string;
  stepId?: string;
  what: string;
  error: SerializedError;
  causes: Array<{ what: string; error: SerializedError }>;
}

const childRuns = (step: StepView) => [
  ...step.toolCalls.flatMap((call) => call.runs),
  ...step.runs,
];

const runLabel = (run: RunView) =>
  run.kind === "workflow" || run.kind === "orchestrator"
    ? run.workflow
    : `${run.kind}${run.workflow !== "?" ? ` ${run.workflow}` : ""}`;

function stepNode(step: StepView, runId: string): GraphNode {
  const { record } = step;
  const agent = step.task?.agent ?? step.agents[0]?.agent;
  const model = record.model ?? step.agents.at(-1)?.model;
  const who = [agent !== step.id ? agent : undefined, model].filter(Boolean).join(" · ");
  const status = [
    `${statusMark(record.status)} ${record.status === "skipped" ? `skipped (${record.skipReason ?? "?"})` : record.status}`,
    record.startedAt !== undefined && record.endedAt !== undefined
      ? formatDuration(record.endedAt - record.startedAt)
      : undefined,
    record.attempts > 1 ? `${record.attempts} attempts` : undefined,
  ];
  const spent =
    step.agents.length > 0 || step.toolCalls.length > 0 ? spendText(spendOf(step.events)) : "";
  return {
    id: `step:${step.id}`,
    kind: "step",
    label: step.id,
    detail: [who, status.filter(Boolean).join(" · "), spent].filter((line) => line !== ""),
    status: record.status,
    runId,
  };
}

function runNode(run: RunView): GraphNode {
  const { status } = run.trace.state;
  return {
    id: `run:${run.runId}`,
    kind: "run",
    label: runLabel(run),
    detail: [run.runId, `${statusMark(status)} ${status} · ${spendText(totalSpend(run))}`],
    status,
    runId: run.runId,
  };
}

/**
 * The step graph of a run: its steps with how each stands, an edge from each step to the
 * steps that waited for it, and a box for each run a step started (a sub-workflow; an
 * orchestrator's planning and delegations). Dependencies come from the run (a spec's, a
 * delegation's tasks), else from `dependencies` (the workflow's own graph, when known).
 */
export function runGraph(
  root: RunView,
  dependencies?: ReadonlyMap<string, readonly string[]>,
): RunGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  let recorded = false;
  for (const step of root.steps) {
    const node = stepNode(step, root.runId);
    nodes.push(node);
    const after = step.dependsOn.length > 0 ? step.dependsOn : (dependencies?.get(step.id) ?? []);
    if (step.dependsOn.length > 0) recorded = true;
    for (const dependency of after) edges.push({ from: `step:${dependency}`, to: node.id });
    for (const child of childRuns(step)) {
      nodes.push(runNode(child));
      edges.push({ from: node.id, to: `run:${child.runId}` });
    }
  }
  for (const child of root.runs) nodes.push(runNode(child));
  const ids = new Set(nodes.map((node) => node.id));
  return {
    nodes,
    edges: edges.filter((edge) => ids.has(edge.from) && ids.has(edge.to)),
    dependenciesKnown: recorded || dependencies !== undefined || root.steps.length <= 1,
  };
}

const elapsed = (start: number | undefined, end: number | undefined) =>
  start !== undefined && end !== undefined ? formatDuration(end - start) : "-";

/**
 * The timeline of a run and every run it started: one row per run, its steps under it, and
 * under each step the runs it started, with their start and end times.
 */
export function runTimeline(root: RunView): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const visit = (run: RunView, depth: number) => {
    const { state } = run.trace;
    rows.push({
      kind: "run",
      label: `${runLabel(run)} ${run.runId}`,
      depth,
      status: state.status,
      runId: run.runId,
      start: state.startedAt ?? null,
      end: state.endedAt ?? null,
      duration: elapsed(state.startedAt, state.endedAt),
    });
    for (const step of run.steps) {
      const { record } = step;
      // A step waiting for approval has not started: its bar is the wait, from the request.
      const start =
        record.startedAt ?? (record.status === "waiting" ? step.events[0]?.at : undefined);
      rows.push({
        kind: "step",
        label: step.id,
        depth: depth + 1,
        status: record.status,
        runId: run.runId,
        start: start ?? null,
        end: record.endedAt ?? null,
        duration: elapsed(record.startedAt, record.endedAt),
      });
      for (const child of childRuns(step)) visit(child, depth + 2);
    }
    for (const child of run.runs) visit(child, depth + 1);
  };
  visit(root, 0);
  return rows;
}

/** What went wrong inside a step before it ended: failed attempts, model calls, tool calls. */
function causesOf(step: StepView): ErrorEntry["causes"] {
  const causes: ErrorEntry["causes"] = [];
  for (const event of step.events) {
    const error = event.error as SerializedError | undefined;
    if (!error) continue;
    if (event.type === "step-error" && event.willRetry) {
      causes.push({ what: `attempt ${String(event.attempt)} (retried)`, error });
    } else if (event.type === "model-call-error") {
      causes.push({
        what: `model call to ${String(event.model)} by ${String(event.agent)} (attempt ${String(event.attempt)})`,
        error,
      });
    } else if (event.type === "tool-call-error") {
      causes.push({ what: `tool call ${String(event.tool)} ✗ by ${String(event.agent)}`, error });
    }
  }
  return causes;
}

/**
 * Every error of a run and the runs it started, each with its causes: a failed run with the
 * steps that failed it; a failed step (or one that recovered) with its failed attempts and
 * the model and tool calls that failed in it, in the order they happened.
 */
export function runErrors(root: RunView): ErrorEntry[] {
  const entries: ErrorEntry[] = [];
  for (const run of allRuns(root)) {
    const { state } = run.trace;
    const failed = (step: StepView) =>
      (step.record.status === "failed" || step.record.status === "cancelled") &&
      step.record.error !== undefined;
    if (state.error) {
      entries.push({
        runId: run.runId,
        what: `run ${run.runId} (${run.workflow}) ${state.status}`,
        error: state.error,
        causes: run.steps.filter(failed).map((step) => ({
          what: `step ${step.id} ${step.record.status}`,
          error: step.record.error!,
        })),
      });
    }
    for (const step of run.steps) {
      const causes = causesOf(step);
      if (failed(step)) {
        entries.push({
          runId: run.runId,
          stepId: step.id,
          what: `step ${step.id} ${step.record.status}`,
          error: step.record.error!,
          causes,
        });
      } else if (causes.length > 0) {
        entries.push({
          runId: run.runId,
          stepId: step.id,
          what: `step ${step.id} ${step.record.status} after errors`,
          error: causes.at(-1)!.error,
          causes: causes.slice(0, -1),
        });
      }
    }
  }
  return entries;
}

/**
 * How far a run is, as its log last recorded it (every `run-*` and `step-*` event carries
 * the run's progress); `null` for a log written before Baton recorded progress.
 */
export function lastProgress(events: readonly LoggedEvent[]): RunProgress | null {
  for (let index = events.length - 1; index >= 0; index--) {
    const progress = events[index]!.progress as RunProgress | undefined;
    if (progress && typeof progress.percent === "number") return progress;
  }
  return null;
}
