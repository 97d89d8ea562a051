import { loadRunTrace, type TraceSource } from "./run-trace.js";
import {
  type AgentSpendView,
  allRuns,
  possiblyBilledIn,
  type RunView,
  type StepView,
  viewRun,
} from "./run-view.js";
import {
  abridge,
  abridgeValue,
  box,
  branches,
  cents,
  mark,
  possiblyBilledNote,
  tokens,
} from "./text-format.js";

export interface FlowchartOptions {
  /** The widest a line may be, in characters. @default 80 */
  width?: number;
}

const indent = (prefix: string, lines: readonly string[]) =>
  lines.map((line) => `${prefix}${line}`.trimEnd());

function spend(agents: readonly AgentSpendView[]): string {
  let total = 0;
  let price: number | null = 0;
  for (const agent of agents) {
    total += agent.usage.totalTokens;
    price = price === null || agent.cents === null ? null : price + agent.cents;
  }
  return `${tokens(total)} · ${cents(price)}`;
}

function toolSummary(step: StepView): string | undefined {
  const counts = new Map<string, { ok: number; failed: number }>();
  for (const call of step.toolCalls) {
    const count = counts.get(call.tool) ?? { ok: 0, failed: 0 };
    if (call.ok === false) count.failed++;
    else count.ok++;
    counts.set(call.tool, count);
  }
  if (counts.size === 0) return undefined;
  const parts = [...counts].map(([tool, { ok, failed }]) =>
    [
      ok > 0 ? `${tool} ✓${ok > 1 ? ` ×${ok}` : ""}` : "",
      failed > 0 ? `${tool} ✗${failed > 1 ? ` ×${failed}` : ""}` : "",
    ]
      .filter(Boolean)
      .join(", "),
  );
  return `tools called: ${parts.join(", ")}`;
}

function stepBox(step: StepView, given: Map<string, string[]>, width: number): string[] {
  const { record, task } = step;
  const agent = task?.agent ?? step.agents[0]?.agent;
  const mode = task
    ? task.dependsOn.length > 0
      ? `${task.mode}, after ${task.dependsOn.join(", ")}`
      : task.mode
    : undefined;
  const head = [step.id, agent !== step.id ? agent : undefined, mode].filter(Boolean).join(" · ");
  const lines = [head];
  const tools = agent ? given.get(agent) : undefined;
  if (tools) lines.push(`tools given: ${tools.length > 0 ? tools.join(", ") : "none"}`);
  const called = toolSummary(step);
  if (called) lines.push(called);
  const attempts = record.attempts > 1 ? ` · ${record.attempts} attempts` : "";
  const failures = step.agents.reduce((sum, view) => sum + view.failedCalls, 0);
  const fallbacks = new Set(step.agents.map((view) => view.model).filter(Boolean));
  lines.push(
    `${record.status}${attempts}${failures > 0 ? ` · ${failures} failed call${failures > 1 ? "s" : ""}` : ""} · ${spend(step.agents)}`,
  );
  if (failures > 0 && fallbacks.size > 0) lines.push(`answered by: ${[...fallbacks].join(", ")}`);
  if (record.error && record.status !== "succeeded")
    lines.push(`error: ${abridge(record.error.message, width)}`);
  const block = box(lines, width);
  for (const sub of step.runs) block.push("  |", "  v", ...renderRun(sub, given, width - 4));
  return block;
}

