import type { Tool } from "ai";
import { type DurableRun, openDurable } from "../durable/index.js";
import { buildWorkflow, parseSpec, type SpecWorkflow } from "../spec/index.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";
import type { ExitCode } from "./exit-code.js";
import { followRun } from "./follow-run.js";
import { openStore } from "./open-store.js";
import { runInput } from "./run-input.js";
import { readSpecFile, type SpecFile } from "./spec-file.js";
import { specTools } from "./spec-tools.js";

/** The flags of `baton run`. */
export interface RunCommandOptions {
  /** Print one JSON object (the run report) on stdout, no progress view. @default false */
  json?: boolean;
  /** Steps running at once. @default the spec's `concurrency`, else no limit */
  concurrency?: number;
  /** The run's budget in US cents (replaces the spec's `budget.maxCents`). */
  budgetCents?: number;
  /** The store file. @default BATON_STORE, else .baton/baton.db */
  store?: string;
  /** `--input name=value` pairs. @default [] */
  input?: Array<[string, string]>;
}

/**
 * `baton run <spec>`: runs a workflow spec (or an orchestrator task, `kind: orchestrator`)
 * on the SQLite store, shows its progress, then prints its summary: output, trace, usage
 * and cost tables (or one JSON object, its report, with `--json`).
 */
export async function runCommand(
  source: string,
  options: RunCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const file = await readSpecFile(source, context.cwd);
  if (file.kind === "orchestrator") {
    const { runOrchestratorSpec } = await import("./orchestrator-runs.js");
    return runOrchestratorSpec(file, options, context);
  }
  const tools = await specTools(file, context);
  try {
    return await runWorkflowSpec(file, tools.registry, options, context);
  } finally {
    await tools.close();
  }
}

async function runWorkflowSpec(
  file: SpecFile,
  tools: Record<string, Tool>,
  options: RunCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const spec = parseSpec(file.text, { source: file.source, tools: Object.keys(tools) });
  const flow: SpecWorkflow = buildWorkflow(spec, {
    tools,
    env: context.env,
    source: file.source,
    ...(context.clock ? { clock: context.clock } : {}),
  });
  const input = runInput(options.input ?? [], spec.inputs);
  const store = await openStore(context, options.store);
  try {
    // A durable run: owned by this process with a heartbeat, so `baton resume` elsewhere
    // leaves it alone while it runs, and finishes it if this process dies.
    const durable = await openDurable({
      store,
      start: {
        ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
        ...(options.budgetCents !== undefined
          ? { budget: { ...spec.budget, maxCents: options.budgetCents } }
          : {}),
      },
      ...(context.clock ? { clock: context.clock } : {}),
      ...(context.ids ? { ids: context.ids } : {}),
    });
    try {
      let run: DurableRun;
      try {
        run = durable.start(flow, input, {
          // What `baton resume` needs to rebuild the tools: the spec stores only their names.
          metadata: {
            specPath: file.path,
            ...(file.tools !== undefined ? { tools: file.tools } : {}),
          },
        });
      } catch (error) {
        // The input did not fit the spec's `inputs`: a TypeError listing every problem.
        if (error instanceof TypeError) throw new CliInputError(error.message, { cause: error });
        throw error;
      }
      return await followRun(run, store, context, {
        json: options.json === true,
        storeFlag: options.store,
        totalSteps: flow.stepIds.length,
      });
    } finally {
      await durable.close();
    }
  } finally {
    await store.close();
  }
}
