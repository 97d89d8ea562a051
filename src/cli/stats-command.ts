import type { LatencyStats } from "../stats/index.js";
import { runStatistics } from "../stats/index.js";
import { formatCents, formatDuration } from "../views/format-values.js";
import { formatTable } from "../views/text-table.js";
import type { CliContext } from "./cli-context.js";
import { ExitCode } from "./exit-code.js";
import { openStore, storeLabel, storeMissing } from "./open-store.js";

/** The flags of `baton stats`. */
export interface StatsCommandOptions {
  /** Only runs created in the last so long (`--since 24h`, `7d`, `30m`) or since a date. */
  since?: { ago: number } | { at: number };
  /** Only runs of this workflow. */
  workflow?: string;
  /** Print the statistics as JSON. @default false */
  json?: boolean;
  store?: string;
}

/** Up to two decimals, without trailing zeros. */
const round = (value: number) => String(Math.round(value * 100) / 100);

/**
 * `baton stats`: statistics over the runs in the store: runs and steps by status,
 * latency of whole runs and per model, agent and step (average, p50, p95), retries,
 * fallbacks, usage, cost, tool calls per agent run and the response cache's hit rate.
 */
export async function statsCommand(
  options: StatsCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  if (storeMissing(context, options.store)) {
    context.stdout.write(
      options.json
        ? "null\n"
        : `No runs yet (no store at ${storeLabel(context, options.store)}).\n`,
    );
    return ExitCode.success;
  }
  const now = context.clock?.now() ?? Date.now();
  const since =
    options.since === undefined
      ? undefined
      : "ago" in options.since
        ? now - options.since.ago
        : options.since.at;
  const store = await openStore(context, options.store, { readOnly: true });
  try {
    const stats = await runStatistics(store, {
      ...(since !== undefined ? { since } : {}),
      ...(options.workflow !== undefined ? { workflow: options.workflow } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    if (options.json) {
      context.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
      return ExitCode.success;
    }
    const counts = (record: Record<string, number>) =>
      Object.entries(record)
        .filter(([, count]) => count > 0)
        .map(([status, count]) => `${count} ${status}`)
        .join(", ") || "none";
    const sections = [
      `Runs: ${stats.runs.total} (${counts(stats.runs.byStatus)})`,
      `Steps: ${stats.steps.total} (${counts(stats.steps.byStatus)})`,
      `Retries: ${stats.retries.steps} steps, ${stats.retries.modelCalls} model calls; fallbacks: ${stats.fallbacks.total}${
        stats.fallbacks.total > 0
          ? ` (${Object.entries(stats.fallbacks.byRoute)
              .map(([route, count]) => `${route}: ${count}`)
              .join(", ")})`
          : ""
      }`,
      `Usage: ${stats.usage.inputTokens} input + ${stats.usage.outputTokens} output tokens; cost ${formatCents(stats.cost.totalCents)} (models ${formatCents(stats.cost.modelCents)}, tools ${formatCents(stats.cost.toolCents)})`,
      `Agents: ${stats.agents.runs} runs, ${stats.agents.toolCalls} tool calls (${
        stats.agents.averageToolCalls === null ? "-" : round(stats.agents.averageToolCalls)
      } per run); response cache: ${stats.cache.hits} hits, ${stats.cache.misses} misses (hit rate ${
        stats.cache.hitRate === null ? "-" : `${round(stats.cache.hitRate * 100)}%`
      })`,
    ];
    for (const [title, byName] of [
      ["run", stats.latency.runs ? { "whole runs": stats.latency.runs } : {}],
      ["model", stats.latency.byModel],
      ["agent", stats.latency.byAgent],
      ["step", stats.latency.byStep],
    ] as const) {
      const entries = Object.entries(byName).filter(
        (entry): entry is [string, LatencyStats] => entry[1] !== undefined,
      );
      if (entries.length === 0) continue;
      sections.push(
        formatTable(
          [title, "count", "average", "p50", "p95", "max"],
          entries.map(([name, latency]) => [
            name,
            String(latency.count),
            formatDuration(latency.averageMs),
            formatDuration(latency.p50Ms),
            formatDuration(latency.p95Ms),
            formatDuration(latency.maxMs),
          ]),
          { alignRight: [1, 2, 3, 4, 5] },
        ),
      );
    }
    context.stdout.write(`${sections.join("\n\n")}\n`);
    return ExitCode.success;
  } finally {
    await store.close();
  }
}
