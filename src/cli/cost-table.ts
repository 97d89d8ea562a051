import type { CostBreakdown, Usage } from "../core/usage.js";
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
    `Cost: ${formatCents(modelCents)} for models + ${formatCents(toolCents)} for tools = ${formatCents(totalCents)}${unpriced}${possiblyBilledNote(report.usage, report.cost)}`,
  );
  return sections.join("\n\n");
}

/**
 * What calls cut short before their reply (a timeout, a cancelled run) may have cost, as the
 * sentence that follows the cost line; empty when none was.
 */
export function possiblyBilledNote(
  usage: Pick<Usage, "possiblyBilledTokens">,
  cost: Pick<CostBreakdown, "possiblyBilledCents">,
): string {
  const tokens = usage.possiblyBilledTokens ?? 0;
  const cents = cost.possiblyBilledCents ?? 0;
  if (tokens === 0 && cents === 0) return "";
  return `; possibly billed besides: ${formatCents(cents)} (${tokens} tokens reserved by calls cut short before their reply)`;
}

/**
 * Calls, failures, tokens and cost per model, and a note naming the simulated ones (their
 * answers are generated offline, not a real model's); `undefined` when no model was called.
 */
export function formatModelTable(byModel: Record<string, ModelSpend>): string | undefined {
  const models = Object.entries(byModel);
  if (models.length === 0) return undefined;
  // A column for calls cut short before their reply, only when some were.
  const cutShort = models.some(
    ([, spend]) => (spend.usage.possiblyBilledTokens ?? 0) > 0 || spend.possiblyBilledCents,
  );
  const table = formatTable(
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
  );
  const simulated = models
    .map(([model]) => model)
    .filter((model) => model.startsWith("simulated:"));
  return simulated.length === 0
    ? table
    : `${table}\n\nSimulated: ${simulated.join(", ")} answered offline with generated text, not a real model's answers (a model string such as openai:gpt-4o-mini gives real ones).`;
}
