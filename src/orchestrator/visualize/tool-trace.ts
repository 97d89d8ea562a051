import { addUsage, emptyUsage } from "../../engine/index.js";
import type { Usage } from "../../index.js";
import { loadRunTrace, type TraceSource } from "./run-trace.js";
import {
  type AgentSpendView,
  allRuns,
  type RunView,
  type StepView,
  type ToolCallView,
  viewRun,
} from "./run-view.js";
import { abridge, abridgeValue, cents, mark, table, tokens, tree } from "./text-format.js";

export interface ToolTraceOptions {
  /** Characters of each call's arguments shown, at most. @default 60 */
  argumentChars?: number;
}

function spent(agents: readonly AgentSpendView[]): string {
  if (agents.length === 0) return "";
  const total = agents.reduce((sum, agent) => sum + agent.usage.totalTokens, 0);
  const price = agents.reduce<number | null>(
    (sum, agent) => (sum === null || agent.cents === null ? null : sum + agent.cents),
    0,
  );
  return ` · ${tokens(total)} · ${cents(price)}`;
}

function callLine(call: ToolCallView, chars: number, owner: string | undefined): string {
  const parts = [`${mark(call.ok)} ${call.tool} ${abridgeValue(call.input, chars)}`.trimEnd()];
  if (call.agent !== owner) parts.push(`by ${call.agent}`);
  if (call.durationMs !== undefined) parts.push(`${call.durationMs} ms`);
  if (call.costCents) parts.push(cents(call.costCents));
  if (call.ok === false && call.error) parts.push(abridge(call.error.message, chars));
  return parts.join(" · ");
}

function callNode(call: ToolCallView, chars: number, owner: string | undefined): string[] {
  return [callLine(call, chars, owner), ...tree(call.runs.map((run) => runNode(run, chars)))];
}

function stepNode(step: StepView, run: RunView, chars: number): string[] {
  const agent = step.task?.agent ?? step.agents[0]?.agent;
  const ok =
    step.record.status === "succeeded" ? true : step.record.status === "failed" ? false : undefined;
  const label = run.kind === "delegation" ? "task" : "step";
  const retries = step.record.attempts > 1 ? ` · ${step.record.attempts} attempts` : "";
  const failedCalls = step.agents.reduce((sum, view) => sum + view.failedCalls, 0);
  const models = [...new Set(step.agents.map((view) => view.model).filter(Boolean))];
  const fallback =
    failedCalls > 0
      ? ` · ${failedCalls} failed model call${failedCalls > 1 ? "s" : ""}, answered by ${models.join(", ")}`
      : "";
  const line = `${mark(ok)} ${label} ${step.id}${agent && agent !== step.id ? ` → ${agent}` : ""}${retries}${fallback}${spent(step.agents)}`;
  const error =
    ok === false && step.record.error
      ? [`error: ${abridge(step.record.error.message, chars)}`]
      : [];
  return [
    line,
    ...tree([
      ...error.map((text) => [text]),
      ...step.toolCalls.map((call) => callNode(call, chars, agent)),
      ...step.runs.map((sub) => runNode(sub, chars)),
    ]),
  ];
}

function runNode(run: RunView, chars: number): string[] {
  const { state } = run.trace;
  const agents = run.steps.flatMap((step) => step.agents);
  if (run.kind === "planning") {
    const attempts = run.steps[0]?.record.iterations ?? 0;
    const designer = agents[0]?.agent ?? "designer";
    const rejected = run.rejections.length;
    return [
      `planning ${run.runId} · ${designer} · ${attempts} attempt${attempts === 1 ? "" : "s"}${rejected > 0 ? ` (${rejected} rejected)` : ""}${run.plannedAgents.length > 0 ? ` · created ${run.plannedAgents.map((agent) => `${agent.name} [${agent.tools.join(", ")}]`).join(", ")}` : ""}${spent(agents)}`,
    ];
  }
  if (run.kind === "orchestrator") {
    const main = run.steps[0]?.agents[0];
    return [
      `orchestrator ${run.workflow} ${run.runId} · ${state.status} · main agent ${main?.agent ?? "?"}${spent(main ? [main] : [])}`,
      ...tree([
        ...run.steps.flatMap((step) =>
          step.toolCalls.map((call) => callNode(call, chars, main?.agent)),
        ),
        ...run.runs.map((child) => runNode(child, chars)),
      ]),
    ];
  }
  const title = run.kind === "delegation" ? "delegation" : `workflow ${run.workflow}`;
  return [
    `${title} ${run.runId} · ${state.status} · ${run.steps.length} ${run.kind === "delegation" ? "task" : "step"}${run.steps.length === 1 ? "" : "s"}`,
    ...tree([
      ...run.steps.map((step) => stepNode(step, run, chars)),
      ...run.runs.map((child) => runNode(child, chars)),
    ]),
  ];
}

function spendTable(root: RunView): string[] {
  const rows = new Map<
    string,
    { role: string; calls: number; usage: Usage; cents: number | null }
  >();
  for (const run of allRuns(root)) {
    for (const step of run.steps) {
      for (const agent of step.agents) {
        const role =
          run.kind === "orchestrator"
            ? "main"
            : run.kind === "planning"
              ? "designer"
              : root.kind === "orchestrator"
                ? "subagent"
                : "agent";
        const row = rows.get(agent.agent) ?? { role, calls: 0, usage: emptyUsage(), cents: 0 };
        row.calls += agent.modelCalls;
        row.usage = addUsage(row.usage, agent.usage);
        row.cents = row.cents === null || agent.cents === null ? null : row.cents + agent.cents;
        rows.set(agent.agent, row);
      }
    }
  }
  if (rows.size === 0) return [];
  let total = { calls: 0, usage: emptyUsage(), cents: 0 as number | null };
  const body = [...rows].map(([agent, row]) => {
    total = {
      calls: total.calls + row.calls,
      usage: addUsage(total.usage, row.usage),
      cents: total.cents === null || row.cents === null ? null : total.cents + row.cents,
    };
    return [
      agent,
      row.role,
      String(row.calls),
      String(row.usage.inputTokens),
      String(row.usage.outputTokens),
      String(row.usage.totalTokens),
      cents(row.cents),
    ];
  });
  const footer = [
    "total",
    "",
    String(total.calls),
    String(total.usage.inputTokens),
    String(total.usage.outputTokens),
    String(total.usage.totalTokens),
    cents(total.cents),
  ];
  return [
    "Tokens and cost per agent",
    ...table(
      [["agent", "role", "model calls", "input", "output", "total", "cost"], ...body, footer],
      new Set([2, 3, 4, 5, 6]),
    ),
  ];
}

/**
 * A hierarchical trace of a run's tool calls: each call with ✓ (succeeded) or ✗ (failed),
 * its arguments abridged, its duration and cost, under the agent, task and run it belongs
 * to, with the planning and delegation runs each orchestration call started. A table of
 * tokens and cost per agent follows. Works on a live run and on a stored one alike.
 * @example
 * console.log(await toolTrace({ store, runId }));
 */
export async function toolTrace(
  source: TraceSource,
  options: ToolTraceOptions = {},
): Promise<string> {
  const chars = options.argumentChars ?? 60;
  if (!Number.isInteger(chars) || chars < 10) {
    throw new TypeError(
      `toolTrace: expected options.argumentChars to be an integer >= 10, received ${String(chars)}`,
    );
  }
  const root = viewRun(await loadRunTrace(source));
  const table = spendTable(root);
  return [...runNode(root, chars), ...(table.length > 0 ? ["", ...table] : [])].join("\n");
}
