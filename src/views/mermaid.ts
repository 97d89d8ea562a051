import type { WorkflowGraph } from "../core/workflow/compile-graph.js";
import { checkOptions } from "../runtime/check-options.js";
import { oneLine } from "./format-values.js";
import { loadRunTrace, type TraceSource } from "./run-trace.js";
import { type RunView, type StepView, toolCounts, viewRun } from "./run-view.js";
import { callMark, statusMark } from "./text-format.js";
import { mermaidOptionsRule } from "./view-options-rules.js";

/** Anything with a `.graph()`, as a workflow has. */
export interface GraphSource {
  kind: "workflow";
  graph(): WorkflowGraph;
}

/** A workflow (its `.graph()`), a graph, or a run (as for `flowchart`). */
export type MermaidSource = GraphSource | WorkflowGraph | TraceSource;

export interface MermaidOptions {
  /** `TD` top-down, `LR` left to right. @default "TD" */
  direction?: "TD" | "LR";
}

const label = (text: string) => `"${text.replace(/"/g, "#quot;").replace(/\n/g, "<br/>")}"`;

function isWorkflow(source: unknown): source is GraphSource {
  return (
    typeof source === "object" &&
    source !== null &&
    (source as GraphSource).kind === "workflow" &&
    typeof (source as GraphSource).graph === "function"
  );
}

function isGraph(source: unknown): source is WorkflowGraph {
  return (
    typeof source === "object" &&
    source !== null &&
    Array.isArray((source as WorkflowGraph).steps) &&
    Array.isArray((source as WorkflowGraph).edges) &&
    typeof (source as WorkflowGraph).name === "string"
  );
}

function fromGraph(graph: WorkflowGraph, direction: string): string {
  const ids = new Map(graph.steps.map((step, index) => [step.id, `s${index}`]));
  const lines = [`flowchart ${direction}`, `  %% workflow ${graph.name}`];
  for (const step of graph.steps) {
    const details = [
      step.target ? `${step.kind}: ${step.target}` : step.kind,
      step.loop ? `loop ≤ ${step.loop.maxIterations}` : "",
      step.hasCondition ? "when" : "",
      step.hasRoute ? "route" : "",
      step.quorum !== undefined ? `quorum ${step.quorum}` : "",
      step.approval ? "approval" : "",
    ].filter(Boolean);
    const text = label(`${step.id}\n${details.join(" · ")}`);
    const id = ids.get(step.id)!;
    const shape =
      step.kind === "workflow"
        ? `[[${text}]]`
        : step.kind === "function"
          ? `(${text})`
          : `[${text}]`;
    lines.push(`  ${id}${shape}`);
  }
  for (const edge of graph.edges) lines.push(`  ${ids.get(edge.from)} --> ${ids.get(edge.to)}`);
  return lines.join("\n");
}

/** Writes a run view's nodes and edges; returns the id other nodes link to. */
class RunWriter {
  readonly lines: string[] = [];
  /** Node ids by the class they are drawn with (`failed`, `skipped`, `waiting`). */
  readonly classes = new Map<string, string[]>();
  #count = 0;

  id(prefix: string): string {
    return `${prefix}${++this.#count}`;
  }

