import { checkOptions } from "../runtime/check-options.js";
import { formatDuration, oneLine } from "./format-values.js";
import { spendOf } from "./run-spend.js";
import { loadRunTrace, type TraceSource } from "./run-trace.js";
import {
  allRuns,
  type RunView,
  type StepView,
  toolCounts,
  totalSpend,
  viewRun,
} from "./run-view.js";
import { box, branches, callMark, plural, spendText } from "./text-format.js";
import { flowchartOptionsRule } from "./view-options-rules.js";

export interface FlowchartOptions {
  /** The widest a line may be, in characters. @default 80 */
  width?: number;
}

const indent = (prefix: string, lines: readonly string[]) =>
  lines.map((line) => `${prefix}${line}`.trimEnd());

/** `calculator ✓ ×2, calculator ✗`: the tools a step called, how often, how it went. */
function toolSummary(step: StepView): string | undefined {
  const counts = toolCounts(step);
  if (counts.size === 0) return undefined;
  const parts = [...counts].flatMap(([tool, { ok, failed }]) => [
    ...(ok > 0 ? [`${tool} ✓${ok > 1 ? ` ×${ok}` : ""}`] : []),
    ...(failed > 0 ? [`${tool} ✗${failed > 1 ? ` ×${failed}` : ""}`] : []),
  ]);
  return `tools called: ${parts.join(", ")}`;
}

function stepBox(step: StepView, given: Map<string, string[]>, width: number): string[] {
  const { record, task } = step;
  const agent = task?.agent ?? step.agents[0]?.agent;
  const after = step.dependsOn.length > 0 ? `after ${step.dependsOn.join(", ")}` : undefined;
  const mode = task ? [task.mode, after].filter(Boolean).join(", ") : after;
  const head = [step.id, agent !== step.id ? agent : undefined, mode].filter(Boolean).join(" · ");
  const lines = [head];
  const tools = agent ? given.get(agent) : undefined;
  if (tools) lines.push(`tools given: ${tools.length > 0 ? tools.join(", ") : "none"}`);
  const called = toolSummary(step);
  if (called) lines.push(called);
  const failures = step.agents.reduce((sum, view) => sum + view.failedModelCalls, 0);
  const status = [
    record.status === "skipped" ? `skipped (${record.skipReason ?? "?"})` : record.status,
    record.attempts > 1 ? `${record.attempts} attempts` : undefined,
    failures > 0 ? plural(failures, "failed call") : undefined,
    record.model ?? step.agents.at(-1)?.model,
    record.startedAt !== undefined && record.endedAt !== undefined
      ? formatDuration(record.endedAt - record.startedAt)
      : undefined,
    step.agents.length > 0 || step.toolCalls.length > 0
      ? spendText(spendOf(step.events))
      : undefined,
  ];
  lines.push(status.filter(Boolean).join(" · "));
  const models = new Set(step.agents.map((view) => view.model).filter(Boolean));
  if (failures > 0 && models.size > 0) lines.push(`answered by: ${[...models].join(", ")}`);
  if (record.error && (record.status === "failed" || record.status === "cancelled"))
    lines.push(`error: ${oneLine(record.error.message, width)}`);
  const block = box(lines, width);
  for (const sub of step.runs) block.push("  |", "  v", ...renderRun(sub, given, width - 4));
  return block;
}

function headerLines(run: RunView, width: number): string[] {
  const { state } = run.trace;
  const status = `${run.runId} · ${state.status}`;
  const spent = spendText(spendOf(run.trace.events));
  if (run.kind === "planning") {
    const designer = run.steps[0]?.agents[0];
    const attempts = run.steps[0]?.record.iterations ?? 0;
    const lines = [
      `PLANNING · ${status}`,
      `designer: ${designer ? `${designer.agent} (${designer.model ?? "?"})` : "?"}`,
    ];
    for (const rejected of run.rejections) {
      lines.push(
        `attempt ${rejected.attempt}: rejected (${plural(rejected.issues.length, "problem")})`,
      );
      for (const issue of rejected.issues.slice(0, 3))
        lines.push(`  ${oneLine(`${issue.path}: ${issue.message}`, width - 8)}`);
    }
    if (run.plannedAgents.length > 0) {
      lines.push(`attempt ${attempts}: accepted · ${plural(run.plannedAgents.length, "subagent")}`);
    } else if (state.status === "succeeded") {
      lines.push(`no valid plan after ${plural(attempts, "attempt")}`);
    }
    lines.push(spent);
    return lines;
  }
  if (run.kind === "delegation") {
    const source =
      run.source === "plan"
        ? "planned task"
        : run.source === "delegate"
          ? "delegated task"
          : "task";
    return [`DELEGATION · ${status}`, `${plural(run.steps.length, source)} · ${spent}`];
  }
  if (run.kind === "orchestrator") {
    const main = run.steps[0]?.agents[0];
    const output = run.steps[0]?.record.output as { text?: unknown } | undefined;
    const lines = [
      `ORCHESTRATOR ${run.workflow} · ${status}`,
      `main agent: ${main ? `${main.agent} (${main.model ?? "?"})` : "?"}`,
      `${plural(main?.modelCalls ?? 0, "model call")} · ${spent}`,
    ];
    if (typeof output?.text === "string") lines.push(`answer: ${oneLine(output.text, width)}`);
    if (state.error) lines.push(`error: ${oneLine(state.error.message, width)}`);
    return lines;
  }
  const lines = [
    `WORKFLOW ${run.workflow} · ${status}`,
    `${plural(run.steps.length, "step")} · ${spent}`,
  ];
  if (state.error) lines.push(`error: ${oneLine(state.error.message, width)}`);
  return lines;
}

