import type { RunStore } from "../core/ports/run-store.js";
import { toolTrace } from "../orchestrator/index.js";
import type { CliContext } from "./cli-context.js";
import { ExitCode } from "./exit-code.js";
import { formatCents } from "./format-values.js";
import { orchestratorReport } from "./orchestrator-report.js";
import { type PrintRunOptions, waitingHint } from "./print-run.js";
import { formatTable } from "./text-table.js";

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
    const models = Object.entries(cost.byModel);
    const sections = [
      `Run ${report.runId} (${report.workflow ?? "orchestrator"}) ${report.status}`,
      `Answer:\n${indent(typeof report.output === "string" ? report.output : JSON.stringify(report.output ?? null, null, 2))}`,
      ...(report.subagentsCreated.length > 0
        ? [`Subagents created: ${report.subagentsCreated.join(", ")}`]
        : []),
      `Trace:\n${indent(await toolTrace({ store, runId }))}`,
      ...(models.length > 0
        ? [
            formatTable(
              ["model", "calls", "failed", "input", "output", "cost"],
              models.map(([model, spend]) => [
                model,
                String(spend.calls),
                String(spend.failedCalls),
                String(spend.usage.inputTokens),
                String(spend.usage.outputTokens),
                formatCents(spend.cents),
              ]),
              { alignRight: [1, 2, 3, 4, 5] },
            ),
          ]
        : []),
      `Cost: ${formatCents(cost.planningCents)} planning + ${formatCents(cost.subagentCents)} subagents + ${formatCents(cost.toolCents)} tools = ${formatCents(cost.totalCents)}${
        cost.unpricedModels.length > 0
          ? ` (no price known for ${cost.unpricedModels.join(", ")}: give it prices in the spec)`
          : ""
      }`,
    ];
    context.stdout.write(`${sections.join("\n\n")}\n`);
  }
  if (report.status === "failed" || report.status === "cancelled") {
    const reason = report.error ? `: ${report.error.name}: ${report.error.message}` : "";
    context.stderr.write(`Run ${report.runId} ${report.status}${reason}\n`);
    return ExitCode.runFailed;
  }
  if (report.status === "waiting") {
    (json ? context.stderr : context.stdout).write(waitingHint(report, storeFlag));
  }
  return ExitCode.success;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : `  ${line}`))
    .join("\n");
}
