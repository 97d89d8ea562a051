import { formatCents, formatDuration } from "./format-values.js";
import type { RunReport } from "./run-report.js";
import { statusMark } from "./text-format.js";
import { formatTable } from "./text-table.js";

/**
 * The usage table of a run report: one row per step of every run of the tree (status,
 * model, attempts, tokens, time, cost; a child run's steps named `<workflow>/<step>`), then
 * the total of the whole tree, model and tool calls included.
 * @example
 * console.log(usageTable(await runReport({ store, runId })));
 */
export function usageTable(report: RunReport): string {
  const rows = report.steps.map((step) => [
    `${statusMark(step.status)} ${step.runId === report.runId ? step.id : `${step.workflow ?? step.runId}/${step.id}`}`,
    step.status,
    step.model ?? "-",
    String(step.attempts),
    String(step.usage.inputTokens),
    String(step.usage.outputTokens),
    formatDuration(step.durationMs ?? undefined),
    formatCents(step.cost.totalCents),
  ]);
  rows.push([
    "total",
    report.status,
    "",
    "",
    String(report.usage.inputTokens),
    String(report.usage.outputTokens),
    formatDuration(report.durationMs ?? undefined),
    formatCents(report.cost.totalCents),
  ]);
  return formatTable(
    ["step", "status", "model", "attempts", "input", "output", "time", "cost"],
    rows,
    { alignRight: [3, 4, 5, 6, 7] },
  );
}

/**
 * The cost table of a run report: calls, failures, tokens and cost per model (a note names
 * the simulated ones), calls and cost per tool, then where the money went:
 * `Cost: <models> for models + <tools> for tools = <total>`, or for an orchestrator run
 * `Cost: <planning> planning + <subagents> subagents + <tools> tools = <total>`.
 * @example
 * console.log(costTable(await runReport({ store, runId })));
 */
export function costTable(report: RunReport): string {
  const sections: string[] = [];
  const models = Object.entries(report.cost.byModel);
  if (models.length > 0) {
    // A column for calls cut short before their reply, only when some were.
    const cutShort = models.some(
      ([, spend]) => (spend.usage.possiblyBilledTokens ?? 0) > 0 || spend.possiblyBilledCents,
    );
    sections.push(
      formatTable(
        [
          "model",
          "calls",
          "failed",
          "input",
          "output",
          "cost",
          ...(cutShort ? ["possibly billed"] : []),
        ],
        models.map(([model, spend]) => [
          model,
          String(spend.calls),
          String(spend.failedCalls),
          String(spend.usage.inputTokens),
          String(spend.usage.outputTokens),
          formatCents(spend.cents),
          ...(cutShort
            ? [
                `${spend.usage.possiblyBilledTokens ?? 0} tokens, ${formatCents(spend.possiblyBilledCents ?? 0)}`,
              ]
            : []),
        ]),
        { alignRight: cutShort ? [1, 2, 3, 4, 5, 6] : [1, 2, 3, 4, 5] },
      ),
    );
  }
  const tools = Object.entries(report.cost.byTool);
  if (tools.length > 0) {
    sections.push(
      formatTable(
        ["tool", "calls", "failed", "cost"],
        tools.map(([tool, spend]) => [
          tool,
          String(spend.calls),
          String(spend.failedCalls),
          formatCents(spend.cents),
        ]),
        { alignRight: [1, 2, 3] },
      ),
    );
  }
  const simulated = models
    .map(([model]) => model)
    .filter((model) => model.startsWith("simulated:"));
  if (simulated.length > 0) {
    sections.push(
      `Simulated: ${simulated.join(", ")} answered offline with generated text, not a real model's answers (a model string such as openai:gpt-4o-mini gives real ones).`,
    );
  }
  const { cost } = report;
  const parts =
    report.kind === "orchestrator"
      ? `${formatCents(cost.planningCents)} planning + ${formatCents(cost.subagentCents)} subagents + ${formatCents(cost.toolCents)} tools`
      : `${formatCents(cost.modelCents)} for models + ${formatCents(cost.toolCents)} for tools`;
  const unpriced =
    cost.unpricedModels.length > 0
      ? ` (no price known for ${cost.unpricedModels.join(", ")}, so its calls are left out: give it prices)`
      : "";
  sections.push(
    `Cost: ${parts} = ${formatCents(cost.totalCents)}${unpriced}${possiblyBilledNote(report)}`,
  );
  return sections.join("\n\n");
}

/**
 * What calls cut short before their reply (a timeout, a cancelled run) may have cost, as the
 * sentence that follows the cost line; empty when none was.
 */
function possiblyBilledNote({ usage, cost }: RunReport): string {
  const tokens = usage.possiblyBilledTokens ?? 0;
  const cents = cost.possiblyBilledCents ?? 0;
  if (tokens === 0 && cents === 0) return "";
  return `; possibly billed besides: ${formatCents(cents)} (${tokens} tokens reserved by calls cut short before their reply)`;
}
