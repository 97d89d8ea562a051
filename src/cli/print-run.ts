import type { LoggedEvent, RunRecord } from "../core/ports/run-store.js";
import type { CliContext } from "./cli-context.js";
import { formatCostTable } from "./cost-table.js";
import { ExitCode } from "./exit-code.js";
import { type RunReport, runReport } from "./run-report.js";
import { formatTrace } from "./run-trace.js";

export interface PrintRunOptions {
  /** Print the report as one JSON object on stdout, and nothing else there. */
  json?: boolean;
  /** The store flag the run used, repeated in the hints (`--store path`). */
  storeFlag?: string | undefined;
}

/**
 * Prints how a run ended: with `json`, the run report as one JSON object; otherwise the
 * output, the trace and the cost table. A failed run's error goes to stderr; a waiting
 * run gets the commands that approve or reject it. Returns the exit code: 0 when the run
 * succeeded or waits, 1 when it failed or was cancelled.
 */
export function printRun(
  events: readonly LoggedEvent[],
  { runId, record }: { runId: string; record?: RunRecord | undefined },
  context: CliContext,
  { json = false, storeFlag }: PrintRunOptions = {},
): ExitCode {
  const report = runReport(events, { runId, record });
  if (json) context.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    context.stdout.write(
      [
        `Run ${report.runId} (${report.workflow ?? "?"}) ${report.status}`,
        "",
        "Output:",
        indent(formatOutput(report.output)),
        "",
        "Trace:",
        indent(formatTrace(events.filter((event) => event.runId === runId)).join("\n")),
        "",
        formatCostTable(report),
        "",
      ].join("\n"),
    );
  }
  return finishRun(report, context, { json, storeFlag });
}

/**
 * The end of printing a run, shared by workflow and orchestrator runs: a failed or
 * cancelled run's error on stderr (exit 1), a waiting run's approve/resume commands, else 0.
 */
export function finishRun(
  report: Pick<RunReport, "runId" | "status" | "error" | "waitReason" | "waitingFor">,
  context: CliContext,
  { json = false, storeFlag }: PrintRunOptions,
): ExitCode {
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
export function waitingHint(
  report: Pick<RunReport, "runId" | "waitReason" | "waitingFor">,
  storeFlag: string | undefined,
): string {
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

/** A run's output as text: strings as they are, anything else as indented JSON. */
export function formatOutput(output: unknown): string {
  if (typeof output === "string") return output;
  if (output === null || output === undefined) return "(none)";
  return JSON.stringify(output, null, 2);
}

/** `text` with every non-empty line indented by two spaces. */
export function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => (line === "" ? line : `  ${line}`))
    .join("\n");
}

function quote(value: string): string {
  return /^[\w./:@-]+$/.test(value) ? value : JSON.stringify(value);
}
