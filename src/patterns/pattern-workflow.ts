import { defaultRuntime } from "../engine/index.js";
import {
  type Run,
  type StartOptions,
  type StepResults,
  Workflow,
  type WorkflowResult,
  type WorkflowRunOptions,
} from "../index.js";

/** Options every pattern takes. */
export interface PatternOptions {
  /** The workflow's name, in run records, events and errors. @default the pattern's name */
  name?: string;
}

/** What a pattern hands to {@link PatternWorkflow}'s constructor. */
export interface PatternWorkflowOptions<Output> {
  /** Builds the typed output from the step results. */
  output: (results: StepResults) => Output;
  /** Steps running at once, at most; a lower `concurrency` given at start wins. @default Infinity */
  maxParallel?: number;
}

/**
 * The workflow every pattern returns: a plain {@link Workflow} (it nests as a step of other
 * workflows, is logged, resumable and billed like any other) whose `run()` and `start()`
 * are typed with the pattern's output.
 *
 * One call: `await pattern(...).run(task)` resolves with `WorkflowResult<Output>` (output,
 * steps, usage, cost) or rejects with `WorkflowError`. For events, `pattern(...).start(task)`
 * returns a `Run` whose `events` stream and `result` never rejects.
 */
export class PatternWorkflow<Output> extends Workflow<string> {
  /** The largest number of steps that run at once. */
  readonly maxParallel: number;

  constructor(name: string, options: PatternWorkflowOptions<Output>) {
    const maxParallel = options.maxParallel ?? Number.POSITIVE_INFINITY;
    super(
      name,
      {
        output: options.output,
        ...(maxParallel !== Number.POSITIVE_INFINITY ? { concurrency: maxParallel } : {}),
      },
      defaultRuntime,
    );
    this.maxParallel = maxParallel;
  }

  override start(input: string, options: StartOptions = {}): Run<Output> {
    return super.start(input, options) as Run<Output>;
  }

  override run(input: string, options: WorkflowRunOptions = {}): Promise<WorkflowResult<Output>> {
    return super.run(input, options) as Promise<WorkflowResult<Output>>;
  }
}
