import type { Runnable, RunnableEvent, RunnableOptions, RunnableResult } from "../runnable.js";
import { spendOf } from "../spend.js";
import type { StepContext, StepResults, StepRunOptions } from "../workflow/step-options.js";
import { stepScopes } from "./step-scope.js";
import type { StepTask } from "./step-task.js";

/** What a function step receives; `emit` and `run` are made only when a step asks for them. */
export class FunctionStepContext implements StepContext {
  readonly input: unknown;
  readonly results: StepResults;
  readonly signal: AbortSignal;
  readonly runId: string;
  readonly stepId: string;
  readonly attempt: number;
  readonly iteration: number;
  readonly previous: unknown;
  readonly #task: StepTask;
  #run: StepContext["run"] | undefined;

  constructor(task: StepTask, signal: AbortSignal) {
    this.#task = task;
    this.input = task.input;
    this.results = task.host.results;
    this.signal = signal;
    this.runId = task.host.runId;
    this.stepId = task.step.id;
    this.attempt = task.attempt;
    this.iteration = task.iteration;
    this.previous = task.previous;
  }

  get emit(): (event: RunnableEvent) => void {
    return this.#task.emit;
  }

  /** Bound, so a step can destructure it: `async ({ input, run }) => ...`. */
  get run(): StepContext["run"] {
    this.#run ??= (runnable, input, options) =>
      runInStep(this.#task, this.signal, runnable, input, options);
    return this.#run;
  }
}

async function runInStep<RunInput, Result extends RunnableResult>(
  task: StepTask,
  signal: AbortSignal,
  runnable: Runnable<RunInput, Result>,
  input: RunInput,
  options: StepRunOptions = {},
): Promise<Result> {
  const where = `step "${task.step.id}" run()`;
  if (
    typeof runnable !== "object" ||
    runnable === null ||
    typeof runnable.run !== "function" ||
    (runnable.kind !== "agent" && runnable.kind !== "workflow")
  ) {
    throw new TypeError(
      `${where}: expected an agent or a workflow, received ${
        runnable === null ? "null" : typeof runnable
      }`,
    );
  }
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${where} options: expected an object, received ${String(options)}`);
  }
  const { host } = task;
  const runOptions: RunnableOptions = {
    signal,
    gate: host.gateFor(task.step.id),
    emit: runnable.kind === "workflow" ? task.childEmit : task.emit,
    clock: host.clock,
    runId: host.runId,
    stepId: task.step.id,
  };
  const retry = options.retry ?? host.stepDefaults.retry;
  if (retry !== undefined) {
    runOptions.retry = typeof retry === "number" ? { maxAttempts: retry } : retry;
  }
  if (options.timeout !== undefined) runOptions.timeout = options.timeout;
  const fallbacks = options.fallbackModels ?? host.stepDefaults.fallbackModels;
  if (fallbacks !== undefined) runOptions.fallbackModels = fallbacks;
  let result: Result;
  try {
    // Outside any step scope: a tool that asks for approval needs an agent step of its own.
    result = await stepScopes.exit(() => runnable.run(input, runOptions));
  } catch (error) {
    if (!task.done) task.addSpend(spendOf(error));
    throw error;
  }
  if (!task.done) task.addSpend(result);
  return result;
}