  #mark(id: string, status: string): void {
    const name = status === "cancelled" ? "failed" : status;
    if (!["failed", "skipped", "waiting"].includes(name)) return;
    this.classes.set(name, [...(this.classes.get(name) ?? []), id]);
  }

  run(run: RunView, indent = "  "): string {
    if (run.kind === "orchestrator") return this.#orchestrator(run, indent);
    if (run.kind === "planning") {
      const id = this.id("p");
      const attempts = run.steps[0]?.record.iterations ?? 0;
      const created = run.plannedAgents.map((agent) => agent.name).join(", ");
      this.lines.push(
        `${indent}${id}[/${label(`planning ${run.runId}\n${attempts} attempt${attempts === 1 ? "" : "s"}${run.rejections.length > 0 ? `, ${run.rejections.length} rejected` : ""}${created ? `\ncreated: ${created}` : ""}`)}/]`,
      );
      return id;
    }
    const id = this.id(run.kind === "delegation" ? "d" : "w");
    this.lines.push(
      `${indent}subgraph ${id}[${label(`${run.kind === "delegation" ? "delegation" : run.workflow} ${run.runId}`)}]`,
    );
    const stepIds = new Map<string, string>();
    for (const step of run.steps) stepIds.set(step.id, this.#step(step, `${indent}  `));
    for (const step of run.steps) {
      // A step a route did not choose hangs on a dashed edge.
      const arrow = step.record.skipReason === "route" ? "-.->" : "-->";
      for (const dependency of step.dependsOn) {
        const from = stepIds.get(dependency);
        if (from) this.lines.push(`${indent}  ${from} ${arrow} ${stepIds.get(step.id)}`);
      }
    }
    this.lines.push(`${indent}end`);
    for (const step of run.steps) {
      for (const sub of step.runs)
        this.lines.push(`${indent}${stepIds.get(step.id)} --> ${this.run(sub, indent)}`);
    }
    for (const child of run.runs) this.lines.push(`${indent}${id} -.-> ${this.run(child, indent)}`);
    return id;
  }

  #step(step: StepView, indent: string): string {
    const id = this.id("t");
    const { record } = step;
    const agent = step.task?.agent ?? step.agents[0]?.agent;
    const details =
      record.status === "skipped" ? `skipped: ${record.skipReason ?? "?"}` : record.model;
    this.lines.push(
      `${indent}${id}[${label(`${step.id}${agent && agent !== step.id ? ` · ${agent}` : ""} ${statusMark(record.status)}${details ? `\n${details}` : ""}`)}]`,
    );
    this.#mark(id, record.status);
    for (const [tool, count] of toolCounts(step)) {
      const toolId = this.id("x");
      const text = [
        count.ok > 0 ? `✓ ×${count.ok}` : "",
        count.failed > 0 ? `✗ ×${count.failed}` : "",
      ]
        .filter(Boolean)
        .join(" ");
      this.lines.push(`${indent}${toolId}([${label(`${tool} ${text}`)}])`);
      this.lines.push(`${indent}${id} -.-> ${toolId}`);
      if (count.failed > 0 && count.ok === 0) this.#mark(toolId, "failed");
    }
    return id;
  }

  #orchestrator(run: RunView, indent: string): string {
    const main = run.steps[0]?.agents[0];
    const id = this.id("m");
    this.lines.push(
      `${indent}${id}[${label(`${main?.agent ?? "main agent"} (main agent)\n${run.runId} · ${run.trace.state.status}`)}]`,
    );
    this.#mark(id, run.trace.state.status);
    for (const step of run.steps) {
      for (const call of step.toolCalls) {
        const callId = this.id("c");
        this.lines.push(
          `${indent}${callId}{{${label(`${call.tool} ${callMark(call.ok)}\n${oneLine(call.input ?? {}, 40)}`)}}}`,
        );
        this.lines.push(`${indent}${id} --> ${callId}`);
        if (call.ok === false) this.#mark(callId, "failed");
        let previous = callId;
        for (const child of call.runs) {
          const childId = this.run(child, indent);
          this.lines.push(`${indent}${previous} --> ${childId}`);
          previous = childId;
        }
      }
    }
    for (const child of run.runs) this.lines.push(`${indent}${id} -.-> ${this.run(child, indent)}`);
    return id;
  }
}

const CLASS_STYLES: Record<string, string> = {
  failed: "fill:#fdd,stroke:#c00",
  skipped: "fill:#f3f4f6,stroke:#9ca3af,color:#6b7280",
  waiting: "fill:#fef9c3,stroke:#a16207",
};

/**
 * A Mermaid flowchart: of a workflow's graph (steps and dependencies), or of a run read
 * from a store or from events: its steps with how each ended and the steps each waited
 * for (a spec's `dependsOn`; edges to steps a route did not choose dashed), the tools each
 * called, its sub-workflows; for an orchestrator run, the main agent, its tool calls, the
 * planning and delegation runs with their tasks and dependencies. Failed, skipped and
 * waiting nodes get classes of those names.
 * @example
 * console.log(await mermaid(flow));               // from the graph
 * console.log(await mermaid({ store, runId }));   // from a run's log
 */
export async function mermaid(
  source: MermaidSource,
  options: MermaidOptions = {},
): Promise<string> {
  checkOptions(mermaidOptionsRule, options, "mermaid()");
  const { direction = "TD" } = options;
  if (isWorkflow(source)) return fromGraph(source.graph(), direction);
  if (isGraph(source)) return fromGraph(source, direction);
  const writer = new RunWriter();
  writer.run(viewRun(await loadRunTrace(source as TraceSource)));
  const lines = [`flowchart ${direction}`, ...writer.lines];
  for (const [name, ids] of writer.classes) {
    lines.push(`  classDef ${name} ${CLASS_STYLES[name]}`, `  class ${ids.join(",")} ${name}`);
  }
  return lines.join("\n");
}
