import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isAgent, isWorkflow, type WorkflowRegistry } from "../durable/workflow-registry.js";
import { buildWorkflow } from "../spec/build-workflow.js";
import type { CliContext } from "./cli-context.js";
import { CliInputError } from "./cli-input-error.js";
import { ExitCode } from "./exit-code.js";
import { openStore, storeLabel } from "./open-store.js";
import { cliSpecTools, readSpecFile } from "./spec-file.js";

/** The flags of `baton worker`. */
export interface WorkerCommandOptions {
  /** The queue's Redis URL. @default BATON_QUEUE */
  queue?: string;
  store?: string;
  /** Spec files and modules whose workflows the worker runs. */
  workflows?: string[];
  /** Steps at once. @default 16 */
  concurrency?: number;
  /** Redis key prefix. @default "baton" */
  prefix?: string;
}

const specFile = /\.(ya?ml|json)$/i;

/**
 * `baton worker`: runs the steps of the workflows in `--workflows` (spec files, or modules
 * exporting workflows and agents) that owners send to the queue, until SIGINT or SIGTERM;
 * then it stops taking steps, finishes the ones it runs, and exits 0.
 */
export async function workerCommand(
  options: WorkerCommandOptions,
  context: CliContext,
): Promise<ExitCode> {
  const queue = options.queue ?? context.env.BATON_QUEUE;
  if (!queue) {
    throw new CliInputError(
      "baton worker needs a queue: --queue redis://host:port (or set BATON_QUEUE)",
    );
  }
  if (!/^rediss?:\/\//.test(queue)) {
    throw new CliInputError(`--queue: expected a redis:// or rediss:// URL, received ${queue}`);
  }
  const sources = options.workflows ?? [];
  if (sources.length === 0) {
    throw new CliInputError(
      "baton worker needs the workflows it runs: --workflows <spec.yaml|flows.ts> (repeatable)",
    );
  }
  const closers: (() => Promise<void>)[] = [];
  try {
    const workflows: Record<string, WorkflowRegistry[string]> = {};
    for (const source of sources) {
      Object.assign(
        workflows,
        specFile.test(source)
          ? await specWorkflows(source, context, closers)
          : await moduleWorkflows(source, context),
      );
    }
    const store = await openStore(context, options.store);
    closers.push(() => store.close());
    const { worker } = await import("../workers/worker.js");
    const running = await worker({
      queue,
      store,
      workflows,
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.prefix !== undefined ? { prefix: options.prefix } : {}),
      onError: (error) =>
        context.stderr.write(`baton worker: ${(error as Error).message ?? String(error)}\n`),
    });
    const out = (line: string) => context.stdout.write(`${line}\n`);
    out(
      `Worker ${running.id} runs ${running.workflows.map((name) => `"${name}"`).join(", ")} from ${redactUrl(queue)}, store ${storeLabel(context, options.store)} (Ctrl-C to stop)`,
    );
    if (context.signal && !context.signal.aborted) {
      await new Promise((resolve) =>
        context.signal!.addEventListener("abort", resolve, { once: true }),
      );
    }
    await running.close();
    out("Worker stopped.");
    return ExitCode.success;
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

async function specWorkflows(
  source: string,
  context: CliContext,
  closers: (() => Promise<void>)[],
): Promise<WorkflowRegistry> {
  const file = await readSpecFile(source, context);
  if (file.spec.kind === "orchestrator") {
    throw new CliInputError(
      `${source} is an orchestrator task: workers run workflow specs (kind: workflow)`,
    );
  }
  const tools = await cliSpecTools(file.spec, file, context);
  closers.push(() => tools.close());
  const flow = buildWorkflow(file.spec, {
    tools: tools.registry,
    env: context.env,
    source: file.source,
    ...(context.clock ? { clock: context.clock } : {}),
  });
  return { [flow.name]: flow };
}

/** A module's workflows: its default export (an object of them by name), else its named exports. */
async function moduleWorkflows(source: string, context: CliContext): Promise<WorkflowRegistry> {
  let exports: Record<string, unknown>;
  try {
    exports = await import(pathToFileURL(resolve(context.cwd, source)).href);
  } catch (error) {
    throw new CliInputError(`Cannot load ${source}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const candidates =
    typeof exports.default === "object" && exports.default !== null && !isWorkflow(exports.default)
      ? (exports.default as Record<string, unknown>)
      : exports;
  const found: Record<string, WorkflowRegistry[string]> = {};
  for (const [name, value] of Object.entries(candidates)) {
    if (isWorkflow(value)) found[value.name] = value;
    else if (isAgent(value)) found[name === "default" ? value.name : name] = value;
  }
  if (Object.keys(found).length === 0) {
    throw new CliInputError(
      `${source} exports no workflow or agent (export them by name, or as a default object of them by name)`,
    );
  }
  return found;
}

/** The URL without its password, for what the worker prints. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}
