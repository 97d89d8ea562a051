import type { Tool } from "ai";
import { type DurableRun, openDurable } from "../durable/index.js";
import { buildWorkflow, type SpecWorkflow, type WorkflowSpec } from "../spec/index.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";
import { cliTelemetry } from "./cli-telemetry.js";
import type { ExitCode } from "./exit-code.js";
import { followRun } from "./follow-run.js";
import { openStore } from "./open-store.js";
import { queueDispatcherFor } from "./queue-option.js";
import { runInput } from "./run-input.js";
import { cliSpecTools, readSpecFile, type SpecFile } from "./spec-file.js";

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
  /** Send the steps to workers on this queue (a Redis URL). @default run them here */
  queue?: string;
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
  const file = await readSpecFile(source, context);
  const { spec } = file;
  if (spec.kind === "orchestrator") {
    const { runOrchestratorSpec } = await import("./orchestrator-runs.js");
    return runOrchestratorSpec(file, spec, options, context);
  }
  const tools = await cliSpecTools(spec, file, context);
  try {
    return await runWorkflowSpec(file, spec, tools.registry, options, context);
  } finally {
    await tools.close();
  }
}

async function runWorkflowSpec(
  file: SpecFile,
  spec: WorkflowSpec,
  tools: Record<string, Tool>,
  options: RunCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
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
    const dispatcher = options.queue ? await queueDispatcherFor(options.queue) : undefined;
    const durable = await openDurable({
      store,
      start: {
        telemetry: await cliTelemetry(),
        ...(dispatcher ? { dispatcher } : {}),
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
        // The run stores the spec (its tools section included) for `baton resume`.
        run = durable.start(flow, input, { metadata: { specPath: file.path } });
      } catch (error) {
        // The input did not fit the spec's `inputs`: a TypeError listing every problem.
        if (error instanceof TypeError) throw new CliInputError(error.message, { cause: error });
        throw error;
      }
      return await followRun(run, store, context, {
        json: options.json === true,
        storeFlag: options.store,
      });
    } finally {
      await durable.close();
      await dispatcher?.close();
    }
  } finally {
    await store.close();
  }
}
