import type { RunStore } from "../core/ports/run-store.js";
import { toolTrace } from "../orchestrator/index.js";
import type { CliContext } from "./cli-context.js";
import { formatModelTable, possiblyBilledNote } from "./cost-table.js";
import type { ExitCode } from "./exit-code.js";
import { formatCents } from "./format-values.js";
import { orchestratorReport } from "./orchestrator-report.js";
import { finishRun, formatOutput, indent, type PrintRunOptions } from "./print-run.js";

/**
 * Prints how an orchestrator run ended: with `json`, its report; otherwise the answer,
 * the subagents created, the tool trace (every tool call under the agent, task and run it
 * belongs to) and the cost by model and by part. Returns the exit code as `printRun` does.
 */
export async function printOrchestratorRun(
  store: RunStore,
  runId: string,
  context: CliContext,
  { json = false, storeFlag }: PrintRunOptions = {},
): Promise<ExitCode> {
  const record = await store.getRun(runId);
  const report = await orchestratorReport(store, runId, record);
  if (json) context.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const { cost } = report;
    const modelTable = formatModelTable(cost.byModel);
    const sections = [
      `Run ${report.runId} (${report.workflow ?? "orchestrator"}) ${report.status}`,
      `Answer:\n${indent(formatOutput(report.output))}`,
      ...(report.subagentsCreated.length > 0
        ? [`Subagents created: ${report.subagentsCreated.join(", ")}`]
        : []),
      `Trace:\n${indent(await toolTrace({ store, runId }))}`,
      ...(modelTable ? [modelTable] : []),
      `Cost: ${formatCents(cost.planningCents)} planning + ${formatCents(cost.subagentCents)} subagents + ${formatCents(cost.toolCents)} tools = ${formatCents(cost.totalCents)}${
        cost.unpricedModels.length > 0
          ? ` (no price known for ${cost.unpricedModels.join(", ")}: give it prices in the spec)`
          : ""
      }${possiblyBilledNote(report.usage, cost)}`,
    ];
    context.stdout.write(`${sections.join("\n\n")}\n`);
  }
  return finishRun(report, context, { json, storeFlag });
}
