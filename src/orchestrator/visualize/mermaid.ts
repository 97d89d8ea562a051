import type { WorkflowGraph } from "../../engine/index.js";
import type { Workflow } from "../../index.js";
import { loadRunTrace, type TraceSource } from "./run-trace.js";
import { type RunView, type StepView, viewRun } from "./run-view.js";
import { abridge, mark } from "./text-format.js";

/** A workflow (its `.graph()`), a graph, or a run (as for `flowchart`). */
export type MermaidSource = Pick<Workflow, "kind" | "graph"> | WorkflowGraph | TraceSource;

export interface MermaidOptions {
  /** `TD` top-down, `LR` left to right. @default "TD" */
  direction?: "TD" | "LR";
}

const label = (text: string) => `"${text.replace(/"/g, "#quot;").replace(/\n/g, "<br/>")}"`;

function isWorkflow(source: unknown): source is Pick<Workflow, "kind" | "graph"> {
  return (
    typeof source === "object" &&
    source !== null &&
    (source as Workflow).kind === "workflow" &&
    typeof (source as Workflow).graph === "function"
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
  readonly failed: string[] = [];
  #count = 0;

  id(prefix: string): string {
    return `${prefix}${++this.#count}`;
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
      for (const dependency of step.task?.dependsOn ?? []) {
        const from = stepIds.get(dependency);
        if (from) this.lines.push(`${indent}  ${from} --> ${stepIds.get(step.id)}`);
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
    const agent = step.task?.agent ?? step.agents[0]?.agent;
    const ok =
      step.record.status === "succeeded"
        ? true
        : step.record.status === "failed"
          ? false
          : undefined;
    this.lines.push(
      `${indent}${id}[${label(`${step.id}${agent && agent !== step.id ? ` · ${agent}` : ""} ${mark(ok)}`)}]`,
    );
    if (ok === false) this.failed.push(id);
    const tools = new Map<string, { ok: number; failed: number }>();
    for (const call of step.toolCalls) {
      const count = tools.get(call.tool) ?? { ok: 0, failed: 0 };
      if (call.ok === false) count.failed++;
      else count.ok++;
      tools.set(call.tool, count);
    }
    for (const [tool, count] of tools) {
      const toolId = this.id("x");
      const text = [
        count.ok > 0 ? `✓ ×${count.ok}` : "",
        count.failed > 0 ? `✗ ×${count.failed}` : "",
      ]
        .filter(Boolean)
        .join(" ");
      this.lines.push(`${indent}${toolId}([${label(`${tool} ${text}`)}])`);
      this.lines.push(`${indent}${id} -.-> ${toolId}`);
      if (count.failed > 0 && count.ok === 0) this.failed.push(toolId);
    }
    return id;
  }

  #orchestrator(run: RunView, indent: string): string {
    const main = run.steps[0]?.agents[0];
    const id = this.id("m");
    this.lines.push(
      `${indent}${id}[${label(`${main?.agent ?? "main agent"} (main agent)\n${run.runId} · ${run.trace.state.status}`)}]`,
    );
    for (const step of run.steps) {
      for (const call of step.toolCalls) {
        const callId = this.id("c");
        this.lines.push(
          `${indent}${callId}{{${label(`${call.tool} ${mark(call.ok)}\n${abridge(JSON.stringify(call.input ?? {}), 40)}`)}}}`,
        );
        this.lines.push(`${indent}${id} --> ${callId}`);
        if (call.ok === false) this.failed.push(callId);
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

/**
 * A Mermaid flowchart: of a workflow's graph (steps and dependencies), or of a run read
 * from a store or from events (the orchestrator, its tool calls, planning and delegation
 * runs with their tasks and dependencies, and the tools each task called).
 * @example
 * console.log(await mermaid(flow));               // from the graph
 * console.log(await mermaid({ store, runId }));   // from a run's log
 */
export async function mermaid(
  source: MermaidSource,
  options: MermaidOptions = {},
): Promise<string> {
  const direction = options.direction ?? "TD";
  if (direction !== "TD" && direction !== "LR") {
    throw new TypeError(
      `mermaid: expected options.direction to be "TD" or "LR", received ${String(direction)}`,
    );
  }
  if (isWorkflow(source)) return fromGraph(source.graph(), direction);
  if (isGraph(source)) return fromGraph(source, direction);
  const writer = new RunWriter();
  writer.run(viewRun(await loadRunTrace(source as TraceSource)));
  const lines = [`flowchart ${direction}`, ...writer.lines];
  if (writer.failed.length > 0) {
    lines.push(
      "  classDef failed fill:#fdd,stroke:#c00",
      `  class ${writer.failed.join(",")} failed`,
    );
  }
  return lines.join("\n");
}
