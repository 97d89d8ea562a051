import { type RunReport, runReport, runSummary, type TraceRun } from "../views/index.js";
import type { CliContext } from "./cli-context.js";
import { ExitCode } from "./exit-code.js";

export interface PrintRunOptions {
  /** Print the report as one JSON object on stdout, and nothing else there. */
  json?: boolean;
  /** The store flag the run used, repeated in the hints (`--store path`). */
  storeFlag?: string | undefined;
}

/**
 * Prints how a run ended, a workflow's or an orchestrator's alike: with `json`, its report
 * as one JSON object; otherwise its summary (output, trace, usage and cost tables). A
 * failed run's error goes to stderr; a waiting run gets the commands that approve or
 * reject it. Returns the exit code: 0 when the run succeeded or waits, 1 when it failed or
 * was cancelled.
 */
export async function printRun(
  trace: TraceRun,
  context: CliContext,
  { json = false, storeFlag }: PrintRunOptions = {},
): Promise<ExitCode> {
  const report = await runReport(trace);
  context.stdout.write(
    json ? `${JSON.stringify(report, null, 2)}\n` : `${await runSummary(trace)}\n`,
  );
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

/** How to go on with a waiting run. */
function waitingHint(report: RunReport, storeFlag: string | undefined): string {
  const store = storeFlag ? ` --store ${quote(storeFlag)}` : "";
  const lines = [`Run ${report.runId} is waiting (${report.waitReason ?? "approval"}).`];
  for (const approval of report.waitingFor ?? []) {
    lines.push(
      `  Step ${approval.stepId} needs approval${approval.message ? `: ${approval.message}` : "."}`,
      `    approve: baton approve ${report.runId} ${approval.stepId} --comment "..."${store}`,
      `    reject:  baton reject ${report.runId} ${approval.stepId} --comment "..."${store}`,
    );
  }
  lines.push(`  Then continue it: baton resume ${report.runId}${store}`);
  return `${lines.join("\n")}\n`;
}

function quote(value: string): string {
  return /^[\w./:@-]+$/.test(value) ? value : JSON.stringify(value);
}
