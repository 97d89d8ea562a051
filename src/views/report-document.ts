import type { SerializedError } from "../core/events.js";
import { agentRows, costParts, usageRows } from "./cost-table.js";
import { flowchartOf } from "./flowchart.js";
import { formatCents, formatDuration, formatTimestamp, oneLine } from "./format-values.js";
import { type RunReport, reportOf } from "./run-report.js";
import { spendOf } from "./run-spend.js";
import { allRuns, type RunView, roleOf, type StepView } from "./run-view.js";
import { plural, statusMark, tokens } from "./text-format.js";
import type { TableData } from "./text-table.js";
import { traceTree } from "./tool-trace.js";

/**
 * A report as blocks, before it is written as Markdown or PDF (internal): both formats
 * draw the same blocks, so they say the same things.
 */
export type ReportBlock =
  | { kind: "heading"; level: 1 | 2 | 3; text: string }
  | { kind: "paragraph"; text: string }
  /** Label and value pairs (the summary). */
  | { kind: "fields"; fields: Array<[string, string]> }
  | { kind: "table"; table: TableData }
  /** Text whose lines and columns matter (flowchart, trace, outputs): a monospace font. */
  | { kind: "preformatted"; text: string }
  | { kind: "list"; items: string[] };

export interface ReportDocument {
  title: string;
  runId: string;
  blocks: ReportBlock[];
}

export interface ReportDocumentOptions {
  title: string | undefined;
  /** Characters of a tool call's arguments and result in the trace. */
  argumentChars: number;
  /** Characters of an output or an agent's result, at most. */
  outputChars: number;
  /** The flowchart's width. */
  width: number;
}

/** A run's or a step's output as text: an agent's `text`, strings as they are, else JSON. */
function outputText(output: unknown, max: number): string {
  const value =
    typeof output === "object" &&
    output !== null &&
    typeof (output as { text?: unknown }).text === "string"
      ? (output as { text: string }).text
      : output;
  const text =
    typeof value === "string"
      ? value
      : value === undefined || value === null
        ? "(none)"
        : JSON.stringify(value, null, 2);
  const characters = [...text];
  return characters.length <= max
    ? text
    : `${characters.slice(0, max).join("")}\n… (${characters.length - max} more characters)`;
}

const errorText = (error: SerializedError | undefined) =>
  error ? `${error.name}: ${oneLine(error.message, 300)}` : "unknown error";

/** `2 steps (1 succeeded, 1 failed)` over every run of the tree. */
function stepCounts(runs: readonly RunView[]): string {
  const statuses = new Map<string, number>();
  for (const step of runs.flatMap((run) => run.steps)) {
    statuses.set(step.record.status, (statuses.get(step.record.status) ?? 0) + 1);
  }
  const total = [...statuses.values()].reduce((sum, count) => sum + count, 0);
  const counts = [...statuses].map(([status, count]) => `${count} ${status}`).join(", ");
  return `${plural(total, "step")}${total > 0 ? ` (${counts})` : ""}`;
}

function summaryFields(root: RunView, report: RunReport): Array<[string, string]> {
  const runs = allRuns(root);
  const calls = runs.flatMap((run) => run.steps.flatMap((step) => step.toolCalls));
  const failed = calls.filter((call) => call.ok === false).length;
  const { cost, usage } = report;
  const split =
    report.kind === "orchestrator"
      ? `${formatCents(cost.planningCents)} planning + ${formatCents(cost.subagentCents)} subagents + ${formatCents(cost.toolCents)} tools`
      : `${formatCents(cost.modelCents)} models + ${formatCents(cost.toolCents)} tools`;
  const fields: Array<[string, string]> = [
    ["Run", report.runId],
    ["Workflow", report.workflow ?? "?"],
    ["Kind", report.kind],
    ["Status", `${statusMark(report.status)} ${report.status}`],
    ["Started", `${formatTimestamp(root.trace.state.startedAt)} UTC`],
    ["Ended", `${formatTimestamp(root.trace.state.endedAt)} UTC`],
    ["Duration", formatDuration(report.durationMs ?? undefined)],
    ["Steps", stepCounts(runs)],
    ["Child runs", String(runs.length - 1)],
    ["Tool calls", `${calls.length} (${calls.length - failed} ✓, ${failed} ✗)`],
    ["Tokens", `${tokens(usage.totalTokens)} (${usage.inputTokens} in, ${usage.outputTokens} out)`],
    ["Cost", `${formatCents(cost.totalCents)} = ${split}`],
  ];
  if (report.subagentsCreated && report.subagentsCreated.length > 0) {
    fields.push(["Subagents created", report.subagentsCreated.join(", ")]);
  }
  if (report.error) fields.push(["Error", errorText(report.error)]);
  if (report.status === "waiting") {
    const approvals = (report.waitingFor ?? []).map((approval) => approval.stepId);
    fields.push([
      "Waiting for",
      `${report.waitReason ?? "approval"}${approvals.length > 0 ? ` (${approvals.join(", ")})` : ""}`,
    ]);
  }
  return fields;
}

/** The agent that ran a step: a delegation task's, else the first agent that called a model. */
const ownerOf = (step: StepView) => step.task?.agent ?? step.agents[0]?.agent;

