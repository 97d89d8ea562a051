import { llmLowerBoundMs } from "./llm-workload.js";
import type { ChildReport } from "./report-types.js";
import { remainingPath, simulateSchedule } from "./simulate-schedule.js";
import { formatNumber, formatRatio, formatSummary, type Summary, summarize } from "./stats.js";
import { criticalPathMs, type Workload, type WorkloadCase } from "./workload.js";

export interface WorkloadResult {
  workload: Workload;
  /** Contender ids in column order. */
  contenders: string[];
  reports: Record<string, ChildReport>;
}

export interface ImportResult {
  contender: string;
  specifier: string;
  ms: number[];
  rssMb: number[];
  /** Names the module exports (from the last sample). */
  exports?: string[];
  status: string;
}

const names: Record<string, string> = {
  baseline: "baseline (async/await)",
  "baton-est": "Baton + estimatedMs",
  "baton-otel": "Baton + telemetry(), no tracer provider",
  baton: "Baton",
  "baton-pg": "Baton on PostgreSQL",
  "baton-pg-async": "Baton on PostgreSQL, synchronous_commit=off",
  langgraph: "LangGraph.js",
  "langgraph-pg": "LangGraph.js on PostgreSQL",
  mastra: "Mastra",
};

function columnName(workload: Workload, contender: string): string {
  if (workload.id === "W7" && contender === "baseline") return "baseline (FIFO queue)";
  if (workload.id === "W8" && contender === "baseline") return "baseline (Promise.all + p-limit)";
  return names[contender] ?? contender;
}

function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|");
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(escapeCell).join(" | ")} |`;
}

function caseSummary(result: WorkloadResult, contender: string, index: number): Summary | string {
  const report = result.reports[contender];
  const caseReport = report?.cases[index];
  if (caseReport === undefined) return "not run";
  if (caseReport.status !== "ok") return caseReport.status;
  return summarize(caseReport.samples) ?? "no samples";
}

type Metric = (
  summary: Summary,
  context: { baseline?: Summary; workloadCase: WorkloadCase },
) => number | undefined;

interface MetricRow {
  label: string;
  value: Metric;
  format: (value: number) => string;
}

function metricRows(workload: Workload): MetricRow[] {
  switch (workload.id) {
    case "W1":
    case "W5":
      return [
        {
          label: "per step, µs",
          value: (s, { workloadCase }) => (s.median * 1000) / workloadCase.steps.length,
          format: formatNumber,
        },
        {
          label: "overhead per step vs baseline, µs",
          value: (s, { baseline, workloadCase }) =>
            baseline && ((s.median - baseline.median) * 1000) / workloadCase.steps.length,
          format: formatNumber,
        },
      ];
    default:
      return [
        {
          label: "makespan ÷ ideal",
          value: (s, { workloadCase }) => s.median / workloadCase.idealMs,
          format: formatRatio,
        },
        {
          label: "makespan ÷ baseline's",
          value: (s, { baseline }) => baseline && s.median / baseline.median,
          format: formatRatio,
        },
      ];
  }
}

/** One Markdown table for a workload: contenders as columns, figures as rows. */
export function workloadTable(result: WorkloadResult): string {
  const { workload, contenders } = result;
  const lines: string[] = [];
  lines.push(`### ${workload.title}`, "");
  lines.push(row(["", ...contenders.map((id) => columnName(workload, id))]));
  lines.push(`|---|${contenders.map(() => "--:").join("|")}|`);
  const many = workload.cases.length > 1;
  workload.cases.forEach((workloadCase, index) => {
    const prefix = many ? `${workloadCase.label}: ` : "";
    const summaries = contenders.map((id) => caseSummary(result, id, index));
    const baseline = summaries[contenders.indexOf("baseline")];
    const baton = summaries[contenders.indexOf("baton")];
    const ideal =
      workloadCase.idealMs > 0 ? ` (ideal ${formatNumber(workloadCase.idealMs)} ms)` : "";
    lines.push(
      row([
        `${prefix}makespan, ms: median (min–max)${ideal}`,
        ...summaries.map((s) => (typeof s === "string" ? s : formatSummary(s))),
      ]),
    );
    for (const metric of metricRows(workload)) {
      lines.push(
        row([
          `${prefix}${metric.label}`,
          ...summaries.map((s) => {
            if (typeof s === "string") return "—";
            const value = metric.value(s, {
              baseline: typeof baseline === "object" ? baseline : undefined,
              workloadCase,
            });
            return value === undefined ? "—" : metric.format(value);
          }),
        ]),
      );
    }
    lines.push(
      row([
        `${prefix}makespan ÷ Baton's`,
        ...summaries.map((s) =>
          typeof s === "string" || typeof baton !== "object"
            ? "—"
            : formatRatio(s.median / baton.median),
        ),
      ]),
    );
  });
  if (workload.id === "W3" && workload.cases.length === 2) {
    lines.push(
      row([
        "overhead growth 1000 → 2000 branches (2x = linear, 4x = quadratic)",
        ...contenders.map((id) => {
          const small = caseSummary(result, id, 0);
          const large = caseSummary(result, id, 1);
          if (typeof small === "string" || typeof large === "string") return "—";
          const ideal = workload.cases[0]!.idealMs;
          return formatRatio((large.median - ideal) / (small.median - ideal));
        }),
      ]),
    );
  }
  const extraLabels = new Set(
    contenders.flatMap((id) => result.reports[id]?.extras?.map((extra) => extra.label) ?? []),
  );
  for (const label of extraLabels) {
    lines.push(
      row([
        `${label}, ms: median (min–max)`,
        ...contenders.map((id) => {
          const extra = result.reports[id]?.extras?.find((item) => item.label === label);
          if (extra === undefined) return "n/a";
          if (extra.status !== "ok") return extra.status;
          const summary = summarize(extra.samples);
          return summary ? formatSummary(summary) : "no samples";
        }),
      ]),
    );
  }
  lines.push(
    row([
      "peak RSS of its process, MB",
      ...contenders.map((id) => {
        const rss = result.reports[id]?.maxRssMb;
        return rss === undefined ? "—" : rss.toFixed(0);
      }),
    ]),
  );
  if (workload.id === "W8") {
    const median = (values: number[] | undefined) => {
      const summary = values && summarize(values);
      return summary ? formatNumber(summary.median) : "—";
    };
    lines.push(
      row([
        "429s for the provider's limits, per run (median)",
        ...contenders.map((id) => median(result.reports[id]?.cases[0]?.rateLimited)),
      ]),
      row([
        "429s injected as faults, per run (median)",
        ...contenders.map((id) => median(result.reports[id]?.cases[0]?.injected)),
      ]),
    );
    lines.push("", llmBoundReference(workload.cases[0]!));
  }
  if (workload.id === "W7") lines.push("", scheduleReference(workload.cases[0]!));
  return lines.join("\n");
}

