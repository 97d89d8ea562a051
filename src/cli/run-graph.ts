import type { RunRecord } from "../core/ports/run-store.js";
import type { RunState, StepRecord } from "../core/run/fold-run-log.js";
import { formatDuration } from "./format-values.js";

/** A run's steps and the dependencies between them, with how each step ended. */
export interface RunGraph {
  title: string;
  steps: StepRecord[];
  edges: Array<{ from: string; to: string }>;
}

const MARK: Record<string, string> = {
  succeeded: "✓",
  failed: "✗",
  cancelled: "✗",
  skipped: "○",
  waiting: "⏸",
  running: "…",
  pending: "·",
};

/**
 * The graph of a run: its steps from the log, its edges from the definition the run
 * recorded (a spec's `dependsOn`). A run without a definition has steps and no edges.
 */
export function runGraph(state: RunState, record: RunRecord | undefined): RunGraph {
  const steps = Object.values(state.steps);
  const known = new Set(steps.map((step) => step.id));
  const edges: RunGraph["edges"] = [];
  for (const step of definitionSteps(record?.definition)) {
    for (const from of step.dependsOn) {
      if (known.has(from) && known.has(step.id)) edges.push({ from, to: step.id });
    }
  }
  return {
    title: `${state.workflow ?? record?.workflow ?? "run"} · ${state.runId} · ${state.status}`,
    steps,
    edges,
  };
}

/**
 * A text flowchart, one line per step, grouped by depth (`↓` between groups); each step
 * names the steps it waited for.
 *
 * @example
 * //   ✓ plan (simulated:planner, 67ms)
 * //   ↓
 * //   ✓ background ← plan (simulated:researcher, 11ms)
 */
export function formatFlowchart(graph: RunGraph): string {
  const levels = levelsOf(graph);
  const lines = [graph.title, ""];
  levels.forEach((level, index) => {
    if (index > 0) lines.push("  ↓");
    for (const step of level) {
      const after = graph.edges.filter((edge) => edge.to === step.id).map((edge) => edge.from);
      lines.push(
        `  ${MARK[step.status] ?? "?"} ${step.id}${after.length > 0 ? ` ← ${after.join(", ")}` : ""} (${describeStep(step)})`,
      );
    }
  });
  return lines.join("\n");
}

/** The graph as a Mermaid `flowchart TD`, steps coloured by status. */
export function formatMermaid(graph: RunGraph): string {
  const ids = new Map(graph.steps.map((step, index) => [step.id, `s${index}`]));
  const lines = ["flowchart TD"];
  for (const step of graph.steps) {
    const label = `${MARK[step.status] ?? "?"} ${step.id}<br/>${describeStep(step)}`;
    lines.push(`  ${ids.get(step.id)}["${label.replaceAll('"', "#quot;")}"]`);
  }
  const byId = new Map(graph.steps.map((step) => [step.id, step]));
  for (const edge of graph.edges) {
    const arrow = byId.get(edge.to)?.skipReason === "route" ? "-.->" : "-->";
    lines.push(`  ${ids.get(edge.from)} ${arrow} ${ids.get(edge.to)}`);
  }
  const classes: Record<string, string> = {
    succeeded: "fill:#dcfce7,stroke:#15803d",
    failed: "fill:#fee2e2,stroke:#b91c1c",
    cancelled: "fill:#fee2e2,stroke:#b91c1c",
    skipped: "fill:#f3f4f6,stroke:#9ca3af,color:#6b7280",
    waiting: "fill:#fef9c3,stroke:#a16207",
    running: "fill:#dbeafe,stroke:#1d4ed8",
    pending: "fill:#ffffff,stroke:#9ca3af",
  };
  for (const [status, style] of Object.entries(classes)) {
    const members = graph.steps.filter((step) => step.status === status);
    if (members.length === 0) continue;
    lines.push(`  classDef ${status} ${style}`);
    lines.push(`  class ${members.map((step) => ids.get(step.id)).join(",")} ${status}`);
  }
  return lines.join("\n");
}

function describeStep(step: StepRecord): string {
  if (step.status === "skipped") return `skipped: ${step.skipReason ?? "?"}`;
  const parts: string[] = [];
  if (step.model) parts.push(step.model);
  if (step.startedAt !== undefined && step.endedAt !== undefined)
    parts.push(formatDuration(step.endedAt - step.startedAt));
  if (step.attempts > 1) parts.push(`${step.attempts} attempts`);
  if (step.status !== "succeeded") parts.push(step.status);
  if (step.error && (step.status === "failed" || step.status === "cancelled"))
    parts.push(step.error.message.split("\n")[0]!.slice(0, 60));
  return parts.join(", ") || step.status;
}

/** Steps grouped by their longest distance from a step without dependencies. */
function levelsOf(graph: RunGraph): StepRecord[][] {
  const depth = new Map<string, number>();
  const parents = new Map<string, string[]>();
  for (const edge of graph.edges)
    parents.set(edge.to, [...(parents.get(edge.to) ?? []), edge.from]);
  const visit = (id: string, seen: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0; // a cycle cannot be recorded, but never loop on one
    seen.add(id);
    const value = Math.max(-1, ...(parents.get(id) ?? []).map((parent) => visit(parent, seen))) + 1;
    depth.set(id, value);
    return value;
  };
  const levels: StepRecord[][] = [];
  for (const step of graph.steps) {
    const level = visit(step.id, new Set());
    levels[level] ??= [];
    levels[level].push(step);
  }
  return levels.filter((level) => level !== undefined);
}

function definitionSteps(definition: unknown): Array<{ id: string; dependsOn: string[] }> {
  if (typeof definition !== "object" || definition === null) return [];
  const spec = (definition as { spec?: { steps?: unknown } }).spec;
  if (!spec || !Array.isArray(spec.steps)) return [];
  return spec.steps.flatMap((step: unknown) => {
    if (typeof step !== "object" || step === null) return [];
    const { id, dependsOn } = step as { id?: unknown; dependsOn?: unknown };
    if (typeof id !== "string") return [];
    const list =
      typeof dependsOn === "string" ? [dependsOn] : Array.isArray(dependsOn) ? dependsOn : [];
    return [{ id, dependsOn: list.filter((item): item is string => typeof item === "string") }];
  });
}
