import type { RunStatus, RunStore } from "../core/ports/run-store.js";
import { flowchart, loadRunTrace, mermaid, runReport, toolTrace } from "../views/index.js";
import { traceFormatter } from "../views/trace-formatter.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";
import { ExitCode } from "./exit-code.js";
import { openStore, requireRun } from "./open-store.js";
import { printRun } from "./print-run.js";

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

/** The flags of `baton show`: at most one view; none prints the run's summary. */
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

/**
 * `baton show <runId>`: one run from the store with the runs it started, a workflow's or
 * an orchestrator's alike, as a flowchart, trace, Mermaid diagram or JSON report; without
 * a view, the summary `baton run` printed.
 */
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
    await requireRun(store, runId, context, options.store);
    if (options.follow) await followToEnd(store, runId, context);
    // Read after following: the log, not the record, says how the run ended.
    const trace = await loadRunTrace({ store, runId });
    const write = (text: string) => context.stdout.write(`${text}\n`);
    switch (views[0]) {
      case "json":
        write(JSON.stringify(await runReport(trace), null, 2));
        break;
      case "trace":
        write(await toolTrace(trace));
        break;
      case "flowchart":
        write(await flowchart(trace));
        break;
      case "mermaid":
        write(await mermaid(trace));
        break;
      default:
        // Shown as it ended: a failed run's error goes to stderr.
        await printRun(trace, context, { storeFlag: options.store });
    }
    // Only a followed run exits as `baton run` does; showing a failed run succeeds.
    return options.follow ? exitCodeOf(trace.state.status) : ExitCode.success;
  } finally {
    await store.close();
  }
}
