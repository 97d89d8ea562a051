import { dirname } from "node:path";
import { buildOrchestrator } from "../orchestrator/index.js";
import type { OrchestratorSpec } from "../spec/index.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";
import type { ExitCode } from "./exit-code.js";
import { openStore } from "./open-store.js";
import { orchestratorProgress } from "./orchestrator-progress.js";
import { printOrchestratorRun } from "./print-orchestrator-run.js";
import { orchestratorDefinition } from "./resume-orchestrator.js";
import type { RunCommandOptions } from "./run-command.js";
import type { SpecFile } from "./spec-file.js";
import { watchRun } from "./watch-run.js";

/**
 * `baton run` of an orchestrator spec (`kind: orchestrator`): builds the orchestrator
 * (its tools, MCP servers, subagents) on the SQLite store, gives it the spec's `task` (or
 * `--input task=...`), follows its planning and delegations on stderr, then prints the
 * answer, the tool trace and the cost split into planning, subagents and tools.
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
    const built = await buildOrchestrator(spec, {
      env: context.env,
      baseDir: dirname(file.path),
      store,
      source: file.source,
      ...(context.clock ? { clock: context.clock } : {}),
      ...(context.ids ? { ids: context.ids } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    try {
      const run = built.orchestrator.start(task, {
        definition: orchestratorDefinition(spec, task, file.path),
        metadata: {
          specPath: file.path,
          roles: { main: spec.mainAgent.name ?? "main", designer: spec.designerName ?? "designer" },
        },
      });
      // A run that did not succeed rejects with OrchestratorError; the report says why.
      await watchRun(run, context, {
        quiet: options.json === true,
        progress: orchestratorProgress,
      }).catch(() => {});
      return await printOrchestratorRun(store, run.id, context, {
        json: options.json === true,
        storeFlag: options.store,
      });
    } finally {
      await built.close();
    }
  } finally {
    await store.close();
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
