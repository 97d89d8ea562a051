import type { RunRecord, RunStatus, RunStore } from "../core/ports/run-store.js";
import { foldRunLog } from "../core/run/fold-run-log.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";
import { ExitCode } from "./exit-code.js";
import { openStore, storeLabel } from "./open-store.js";
import { isOrchestratorRun, orchestratorReport } from "./orchestrator-report.js";
import { printOrchestratorRun } from "./print-orchestrator-run.js";
import { printRun } from "./print-run.js";
import { formatFlowchart, formatMermaid, runGraph } from "./run-graph.js";
import { runReport } from "./run-report.js";
import { formatTrace, traceFormatter } from "./run-trace.js";

/**
 * Prints a run's trace on stderr as its log grows, from its first event, until it ends
 * (or Ctrl-C): the log is read from the store, so the run may be owned by any process.
 */
async function followToEnd(store: RunStore, runId: string, context: CliContext): Promise<void> {
  const { followRun } = await import("../durable/follow-run.js");
  const format = traceFormatter();
  const events = followRun(store, runId, context.signal ? { signal: context.signal } : {});
  for await (const event of events) {
    if (event.runId !== undefined && event.runId !== runId) continue;
    const line = format(event);
    if (line !== undefined) context.stderr.write(`${line}\n`);
  }
}

/** How `baton show --follow` exits: as `baton run` does for the run's status. */
function exitCodeOf(status: RunStatus): ExitCode {
  return status === "failed" || status === "cancelled" ? ExitCode.runFailed : ExitCode.success;
}

/** An orchestrator run, with its planning and delegation runs: the orchestrator's own views. */
async function showOrchestratorRun(
  store: RunStore,
  runId: string,
  view: (typeof VIEWS)[number] | undefined,
  context: CliContext,
): Promise<ExitCode> {
  const { flowchart, mermaid, toolTrace } = await import("../orchestrator/index.js");
  const source = { store, runId };
  switch (view) {
    case "json":
      context.stdout.write(
        `${JSON.stringify(await orchestratorReport(store, runId, await store.getRun(runId)), null, 2)}\n`,
      );
      break;
    case "trace":
      context.stdout.write(`${await toolTrace(source)}\n`);
      break;
    case "flowchart":
      context.stdout.write(`${await flowchart(source)}\n`);
      break;
    case "mermaid":
      context.stdout.write(`${await mermaid(source)}\n`);
      break;
    default:
      await printOrchestratorRun(store, runId, context);
  }
  return ExitCode.success;
}

/** The flags of `baton show`: at most one view; none prints the output, trace and cost table. */
export interface ShowCommandOptions {
  flowchart?: boolean;
  trace?: boolean;
  mermaid?: boolean;
  json?: boolean;
  store?: string;
  /**
   * Wait for the run to end (whichever process runs it), printing its trace on stderr as
   * it happens, then show it; exit 1 if it failed or was cancelled. @default false
   */
  follow?: boolean;
}

const VIEWS = ["flowchart", "trace", "mermaid", "json"] as const;

/** `baton show <runId>`: one run from the store, as a flowchart, trace, Mermaid or JSON. */
export async function showCommand(
  runId: string,
  options: ShowCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const views = VIEWS.filter((view) => options[view] === true);
  if (views.length > 1) {
    throw new CliInputError(
      `baton show: choose one of --flowchart, --trace, --mermaid, --json (received ${views.map((view) => `--${view}`).join(", ")})`,
    );
  }
  const store = await openStore(context, options.store, { readOnly: true });
  try {
    const record = await store.getRun(runId);
    if (!record) {
      const recent = (await store.listRuns({ limit: 5 })).map((run) => run.id);
      throw new CliInputError(
        `Unknown run "${runId}" in ${storeLabel(context, options.store)}${recent.length > 0 ? ` (recent runs: ${recent.join(", ")})` : ""}`,
      );
    }
    if (options.follow) {
      await followToEnd(store, runId, context);
      return await showRun(
        store,
        runId,
        (await store.getRun(runId)) ?? record,
        views[0],
        options,
        context,
      );
    }
    return await showRun(store, runId, record, views[0], options, context);
  } finally {
    await store.close();
  }
}

/** Prints one view of a run; with `--follow`, exits as `baton run` does for the run's status. */
async function showRun(
  store: RunStore,
  runId: string,
  record: RunRecord,
  view: (typeof VIEWS)[number] | undefined,
  options: ShowCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const events = await store.readLog(runId);
  // The log, not the record, says how the run ended: its record is updated just after.
  const code = options.follow ? exitCodeOf(foldRunLog(events, { runId }).status) : ExitCode.success;
  if (isOrchestratorRun(record)) {
    await showOrchestratorRun(store, runId, view, context);
    return code;
  }
  const own = events.filter((event) => event.runId === runId);
  switch (view) {
    case "json":
      context.stdout.write(`${JSON.stringify(runReport(events, { runId, record }), null, 2)}\n`);
      break;
    case "trace":
      context.stdout.write(`${formatTrace(own).join("\n")}\n`);
      break;
    case "flowchart":
      context.stdout.write(`${formatFlowchart(runGraph(foldRunLog(events, { runId }), record))}\n`);
      break;
    case "mermaid":
      context.stdout.write(`${formatMermaid(runGraph(foldRunLog(events, { runId }), record))}\n`);
      break;
    default:
      printRun(events, { runId, record }, context, { storeFlag: options.store });
  }
  return code;
}
