import { dirname } from "node:path";
import type { RunRecord, RunStore } from "../core/ports/run-store.js";
import type { RunTelemetry } from "../core/ports/run-telemetry.js";
import { resume } from "../durable/index.js";
import { type BuiltOrchestrator, buildOrchestrator } from "../orchestrator/index.js";
import type { OrchestratorSpec } from "../spec/index.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";
import { cliTelemetry } from "./cli-telemetry.js";
import type { ExitCode } from "./exit-code.js";
import { type FollowedRun, followRun } from "./follow-run.js";
import { openStore } from "./open-store.js";
import { orchestratorProgress } from "./orchestrator-progress.js";
import type { ResumeCommandOptions } from "./resume-command.js";
import type { RunCommandOptions } from "./run-command.js";
import type { SpecFile } from "./spec-file.js";

/** What `baton run` stores with an orchestrator run, so `baton resume` can rebuild it. */
export interface OrchestratorDefinition {
  kind: "orchestrator-spec";
  /** The spec as run (`--concurrency` / `--budget` applied). */
  spec: OrchestratorSpec;
  task: string;
  /** The spec file: relative paths in the spec are resolved from its directory. */
  specPath: string;
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
 * The orchestrator a spec describes (its tools, MCP servers, subagents), on `store`, traced
 * by `telemetry`.
 */
function build(
  spec: OrchestratorSpec,
  specPath: string,
  source: string,
  store: RunStore,
  context: CliContext,
  telemetry: RunTelemetry,
): Promise<BuiltOrchestrator> {
  return buildOrchestrator(spec, {
    env: context.env,
    baseDir: dirname(specPath),
    store,
    source,
    telemetry,
    ...(context.clock ? { clock: context.clock } : {}),
    ...(context.ids ? { ids: context.ids } : {}),
    ...(context.signal ? { signal: context.signal } : {}),
  });
}

/** Follows an orchestrator run with its own progress lines, then prints it. */
function follow(
  run: FollowedRun,
  store: RunStore,
  options: { json?: boolean; store?: string },
  context: CliContext,
): Promise<ExitCode> {
  return followRun(run, store, context, {
    json: options.json === true,
    storeFlag: options.store,
    progress: orchestratorProgress,
  });
}

/**
 * `baton run` of an orchestrator spec (`kind: orchestrator`): builds the orchestrator on
 * the store, gives it the spec's `task` (or `--input task=...`), follows its planning and
 * delegations on stderr, then prints the run as `baton run` prints every run.
 */
export async function runOrchestratorSpec(
  file: SpecFile,
  parsed: OrchestratorSpec,
  options: RunCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const spec: OrchestratorSpec = {
    ...parsed,
    ...(options.concurrency !== undefined ? { maxParallelTasks: options.concurrency } : {}),
    ...(options.budgetCents !== undefined
      ? { budget: { ...parsed.budget, maxCents: options.budgetCents } }
      : {}),
  };
  const task = taskOf(spec, options.input ?? [], file.source);
  const store = await openStore(context, options.store);
  try {
    const built = await build(spec, file.path, file.source, store, context, await cliTelemetry());
    try {
      const definition: OrchestratorDefinition = {
        kind: "orchestrator-spec",
        spec,
        task,
        specPath: file.path,
      };
      const run = built.orchestrator.start(task, {
        definition,
        metadata: { specPath: file.path },
      });
      return await follow(run, store, options, context);
    } finally {
      await built.close();
    }
  } finally {
    await store.close();
  }
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
  options: ResumeCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const definition = record.definition;
  if (!isOrchestratorDefinition(definition)) {
    throw new CliInputError(
      `Run ${record.id} is an orchestrator run that stored no spec to rebuild it from (started by code, or by an older baton); run the task again with baton run`,
    );
  }
  const { specPath } = definition;
  // One tracer for the orchestrator and the resumed run it belongs to.
  const telemetry = await cliTelemetry();
  const built = await build(definition.spec, specPath, specPath, store, context, telemetry);
  try {
    const run = await resume(record.id, {
      store,
      ...(options.force === true ? { force: true } : {}),
      workflows: { [record.workflow]: built.orchestrator.processWorkflow },
      start: { telemetry },
      ...(context.clock ? { clock: context.clock } : {}),
      ...(context.ids ? { ids: context.ids } : {}),
    });
    return await follow(run, store, options, context);
  } finally {
    await built.close();
  }
}

/** The task: `--input task=...`, else the spec's `task`. */
function taskOf(
  spec: OrchestratorSpec,
  pairs: ReadonlyArray<readonly [string, string]>,
  source: string,
): string {
  const unknown = pairs.filter(([name]) => name !== "task").map(([name]) => name);
  if (unknown.length > 0) {
    throw new CliInputError(
      `An orchestrator spec takes one input, task (received --input ${unknown.join(", ")})`,
    );
  }
  const given = pairs.findLast(([name]) => name === "task")?.[1];
  const task = given ?? spec.task;
  if (task === undefined || task.trim() === "") {
    throw new CliInputError(
      `${source} has no task: add "task: ..." to the spec or give one with --input task="..."`,
    );
  }
  return task;
}
