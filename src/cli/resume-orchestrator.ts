import { dirname } from "node:path";
import type { RunRecord, RunStore } from "../core/ports/run-store.js";
import { resume } from "../durable/index.js";
import { buildOrchestrator } from "../orchestrator/index.js";
import type { OrchestratorSpec } from "../spec/index.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";
import type { ExitCode } from "./exit-code.js";
import { orchestratorProgress } from "./orchestrator-progress.js";
import { printOrchestratorRun } from "./print-orchestrator-run.js";
import { watchRun } from "./watch-run.js";

/** What `baton run` stores with an orchestrator run, so `baton resume` can rebuild it. */
export interface OrchestratorDefinition {
  kind: "orchestrator-spec";
  /** The spec as run (`--concurrency` / `--budget` applied). */
  spec: OrchestratorSpec;
  task: string;
  /** The spec file: relative paths in the spec are resolved from its directory. */
  specPath: string;
}

export function orchestratorDefinition(
  spec: OrchestratorSpec,
  task: string,
  specPath: string,
): OrchestratorDefinition {
  return { kind: "orchestrator-spec", spec, task, specPath };
}

function isOrchestratorDefinition(definition: unknown): definition is OrchestratorDefinition {
  return (
    typeof definition === "object" &&
    definition !== null &&
    (definition as OrchestratorDefinition).kind === "orchestrator-spec" &&
    typeof (definition as OrchestratorDefinition).spec === "object" &&
    typeof (definition as OrchestratorDefinition).specPath === "string"
  );
}

/**
 * `baton resume` of an orchestrator run: rebuilds the orchestrator from the spec the run
 * stored and resumes its `process()` workflow. Steps that ended keep their outputs; the
 * main step, in flight at the crash, runs again from the start (its planning and
 * delegation calls are made again). Prints and exits like `baton run` of the spec.
 */
export async function resumeOrchestrator(
  store: RunStore,
  record: RunRecord,
  options: { json?: boolean; store?: string; force?: boolean },
  context: CliContext,
): Promise<ExitCode> {
  const definition = record.definition;
  if (!isOrchestratorDefinition(definition)) {
    throw new CliInputError(
      `Run ${record.id} is an orchestrator run that stored no spec to rebuild it from (started by code, or by an older baton); run the task again with baton run`,
    );
  }
  const built = await buildOrchestrator(definition.spec, {
    env: context.env,
    baseDir: dirname(definition.specPath),
    store,
    source: definition.specPath,
    ...(context.clock ? { clock: context.clock } : {}),
    ...(context.ids ? { ids: context.ids } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
  });
  try {
    const { orchestrator } = built;
    const run = await resume(record.id, {
      store,
      ...(options.force === true ? { force: true } : {}),
      workflows: { [record.workflow]: orchestrator.processWorkflow },
      ...(context.clock ? { clock: context.clock } : {}),
      ...(context.ids ? { ids: context.ids } : {}),
    });
    // A run that did not succeed rejects with OrchestratorError; the report says why.
    await watchRun(run, context, {
      quiet: options.json === true,
      progress: orchestratorProgress,
    }).catch(() => {});
    return await printOrchestratorRun(store, record.id, context, {
      json: options.json === true,
      storeFlag: options.store,
    });
  } finally {
    await built.close();
  }
}
