import type { RunStore } from "../core/ports/run-store.js";
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
import { formatTrace } from "./run-trace.js";

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
    if (isOrchestratorRun(record))
      return await showOrchestratorRun(store, runId, views[0], context);
    const events = await store.readLog(runId);
    const own = events.filter((event) => event.runId === runId);
    switch (views[0]) {
      case "json":
        context.stdout.write(`${JSON.stringify(runReport(events, { runId, record }), null, 2)}\n`);
        return ExitCode.success;
      case "trace":
        context.stdout.write(`${formatTrace(own).join("\n")}\n`);
        return ExitCode.success;
      case "flowchart":
        context.stdout.write(
          `${formatFlowchart(runGraph(foldRunLog(events, { runId }), record))}\n`,
        );
        return ExitCode.success;
      case "mermaid":
        context.stdout.write(`${formatMermaid(runGraph(foldRunLog(events, { runId }), record))}\n`);
        return ExitCode.success;
      default:
        printRun(events, { runId, record }, context, { storeFlag: options.store });
        return ExitCode.success;
    }
  } finally {
    await store.close();
  }
}