/** How W8's lower bound is made up. */
function llmBoundReference(workloadCase: WorkloadCase): string {
  const { llm, steps } = workloadCase;
  if (!llm) return "";
  const { parts } = llmLowerBoundMs(steps, llm, criticalPathMs(steps));
  const list = Object.entries(parts)
    .map(([name, ms]) => `${name} ${formatNumber(ms)} ms`)
    .join(", ");
  return (
    `Lower bound parts: ${list}. Baton declares the providers' limits (\`limits\`); the script ` +
    `and LangGraph.js know none and run at most ${llm.scriptConcurrency} calls at once, waiting out each 429's Retry-After.`
  );
}

/** What W7's orders reach in a simulation with exact durations and no overhead. */
function scheduleReference(workloadCase: WorkloadCase): string {
  const concurrency = workloadCase.concurrency ?? Number.POSITIVE_INFINITY;
  const { steps, idealMs } = workloadCase;
  const bySteps = remainingPath(steps, () => 1);
  const byMs = remainingPath(steps, (step) => step.ms);
  const ratio = (priority: (id: string) => number) =>
    formatRatio(simulateSchedule(steps, concurrency, (step) => priority(step.id)) / idealMs);
  return (
    "Reference, simulated with exact durations and zero overhead (÷ ideal): " +
    `FIFO ${ratio(() => 0)}, ` +
    `longest remaining path first by step count ${ratio((id) => bySteps.get(id)!)}, ` +
    `by duration ${ratio((id) => byMs.get(id)!)}.`
  );
}

/** The import-cost table: a fresh Node process per sample. */
export function importTable(results: readonly ImportResult[]): string {
  const lines = ["### Import: fresh `node` process, `await import(...)`", ""];
  lines.push(row(["", ...results.map((result) => names[result.contender] ?? result.contender)]));
  lines.push(`|---|${results.map(() => "--:").join("|")}|`);
  lines.push(row(["module imported", ...results.map((result) => `\`${result.specifier}\``)]));
  const cells = (pick: (result: ImportResult) => number[], digits: number) =>
    results.map((result) => {
      if (result.status !== "ok") return result.status;
      const summary = summarize(pick(result));
      return summary
        ? `${summary.median.toFixed(digits)} (${summary.min.toFixed(digits)}–${summary.max.toFixed(digits)})`
        : "no samples";
    });
  lines.push(
    row([
      "named exports",
      ...results.map((result) => (result.exports ? String(result.exports.length) : "—")),
    ]),
  );
  lines.push(row(["import time, ms: median (min–max)", ...cells((r) => r.ms, 1)]));
  lines.push(row(["RSS after import, MB: median (min–max)", ...cells((r) => r.rssMb, 0)]));
  const baton = results.find((result) => result.contender === "baton");
  const batonMs = baton?.status === "ok" ? summarize(baton.ms) : undefined;
  lines.push(
    row([
      "import time ÷ Baton's",
      ...results.map((result) => {
        const summary = result.status === "ok" ? summarize(result.ms) : undefined;
        return summary && batonMs ? formatRatio(summary.median / batonMs.median) : "—";
      }),
    ]),
  );
  return lines.join("\n");
}