function renderRun(run: RunView, given: Map<string, string[]>, width: number): string[] {
  const inner = Math.max(40, width - 6);
  const lines = box(headerLines(run, width), width);
  let blocks: string[][];
  if (run.kind === "orchestrator") {
    blocks = run.steps.flatMap((step) =>
      step.toolCalls.map((call) => {
        const input = oneLine(call.input ?? "", Math.max(10, inner - call.tool.length - 4));
        const block = [`${call.tool} ${callMark(call.ok)} ${input}`.trimEnd()];
        for (const child of call.runs) block.push("  |", "  v", ...renderRun(child, given, inner));
        if (call.ok === false && call.error)
          block.push(`  ${oneLine(`error: ${call.error.message}`, inner)}`);
        return block;
      }),
    );
  } else if (run.kind === "planning") {
    blocks = [];
  } else {
    blocks = run.steps.map((step) => stepBox(step, given, inner));
  }
  blocks.push(...run.runs.map((child) => ["  v", ...renderRun(child, given, inner)]));
  if (blocks.length > 0) lines.push("  |", ...indent("  ", branches(blocks)));
  return lines;
}

/** The summary under a flowchart: what ran, the tool calls, the spend of the whole tree. */
function summary(root: RunView): string[] {
  const runs = allRuns(root);
  const calls = runs.flatMap((run) => run.steps.flatMap((step) => step.toolCalls));
  const failed = calls.filter((call) => call.ok === false).length;
  const lines = ["SUMMARY"];
  if (root.kind === "orchestrator") {
    const created = runs.flatMap((run) => run.plannedAgents.map((agent) => agent.name));
    const delegations = runs.filter((run) => run.kind === "delegation");
    const modes = new Map<string, number>();
    for (const step of delegations.flatMap((run) => run.steps)) {
      const mode = step.task?.mode ?? "parallel";
      modes.set(mode, (modes.get(mode) ?? 0) + 1);
    }
    lines.push(
      `  subagents created: ${created.length}${created.length > 0 ? ` (${created.join(", ")})` : ""}`,
      `  tool calls: ${calls.length} (${calls.length - failed} ✓, ${failed} ✗)`,
      `  execution modes: ${plural(delegations.length, "delegation")}${modes.size > 0 ? `; tasks: ${[...modes].map(([mode, count]) => `${count} ${mode}`).join(", ")}` : ""}`,
    );
  } else {
    const statuses = new Map<string, number>();
    for (const step of runs.flatMap((run) => run.steps)) {
      statuses.set(step.record.status, (statuses.get(step.record.status) ?? 0) + 1);
    }
    const steps = [...statuses.values()].reduce((sum, count) => sum + count, 0);
    lines.push(
      `  steps: ${steps}${steps > 0 ? ` (${[...statuses].map(([status, count]) => `${count} ${status}`).join(", ")})` : ""}`,
      `  tool calls: ${calls.length} (${calls.length - failed} ✓, ${failed} ✗)`,
    );
  }
  lines.push(`  total: ${spendText(totalSpend(root))}`);
  return lines;
}

/**
 * An ASCII box diagram of a run: for an orchestrator run, the main agent, each tool call it
 * made, the planning (attempts, rejections) and the delegations it started, and each
 * subagent's task with the tools it was given and called; for other runs, their steps
 * (the steps each waited for, how it ended, model, time, spend) and their sub-workflows.
 * A summary follows (what ran, tool calls, and the tokens and cost of the whole tree, model
 * calls and what tools reported).
 *
 * Works on a live run and on a stored one alike.
 * @example
 * console.log(await flowchart({ store, runId }));
 * console.log(await flowchart(run.events));
 */
export async function flowchart(
  source: TraceSource,
  options: FlowchartOptions = {},
): Promise<string> {
  checkOptions(flowchartOptionsRule, options, "flowchart()");
  const { width = 80 } = options;
  return flowchartOf(viewRun(await loadRunTrace(source)), width);
}

/** The flowchart of a run view (see `flowchart`). */
export function flowchartOf(root: RunView, width: number): string {
  const given = new Map<string, string[]>();
  for (const run of allRuns(root))
    for (const agent of run.plannedAgents) given.set(agent.name, agent.tools);
  return [...renderRun(root, given, width), "", ...summary(root)].join("\n");
}
