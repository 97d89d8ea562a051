import { checkOptions } from "../runtime/check-options.js";
import { costTable, usageTable } from "./cost-table.js";
import { reportOf } from "./run-report.js";
import { loadRunTrace, type TraceSource } from "./run-trace.js";
import { viewRun } from "./run-view.js";
import { traceTree } from "./tool-trace.js";
import { traceOptionsRule } from "./view-options-rules.js";

export interface RunSummaryOptions {
  /** Characters of each tool call's arguments, and of its result, shown in the trace at most. @default 60 */
  argumentChars?: number;
}

/** `text` with every non-empty line indented by two spaces. */
function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : `  ${line}`))
    .join("\n");
}

/** A run's output as text: strings as they are, anything else as indented JSON. */
function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (output === null || output === undefined) return "(none)";
  return JSON.stringify(output, null, 2);
}

/**
 * How a run went, as `baton run` prints it when the run ends: its id, workflow and
 * status; its output (an orchestrator's answer, and the subagents it created); the trace
 * (as `toolTrace` draws it); the usage table of every step; and the cost table, whose
 * total counts every model and tool call of the run and the runs it started.
 * @example
 * console.log(await runSummary({ store, runId }));
 */
export async function runSummary(
  source: TraceSource,
  options: RunSummaryOptions = {},
): Promise<string> {
  checkOptions(traceOptionsRule, options, "runSummary()");
  const { argumentChars: chars = 60 } = options;
  const root = viewRun(await loadRunTrace(source));
  const report = reportOf(root);
  const created = report.subagentsCreated ?? [];
  return [
    `Run ${report.runId} (${report.workflow ?? "?"}) ${report.status}`,
    `${report.kind === "orchestrator" ? "Answer" : "Output"}:\n${indent(outputText(report.output))}`,
    ...(created.length > 0 ? [`Subagents created: ${created.join(", ")}`] : []),
    `Trace:\n${indent(traceTree(root, chars).join("\n"))}`,
    usageTable(report),
    costTable(report),
  ].join("\n\n");
}
