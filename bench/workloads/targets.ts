import type { ImportResult, WorkloadResult } from "./markdown-report.js";
import { formatNumber, type Summary, summarize } from "./stats.js";

/** Baton's targets, checked against what this run measured: one line per target. */
export function targetLines(
  results: readonly WorkloadResult[],
  imports: readonly ImportResult[],
): string[] {
  const lines: string[] = [];
  for (const result of results) lines.push(...workloadTargets(result));
  const baton = imports.find((item) => item.contender === "baton");
  if (baton !== undefined) {
    const ms = baton.status === "ok" ? summarize(baton.ms) : undefined;
    const rss = baton.status === "ok" ? summarize(baton.rssMb) : undefined;
    lines.push(verdict("Import: Baton < 100 ms", ms?.median, (v) => v < 100, "ms", baton.status));
    lines.push(
      verdict("Import: Baton RSS < 70 MB", rss?.median, (v) => v < 70, "MB", baton.status),
    );
    if (baton.exports && !baton.exports.includes("workflow")) {
      lines.push(
        "- Note: dist/index.js does not export `workflow` yet, so Baton's import figures leave the engine out.",
      );
    }
  }
  return lines;
}

function verdict(
  target: string,
  value: number | undefined,
  met: (value: number) => boolean,
  unit: string,
  why: string,
): string {
  if (value === undefined) return `- ${target}: not measured (${why}).`;
  return `- ${target}: ${met(value) ? "met" : "MISSED"}, ${formatNumber(value)} ${unit}.`;
}

function median(result: WorkloadResult, contender: string, index: number): Summary | string {
  const caseReport = result.reports[contender]?.cases[index];
  if (caseReport === undefined) return "not run";
  if (caseReport.status !== "ok") return caseReport.status;
  return summarize(caseReport.samples) ?? "no samples";
}

/** A contender's resume-10k extra against a limit in ms. */
function resumeVerdict(
  result: WorkloadResult,
  contender: string,
  target: string,
  limit: number,
): string {
  const extra = result.reports[contender]?.extras?.find((item) => item.label.startsWith("resume"));
  const summary = extra?.status === "ok" ? summarize(extra.samples) : undefined;
  return verdict(target, summary?.median, (v) => v < limit, "ms", extra?.status ?? "not run");
}

function workloadTargets(result: WorkloadResult): string[] {
  const { workload } = result;
  const first = workload.cases[0]!;
  const baton = median(result, "baton", 0);
  const baseline = median(result, "baseline", 0);
  const why = typeof baton === "string" ? baton : typeof baseline === "string" ? baseline : "";
  const both = typeof baton === "object" && typeof baseline === "object";
  const idealRatio = typeof baton === "object" ? baton.median / first.idealMs : undefined;
  switch (workload.id) {
    case "W1":
    case "W5": {
      const limit = workload.id === "W1" ? 5 : 30;
      const overhead = both
        ? ((baton.median - baseline.median) * 1000) / first.steps.length
        : undefined;
      const lines = [
        verdict(
          `${workload.id}: Baton overhead ≤ ${limit} µs/step`,
          overhead,
          (v) => v <= limit,
          "µs/step",
          why,
        ),
      ];
      if (workload.id === "W5") {
        lines.push(
          resumeVerdict(result, "baton", "W5: Baton resumes a 10,000-step log in < 300 ms", 300),
        );
        for (const contender of ["baton-pg", "baton-pg-async"]) {
          if (!result.contenders.includes(contender)) continue;
          const onPostgres = median(result, contender, 0);
          lines.push(
            verdict(
              `W5: Baton on PostgreSQL${contender.endsWith("-async") ? " (synchronous_commit=off)" : ""} overhead ≤ 300 µs/step`,
              typeof onPostgres === "object" && typeof baseline === "object"
                ? ((onPostgres.median - baseline.median) * 1000) / first.steps.length
                : undefined,
              (v) => v <= 300,
              "µs/step",
              typeof onPostgres === "string" ? onPostgres : why,
            ),
          );
        }
        if (result.contenders.includes("baton-pg")) {
          lines.push(
            resumeVerdict(
              result,
              "baton-pg",
              "W5: Baton resumes a 10,000-step log from PostgreSQL in < 500 ms",
              500,
            ),
          );
        }
      }
      return lines;
    }
    case "W2":
      return [verdict("W2: Baton ≤ 1.03x ideal", idealRatio, (v) => v <= 1.03, "x", why)];
    case "W3": {
      const large = median(result, "baton", 1);
      const growth =
        typeof baton === "object" && typeof large === "object"
          ? (large.median - first.idealMs) / (baton.median - first.idealMs)
          : undefined;
      return [
        verdict("W3: Baton ≤ 1.3x ideal at 1000 branches", idealRatio, (v) => v <= 1.3, "x", why),
        verdict(
          "W3: Baton's cost linear in branches (overhead growth 1000 → 2000 ≤ 2.5x; 2x = linear)",
          growth,
          (v) => v <= 2.5,
          "x",
          why,
        ),
      ];
    }
    case "W4":
      return [
        verdict(
          "W4: Baton within 5% of the baseline",
          both ? baton.median / baseline.median : undefined,
          (v) => v <= 1.05,
          "x baseline",
          why,
        ),
      ];
    case "W6":
      return [verdict("W6: Baton ≤ 1.05x ideal", idealRatio, (v) => v <= 1.05, "x", why)];
    case "W8":
      return [verdict("W8: Baton ≤ 1.15x the lower bound", idealRatio, (v) => v <= 1.15, "x", why)];
    case "W7": {
      const estimated = median(result, "baton-est", 0);
      return [
        verdict("W7: Baton ≤ 1.1x the lower bound", idealRatio, (v) => v <= 1.1, "x", why),
        verdict(
          "W7: Baton with estimatedMs ≤ 1.1x the lower bound",
          typeof estimated === "object" ? estimated.median / first.idealMs : undefined,
          (v) => v <= 1.1,
          "x",
          typeof estimated === "string" ? estimated : "",
        ),
      ];
    }
  }
}