function headerLines(run: RunView, width: number): string[] {
  const { state } = run.trace;
  const status = `${run.runId} · ${state.status}`;
  if (run.kind === "planning") {
    const designer = run.steps[0]?.agents[0];
    const attempts = run.steps[0]?.record.iterations ?? 0;
    const lines = [
      `PLANNING · ${status}`,
      `designer: ${designer ? `${designer.agent} (${designer.model ?? "?"})` : "?"}`,
    ];
    for (const rejected of run.rejections) {
      lines.push(
        `attempt ${rejected.attempt}: rejected (${rejected.issues.length} problem${rejected.issues.length === 1 ? "" : "s"})`,
      );
      for (const issue of rejected.issues.slice(0, 3))
        lines.push(`  ${abridge(`${issue.path}: ${issue.message}`, width - 8)}`);
    }
    if (run.plannedAgents.length > 0) {
      lines.push(
        `attempt ${attempts}: accepted · ${run.plannedAgents.length} subagent${run.plannedAgents.length === 1 ? "" : "s"}`,
      );
    } else if (state.status === "succeeded") {
      lines.push(`no valid plan after ${attempts} attempt${attempts === 1 ? "" : "s"}`);
    }
    lines.push(spend(run.steps.flatMap((step) => step.agents)));
    return lines;
  }
  if (run.kind === "delegation") {
    const source =
      run.source === "plan"
        ? "planned tasks"
        : run.source === "delegate"
          ? "delegated tasks"
          : "tasks";
    return [
      `DELEGATION · ${status}`,
      `${run.steps.length} ${run.steps.length === 1 ? source.replace(/s$/, "") : source}`,
    ];
  }
  const steps = run.steps.flatMap((step) => step.agents);
  if (run.kind === "orchestrator") {
    const main = run.steps[0]?.agents[0];
    const output = run.steps[0]?.record.output as { text?: unknown } | undefined;
    const lines = [
      `ORCHESTRATOR ${run.workflow} · ${status}`,
      `main agent: ${main ? `${main.agent} (${main.model ?? "?"})` : "?"}`,
      `${main?.modelCalls ?? 0} model calls · ${spend(main ? [main] : [])}`,
    ];
    if (typeof output?.text === "string") lines.push(`answer: ${abridge(output.text, width)}`);
    if (state.error) lines.push(`error: ${abridge(state.error.message, width)}`);
    return lines;
  }
  return [
    `WORKFLOW ${run.workflow} · ${status}`,
    `${run.steps.length} step${run.steps.length === 1 ? "" : "s"} · ${spend(steps)}`,
  ];
}

function renderRun(run: RunView, given: Map<string, string[]>, width: number): string[] {
  const inner = Math.max(40, width - 6);
  const lines = box(headerLines(run, width), width);
  let blocks: string[][];
  if (run.kind === "orchestrator") {
    blocks = run.steps.flatMap((step) =>
      step.toolCalls.map((call) => {
        const label = `${call.tool} ${mark(call.ok)} ${abridgeValue(call.input, inner - call.tool.length - 4)}`;
        const block = [label];
        for (const child of call.runs) block.push("  |", "  v", ...renderRun(child, given, inner));
        if (call.ok === false && call.error)
          block.push(`  ${abridge(`error: ${call.error.message}`, inner)}`);
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

/** The summary under a flowchart: subagents created, tool calls, execution modes, spend. */
function summary(root: RunView): string[] {
  const runs = allRuns(root);
  const created = runs.flatMap((run) => run.plannedAgents.map((agent) => agent.name));
  const calls = runs.flatMap((run) => run.steps.flatMap((step) => step.toolCalls));
  const failed = calls.filter((call) => call.ok === false).length;
  const modes = new Map<string, number>();
  for (const run of runs) {
    if (run.kind !== "delegation") continue;
    for (const step of run.steps) {
      const mode = step.task?.mode ?? "parallel";
      modes.set(mode, (modes.get(mode) ?? 0) + 1);
    }
  }
  const delegations = runs.filter((run) => run.kind === "delegation").length;
  const agents = runs.flatMap((run) => run.steps.flatMap((step) => step.agents));
  const billed = possiblyBilledNote(possiblyBilledIn(root));
  return [
    "SUMMARY",
    `  subagents created: ${created.length}${created.length > 0 ? ` (${created.join(", ")})` : ""}`,
    `  tool calls: ${calls.length} (${calls.length - failed} ✓, ${failed} ✗)`,
    `  execution modes: ${delegations} delegation${delegations === 1 ? "" : "s"}${modes.size > 0 ? `; tasks: ${[...modes].map(([mode, count]) => `${count} ${mode}`).join(", ")}` : ""}`,
    `  total: ${spend(agents)}`,
    ...(billed ? [`  ${billed}`] : []),
  ];
}

/**
 * An ASCII box diagram of a run: for an orchestrator run, the main agent, each tool call it
 * made, the planning (attempts, rejections) and the delegations it started, and each
 * subagent's task with the tools it was given and called; for other runs, their steps.
 * A summary follows (subagents created, tool calls, execution modes, tokens and cost).
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
  const width = options.width ?? 80;
  if (!Number.isInteger(width) || width < 40) {
    throw new TypeError(
      `flowchart: expected options.width to be an integer >= 40, received ${String(width)}`,
    );
  }
  const root = viewRun(await loadRunTrace(source));
  const given = new Map<string, string[]>();
  for (const run of allRuns(root))
    for (const agent of run.plannedAgents) given.set(agent.name, agent.tools);
  return [...renderRun(root, given, width), "", ...summary(root)].join("\n");
}
