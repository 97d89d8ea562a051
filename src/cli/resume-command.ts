import { resume } from "../durable/index.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";
import { cliTelemetry } from "./cli-telemetry.js";
import type { ExitCode } from "./exit-code.js";
import { followRun } from "./follow-run.js";
import { openStore, storeLabel } from "./open-store.js";
import { queueDispatcherFor } from "./queue-option.js";
import { cliSpecTools } from "./spec-file.js";

/** The flags of `baton resume`. */
export interface ResumeCommandOptions {
  /** Print one JSON object (the run report) on stdout, no progress view. @default false */
  json?: boolean;
  store?: string;
  /**
   * Take the run even when its owner's heartbeat is fresh (the process that ran it is
   * known to be dead, e.g. killed seconds ago). @default false
   */
  force?: boolean;
  /** Send the steps to workers on this queue (a Redis URL), adopting those still running there. */
  queue?: string;
}

/**
 * `baton resume <runId>`: finishes a run from its log (after a crash, or once its
 * approvals are decided). The workflow is rebuilt from the spec the run stored, with the
 * tools its spec file configured; steps that ended keep their results. An orchestrator
 * run is rebuilt from its stored orchestrator spec (`resumeOrchestrator`). Prints and
 * exits like `baton run`.
 */
export async function resumeCommand(
  runId: string,
  options: ResumeCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const store = await openStore(context, options.store, { mustExist: true });
  try {
    const record = await store.getRun(runId);
    if (!record)
      throw new CliInputError(`Unknown run "${runId}" in ${storeLabel(context, options.store)}`);
    // An orchestrator's process run: rebuilt from its stored orchestrator spec.
    if (typeof record.metadata?.orchestrator === "string") {
      const { resumeOrchestrator } = await import("./orchestrator-runs.js");
      return await resumeOrchestrator(store, record, options, context);
    }
    const specPath =
      typeof record.metadata?.specPath === "string" ? record.metadata.specPath : runId;
    const definition = record.definition as { spec?: { tools?: unknown } } | undefined;
    // Runs started before specs declared tools kept the section in their metadata.
    const section = definition?.spec?.tools ?? record.metadata?.tools;
    const tools = await cliSpecTools(
      { tools: section },
      { path: specPath, source: specPath },
      context,
    );
    const dispatcher = options.queue ? await queueDispatcherFor(options.queue) : undefined;
    try {
      const run = await resume(runId, {
        store,
        ...(options.force === true ? { force: true } : {}),
        start: { telemetry: await cliTelemetry(), ...(dispatcher ? { dispatcher } : {}) },
        build: {
          tools: tools.registry,
          env: context.env,
          source: specPath,
          ...(context.clock ? { clock: context.clock } : {}),
        },
        ...(context.clock ? { clock: context.clock } : {}),
        ...(context.ids ? { ids: context.ids } : {}),
      });
      return await followRun(run, store, context, {
        json: options.json === true,
        storeFlag: options.store,
      });
    } finally {
      await tools.close();
      await dispatcher?.close();
    }
  } finally {
    await store.close();
  }
}