/** Each agent, the steps it ran (where, how they ended, what they spent) and its results. */
function agentBlocks(root: RunView, outputChars: number): ReportBlock[] {
  const byAgent = new Map<string, Array<{ run: RunView; step: StepView }>>();
  for (const run of allRuns(root)) {
    for (const step of run.steps) {
      const agent = ownerOf(step);
      if (!agent) continue;
      const list = byAgent.get(agent) ?? [];
      list.push({ run, step });
      byAgent.set(agent, list);
    }
  }
  if (byAgent.size === 0) return [{ kind: "paragraph", text: "No agent ran in this run." }];
  const blocks: ReportBlock[] = [];
  for (const [agent, steps] of byAgent) {
    blocks.push({ kind: "heading", level: 3, text: `${agent} (${roleOf(steps[0]!.run.kind)})` });
    for (const { run, step } of steps) {
      const { record } = step;
      const model = record.model ?? step.agents.find((view) => view.agent === agent)?.model;
      const time =
        record.startedAt !== undefined && record.endedAt !== undefined
          ? formatDuration(record.endedAt - record.startedAt)
          : undefined;
      const spend = spendOf(step.events);
      const where =
        run === root ? `step ${step.id}` : `step ${step.id} of ${run.workflow} ${run.runId}`;
      const facts = [
        `${statusMark(record.status)} ${where}`,
        record.status,
        model,
        time,
        record.attempts > 1 ? `${record.attempts} attempts` : undefined,
        `${tokens(spend.usage.totalTokens)} · ${formatCents(spend.totalCents)}`,
      ].filter((part): part is string => part !== undefined);
      blocks.push({ kind: "paragraph", text: facts.join(" · ") });
      if (record.status === "succeeded") {
        blocks.push({ kind: "preformatted", text: outputText(record.output, outputChars) });
      } else if (record.error && (record.status === "failed" || record.status === "cancelled")) {
        blocks.push({ kind: "paragraph", text: `Error: ${errorText(record.error)}` });
      } else if (record.status === "skipped") {
        blocks.push({ kind: "paragraph", text: `Skipped (${record.skipReason ?? "?"}).` });
      }
    }
  }
  return blocks;
}

/** Everything that went wrong, in log order: runs, steps, attempts, model and tool calls, budgets. */
function errorItems(root: RunView): string[] {
  const items: string[] = [];
  for (const run of allRuns(root)) {
    const where = run === root ? "" : ` (${run.workflow} ${run.runId})`;
    for (const event of run.trace.events) {
      const error = event.error as SerializedError | undefined;
      const step = typeof event.stepId === "string" ? event.stepId : undefined;
      switch (event.type) {
        case "run-error":
          items.push(`run ${run.workflow} ${run.runId} failed: ${errorText(error)}`);
          break;
        case "run-cancel":
          items.push(
            `run ${run.workflow} ${run.runId} cancelled${event.reason ? `: ${String(event.reason)}` : ""}`,
          );
          break;
        case "step-error":
          items.push(
            `step ${step}${where} failed on attempt ${String(event.attempt)}${event.willRetry ? " (retried)" : ""}: ${errorText(error)}`,
          );
          break;
        case "model-call-error":
          items.push(
            `model ${String(event.model)} failed for ${String(event.agent)} in step ${step}${where} (attempt ${String(event.attempt)}): ${errorText(error)}`,
          );
          break;
        case "tool-call-error":
          items.push(
            `tool ${String(event.tool)} failed for ${String(event.agent)} in step ${step}${where}: ${errorText(error)}`,
          );
          break;
        case "budget-exceeded":
          items.push(
            `budget exceeded (${String(event.scope)}${event.agent ? ` ${String(event.agent)}` : ""}) in step ${step}${where}: ${String(event.action)}${event.switchTo ? ` to ${String(event.switchTo)}` : ""}`,
          );
          break;
        case "approval-decision":
          if (event.approved === false) {
            items.push(
              `step ${step}${where} rejected${event.comment ? `: ${oneLine(event.comment, 200)}` : ""}`,
            );
          }
          break;
      }
    }
  }
  return items;
}

/**
 * What a report says about a run, in order: the title, a summary (status, times, steps,
 * tool calls, tokens, cost, error), the output, each agent's results, the flowchart, the
 * tool trace, usage and cost tables, and every error.
 */
export function reportDocument(root: RunView, options: ReportDocumentOptions): ReportDocument {
  const report = reportOf(root);
  const title = options.title ?? `Run report: ${report.workflow ?? report.runId}`;
  const { models, tools, simulatedNote, costLine } = costParts(report);
  const agents = agentRows(report);
  const errors = errorItems(root);
  const blocks: ReportBlock[] = [
    { kind: "heading", level: 1, text: title },
    { kind: "heading", level: 2, text: "Summary" },
    { kind: "fields", fields: summaryFields(root, report) },
    { kind: "heading", level: 3, text: report.kind === "orchestrator" ? "Answer" : "Output" },
    { kind: "preformatted", text: outputText(report.output, options.outputChars) },
    { kind: "heading", level: 2, text: "Agents" },
    ...agentBlocks(root, options.outputChars),
    { kind: "heading", level: 2, text: "Flowchart" },
    { kind: "preformatted", text: flowchartOf(root, options.width) },
    { kind: "heading", level: 2, text: "Tool trace" },
    { kind: "preformatted", text: traceTree(root, options.argumentChars).join("\n") },
    { kind: "heading", level: 2, text: "Usage" },
    { kind: "table", table: usageRows(report) },
    ...(agents ? [{ kind: "table", table: agents } as const] : []),
    { kind: "heading", level: 2, text: "Cost" },
    ...(models ? [{ kind: "table", table: models } as const] : []),
    ...(tools ? [{ kind: "table", table: tools } as const] : []),
    ...(simulatedNote ? [{ kind: "paragraph", text: simulatedNote } as const] : []),
    { kind: "paragraph", text: costLine },
    { kind: "heading", level: 2, text: "Errors" },
    errors.length > 0 ? { kind: "list", items: errors } : { kind: "paragraph", text: "None." },
  ];
  return { title, runId: report.runId, blocks };
}
