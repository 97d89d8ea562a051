import type { Outcome, Spend } from "../outcome.js";
import type { Runtime } from "../ports/runtime.js";
import type { RunContext } from "../run-context.js";
import type { Runnable, RunnableEvent } from "../runnable.js";
import { addCost, addUsage, type CostBreakdown, type Usage } from "../usage.js";
import type { StepContext, StepResults, StepRunOptions } from "../workflow/step-options.js";
import { stepRunOptionsRule } from "../workflow/workflow-rules.js";
import { deriveRunContext } from "./derive-run-context.js";
import { noCost, noUsage } from "./fold-run-log.js";
import { RunWaitingError } from "./run-waiting-error.js";

/** What a function step's attempt is given (the JSON part of a `StepAttempt`). */
export interface FunctionStepAttempt {
  readonly input: unknown;
  readonly results: StepResults;
  readonly attempt: number;
  readonly iteration: number;
  readonly previous: unknown;
}

/**
 * What a function step receives, and the books of what it runs through `context.run`:
 * the step's outcome carries that spend (failed runs included), and a run that must wait
 * makes the step wait.
 */
export class FunctionStepContext implements StepContext {
  readonly input: unknown;
  readonly results: StepResults;
  readonly attempt: number;
  readonly iteration: number;
  readonly previous: unknown;
  readonly context: RunContext;
  #usage: Usage = noUsage;
  #cost: CostBreakdown = noCost;
  #wait: Extract<Outcome, { status: "waiting" }> | undefined;
  #run: StepContext["run"] | undefined;
  /** Runs started without a key, numbered from 1 (their default keys). */
  #unkeyed = 0;
  #keys: Set<string> | undefined;
  /** Runs started through `run()` that have not ended yet (made on the first). */
  #running: Set<Promise<unknown>> | undefined;
  /** Aborts those runs when the step fails first (made with `#running`). */
  #over: AbortController | undefined;

  readonly #checkOptions: Runtime["checkOptions"];

  constructor(
    attempt: FunctionStepAttempt,
    context: RunContext,
    checkOptions: Runtime["checkOptions"],
  ) {
    this.#checkOptions = checkOptions;
    this.input = attempt.input;
    this.results = attempt.results;
    this.attempt = attempt.attempt;
    this.iteration = attempt.iteration;
    this.previous = attempt.previous;
    this.context = context;
  }

  get signal(): AbortSignal {
    return this.context.signal;
  }

  get runId(): string {
    return this.context.runId;
  }

  get stepId(): string {
    return this.context.stepId;
  }

  /** Bound, so a step can destructure it: `async ({ input, emit }) => ...`. */
  get emit(): (event: RunnableEvent) => void {
    const { context } = this;
    return (event) => context.emit(event);
  }

  /** Bound, so a step can destructure it: `async ({ input, run }) => ...`. */
  get run(): StepContext["run"] {
    this.#run ??= (runnable, input, options) => this.#runInStep(runnable, input, options);
    return this.#run;
  }

  /** The step's outcome once its function returned `output`. */
  succeeded(output: unknown): Outcome {
    if (this.#waiting()) return this.#waitOutcome();
    return { status: "succeeded", output, usage: this.#usage, cost: this.#cost };
  }

  /**
   * Once the step's function threw: aborts the runs it started through `run()` that are
   * still going, and resolves when each has ended with what it spent on the books (an
   * aborted run ends within its own grace, billing a model reply that had arrived), so the
   * step's outcome carries it.
   */
  async endRuns(reason: unknown): Promise<void> {
    const running = this.#running;
    if (running === undefined || running.size === 0) return;
    this.#over?.abort(reason);
    while (running.size > 0) await Promise.allSettled([...running]);
  }

  /** The step's outcome once its function threw `error`. */
  failed(error: unknown): Outcome {
    if (this.#waiting()) return this.#waitOutcome();
    return { status: "failed", error: asError(error), usage: this.#usage, cost: this.#cost };
  }

  #waiting(): boolean {
    return this.#wait !== undefined || this.context.approvals.pending;
  }

  #waitOutcome(): Outcome {
    const spend: Spend = { usage: this.#usage, cost: this.#cost };
    if (this.context.approvals.pending) {
      return { status: "waiting", reason: "tool-approval", ...spend };
    }
    const wait = this.#wait!;
    return { ...wait, ...spend };
  }

  #add(spend: Spend): void {
    if (spend.usage.totalTokens > 0 || this.#usage !== noUsage) {
      this.#usage = addUsage(this.#usage, spend.usage);
    }
    if (spend.cost !== noCost) this.#cost = addCost(this.#cost, spend.cost);
  }

  /**
   * The key of a run this attempt starts: the given one, else its position among the
   * runs started without one ("1", "2", ...). A key used twice gets `~2`, `~3`, ...: the
   * same work in the same order gets the same keys when the step runs again.
   */
  #keyOf(given: string | undefined): string {
    let key = given ?? String(++this.#unkeyed);
    this.#keys ??= new Set();
    if (this.#keys.has(key)) {
      let repeat = 2;
      while (this.#keys.has(`${key}${repeatMark}${repeat}`)) repeat++;
      key = `${key}${repeatMark}${repeat}`;
    }
    this.#keys.add(key);
    return key;
  }

  async #runInStep<RunInput, Output>(
    runnable: Runnable<RunInput, Output>,
    input: RunInput,
    options: StepRunOptions = {},
  ): Promise<Output> {
    const where = () => `context.run() in step "${this.stepId}"`;
    if (
      typeof runnable !== "object" ||
      runnable === null ||
      typeof runnable.execute !== "function" ||
      (runnable.kind !== "agent" && runnable.kind !== "workflow")
    ) {
      throw new TypeError(
        `${where()}: expected an agent or a workflow, received ${
          runnable === null ? "null" : typeof runnable
        }`,
      );
    }
    this.#checkOptions(stepRunOptionsRule, options, where);
    const { overrides } = this.context;
    const retry = options.retry ?? overrides.retry;
    const fallbackModels = options.fallbackModels ?? overrides.fallbackModels;
    this.#over ??= new AbortController();
    const over = this.#over.signal;
    const child = deriveRunContext(this.context, {
      key: this.#keyOf(options.key),
      // Once something this step runs waits, the step's other work stops before its next
      // model call (what runs in parallel finishes first): the step waits, as a whole.
      waits: () => this.#wait !== undefined,
      signal: options.signal ? AbortSignal.any([options.signal, over]) : over,
      overrides: {
        ...(retry !== undefined
          ? { retry: typeof retry === "number" ? { maxAttempts: retry } : retry }
          : {}),
        ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
        ...(fallbackModels !== undefined ? { fallbackModels } : {}),
        ...(overrides.cache !== undefined ? { cache: overrides.cache } : {}),
      },
    });
    let outcome: Outcome<Output>;
    const running = Promise.resolve(runnable.execute(input, child.context));
    this.#running ??= new Set();
    this.#running.add(running);
    try {
      outcome = await running;
    } finally {
      this.#running.delete(running);
      child.dispose();
    }
    this.#add(outcome);
    switch (outcome.status) {
      case "succeeded":
        return outcome.output;
      case "waiting":
        this.#wait ??= outcome;
        throw new RunWaitingError({
          stepId: this.stepId,
          runnable: runnable.name,
          reason: outcome.reason,
        });
      default:
        throw outcome.error;
    }
  }
}

/** What `#keyOf` appends to a key used a second time in one attempt: `~2`, `~3`, ... */
const repeatMark = "~";

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
