import { possiblyBilledNote } from "../orchestrator/visualize/text-format.js";
import { formatCents, formatDuration } from "./format-values.js";
import type { ModelSpend, RunReport } from "./run-report.js";
import { formatTable } from "./text-table.js";

const STATUS_MARK: Record<string, string> = {
  succeeded: "✓",
  failed: "✗",
  skipped: "○",
  cancelled: "✗",
  waiting: "…",
  running: "…",
  pending: " ",
};

/**
 * The usage and cost table of a run: one row per step (status, model, attempts, tokens,
 * time, cost), the total, then the cost by model and a one-line split into models and
 * tools.
 */
export function formatCostTable(report: RunReport): string {
  const rows = report.steps.map((step) => [
    `${STATUS_MARK[step.status] ?? " "} ${step.id}`,
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
  const sections = [
    formatTable(["step", "status", "model", "attempts", "input", "output", "time", "cost"], rows, {
      alignRight: [3, 4, 5, 6, 7],
    }),
  ];
  const models = formatModelTable(report.cost.byModel);
  if (models) sections.push(models);
  const { modelCents, toolCents, totalCents, unpricedModels } = report.cost;
  const unpriced =
    unpricedModels.length > 0
      ? ` (no price known for ${unpricedModels.join(", ")}: give it prices under the spec's providers)`
      : "";
  sections.push(
    `Cost: ${formatCents(modelCents)} for models + ${formatCents(toolCents)} for tools = ${formatCents(totalCents)}${unpriced}`,
  );
  const billed = possiblyBilledNote(report.possiblyBilled);
  if (billed) sections.push(billed);
  return sections.join("\n\n");
}

/**
 * Calls, failures, tokens and cost per model, and a note naming the simulated ones (their
 * answers are generated offline, not a real model's); `undefined` when no model was called.
 */
export function formatModelTable(byModel: Record<string, ModelSpend>): string | undefined {
  const models = Object.entries(byModel);
  if (models.length === 0) return undefined;
  const table = formatTable(
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
  );
  const simulated = models
    .map(([model]) => model)
    .filter((model) => model.startsWith("simulated:"));
  return simulated.length === 0
    ? table
    : `${table}\n\nSimulated: ${simulated.join(", ")} answered offline with generated text, not a real model's answers (a model string such as openai:gpt-4o-mini gives real ones).`;
}
