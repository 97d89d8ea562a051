import { formatCents, formatDuration } from "./format-values.js";
import type { RunReport } from "./run-report.js";
import { statusMark } from "./text-format.js";
import { type TableData, tableText } from "./text-table.js";

/** The rows of `usageTable` (internal: the report draws them as a Markdown or PDF table). */
export function usageRows(report: RunReport): TableData {
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
  return {
    header: ["step", "status", "model", "attempts", "input", "output", "time", "cost"],
    rows,
    alignRight: [3, 4, 5, 6, 7],
  };
}

/**
 * The usage table of a run report: one row per step of every run of the tree (status,
 * model, attempts, tokens, time, cost; a child run's steps named `<workflow>/<step>`), then
 * the total of the whole tree, model and tool calls included.
 * @example
 * console.log(usageTable(await runReport({ store, runId })));
 */
export function usageTable(report: RunReport): string {
  return tableText(usageRows(report));
}

/**
 * Model calls, tool calls, tokens and cost (model and tool cents) per agent, then the total
 * of the whole tree; none when no agent ran (internal: `toolTrace` and the report draw it).
 */
export function agentRows(report: RunReport): TableData | undefined {
  const { cost, usage } = report;
  const agents = Object.entries(cost.byAgent);
  if (agents.length === 0) return undefined;
  const calls = agents.reduce(
    (sum, [, agent]) => ({ model: sum.model + agent.modelCalls, tool: sum.tool + agent.toolCalls }),
    { model: 0, tool: 0 },
  );
  const total = (modelCents: number | null, toolCents: number) =>
    formatCents(modelCents === null ? null : modelCents + toolCents);
  return {
    header: ["agent", "role", "model calls", "tool calls", "input", "output", "total", "cost"],
    rows: [
      ...agents.map(([name, agent]) => [
        name,
        agent.role,
        String(agent.modelCalls),
        String(agent.toolCalls),
        String(agent.usage.inputTokens),
        String(agent.usage.outputTokens),
        String(agent.usage.totalTokens),
        total(agent.modelCents, agent.toolCents),
      ]),
      [
        "total",
        "",
        String(calls.model),
        String(calls.tool),
        String(usage.inputTokens),
        String(usage.outputTokens),
        String(usage.totalTokens),
        formatCents(cost.totalCents),
      ],
    ],
    alignRight: [2, 3, 4, 5, 6, 7],
  };
}

/** The parts of `costTable` (internal: the report draws the tables its own way). */
export interface CostParts {
  /** Calls, failures, tokens and cost per model; none when no model was called. */
  models: TableData | undefined;
  /** Calls, failures and cost per tool; none when no tool was called. */
  tools: TableData | undefined;
  /** Which models were simulated, when some were. */
  simulatedNote: string | undefined;
  /** `Cost: <models> for models + <tools> for tools = <total>` (or planning + subagents + tools). */
  costLine: string;
}

export function costParts(report: RunReport): CostParts {
  const models = Object.entries(report.cost.byModel);
  const tools = Object.entries(report.cost.byTool);
  const simulated = models
    .map(([model]) => model)
    .filter((model) => model.startsWith("simulated:"));
  const { cost } = report;
  const parts =
    report.kind === "orchestrator"
      ? `${formatCents(cost.planningCents)} planning + ${formatCents(cost.subagentCents)} subagents + ${formatCents(cost.toolCents)} tools`
      : `${formatCents(cost.modelCents)} for models + ${formatCents(cost.toolCents)} for tools`;
  const unpriced =
    cost.unpricedModels.length > 0
      ? ` (no price known for ${cost.unpricedModels.join(", ")}, so its calls are left out: give it prices)`
      : "";
  // A column for calls cut short before their reply, only when some were.
  const cutShort = models.some(
    ([, spend]) => (spend.usage.possiblyBilledTokens ?? 0) > 0 || spend.possiblyBilledCents,
  );
  return {
    models:
      models.length === 0
        ? undefined
        : {
            header: [
              "model",
              "calls",
              "failed",
              "input",
              "output",
              "cost",
              ...(cutShort ? ["possibly billed"] : []),
            ],
            rows: models.map(([model, spend]) => [
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
            alignRight: cutShort ? [1, 2, 3, 4, 5, 6] : [1, 2, 3, 4, 5],
          },
    tools:
      tools.length === 0
        ? undefined
        : {
            header: ["tool", "calls", "failed", "cost"],
            rows: tools.map(([tool, spend]) => [
              tool,
              String(spend.calls),
              String(spend.failedCalls),
              formatCents(spend.cents),
            ]),
            alignRight: [1, 2, 3],
          },
    simulatedNote:
      simulated.length > 0
        ? `Simulated: ${simulated.join(", ")} answered offline with generated text, not a real model's answers (a model string such as openai:gpt-4o-mini gives real ones).`
        : undefined,
    costLine: `Cost: ${parts} = ${formatCents(cost.totalCents)}${unpriced}${possiblyBilledNote(report)}`,
  };
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

/**
 * The cost table of a run report: calls, failures, tokens and cost per model (a note names
 * the simulated ones), calls and cost per tool, then where the money went:
 * `Cost: <models> for models + <tools> for tools = <total>`, or for an orchestrator run
 * `Cost: <planning> planning + <subagents> subagents + <tools> tools = <total>`.
 * @example
 * console.log(costTable(await runReport({ store, runId })));
 */
export function costTable(report: RunReport): string {
  const { models, tools, simulatedNote, costLine } = costParts(report);
  return [
    ...(models ? [tableText(models)] : []),
    ...(tools ? [tableText(tools)] : []),
    ...(simulatedNote ? [simulatedNote] : []),
    costLine,
  ].join("\n\n");
}
