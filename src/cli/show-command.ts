import { flowchart, loadRunTrace, mermaid, runReport, toolTrace } from "../views/index.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";
import { ExitCode } from "./exit-code.js";
import { openStore, storeLabel } from "./open-store.js";
import { printRun } from "./print-run.js";

/** The flags of `baton show`: at most one view; none prints the run's summary. */
export interface ShowCommandOptions {
  flowchart?: boolean;
  trace?: boolean;
  mermaid?: boolean;
  json?: boolean;
  store?: string;
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
    if (!(await store.getRun(runId))) {
      const recent = (await store.listRuns({ limit: 5 })).map((run) => run.id);
      throw new CliInputError(
        `Unknown run "${runId}" in ${storeLabel(context, options.store)}${recent.length > 0 ? ` (recent runs: ${recent.join(", ")})` : ""}`,
      );
    }
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
        // Shown as it ended: a failed run's error goes to stderr, and show still exits 0.
        await printRun(trace, context, { storeFlag: options.store });
    }
    return ExitCode.success;
  } finally {
    await store.close();
  }
}
