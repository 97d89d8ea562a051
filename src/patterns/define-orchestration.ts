import { addCost, addUsage, emptyCost, emptyUsage, serializeError } from "../engine/index.js";
import {
  type Outcome,
  type RetryOptions,
  type Runnable,
  type RunnableEvent,
  type StepContext,
  type StepFunction,
  type WorkflowResult,
  workflow,
} from "../index.js";
import { checkInteger, checkOptions, patternName, taskOf, textOf } from "./participant.js";
import { type PatternOptions, PatternWorkflow } from "./pattern-workflow.js";
import { PlanError } from "./plan-error.js";
import { planProblems } from "./plan-problems.js";
import type { Phase } from "./with-phase.js";

/** What an orchestration's own code gets while it runs as a step. */
export interface OrchestrationContext {
  /** The orchestration's input. */
  task: string;
  /** Aborts when the run is cancelled or fails fast, or the attempt times out. */
  signal: AbortSignal;
  /** Adds an event to the run's log and stream (`custom:<name>`). */
  emit: (event: RunnableEvent) => void;
  /**
   * Runs an agent or a workflow as part of this step (the step context's `run`): under the
   * run's gate (budgets, rate limits, breakers), its events join the run and its usage and
   * cost are billed to the step, failed runs included.
   */
  run: StepContext["run"];
  /** 1 on the first try of this step, counting retries. */
  attempt: number;
}

/** A unit of work from `decompose`: an id, and the ids it needs done first. */
export interface OrchestrationSubtask {
  id: string;
  dependsOn?: readonly string[];
}

/** A subtask's outcome. */
export interface SubtaskResult<S extends OrchestrationSubtask = OrchestrationSubtask, R = unknown> {
  id: string;
  subtask: S;
  /** What `executeSubtask` returned. */
  output: R;
  text: string;
}

/** What `executeSubtask` gets besides the subtask. */
export interface SubtaskContext<S extends OrchestrationSubtask, R> extends OrchestrationContext {
  /** The results of the subtasks it depends on, in its `dependsOn` order. */
  dependencies: SubtaskResult<S, R>[];
}

/** What `synthesize` gets besides the results. */
export interface SynthesisContext<S extends OrchestrationSubtask> extends OrchestrationContext {
  subtasks: S[];
}

export interface OrchestrationDefinition<S extends OrchestrationSubtask, R, O>
  extends PatternOptions {
  /**
   * Splits the task into subtasks. The plan is checked before anything runs: unique ids,
   * known dependencies, no cycles (a `PlanError` otherwise). Subtasks are stored in the run
   * log, so keep them plain data.
   */
  decompose(task: string, context: OrchestrationContext): readonly S[] | Promise<readonly S[]>;
  /** Does one subtask, once the subtasks it depends on are done. Run agents with `context.run`. */
  executeSubtask(subtask: S, context: SubtaskContext<S, R>): R | Promise<R>;
  /** Combines the subtasks' results (in plan order) into the answer. */
  synthesize(results: SubtaskResult<S, R>[], context: SynthesisContext<S>): O | Promise<O>;
  /** Subtasks running at once, at most. @default Infinity */
  maxParallel?: number;
  /** How a failed subtask is retried (retryable errors only). @default { maxAttempts: 3 } */
  retry?: RetryOptions | number;
  /** Fails an attempt of a subtask that runs longer, in ms, with a (retryable) `TimeoutError`. @default none */
  timeout?: number;
}

export interface OrchestrationOutput<S extends OrchestrationSubtask, R, O> {
  /** The plan, as `decompose` returned it. */
  subtasks: S[];
  /** Every subtask's result, in plan order. */
  results: SubtaskResult<S, R>[];
  /** What `synthesize` returned. */
  output: O;
  /** `output` as text. */
  text: string;
}

/**
 * The base of a custom orchestrator: write `decompose`, `executeSubtask` and `synthesize`;
 * the engine runs the plan as a workflow built at run time (one step per subtask,
 * `dependsOn` from the plan), with concurrency limits, retries, timeouts, cancellation,
 * events (`decomposition-start`/`-end`, `synthesis-start`/`-end`) and usage and cost for
 * every agent run through `context.run`.
 * @example
 * const review = defineOrchestration({
 *   name: "code-review",
 *   decompose: async (diff) => files(diff).map((file) => ({ id: file, dependsOn: [] })),
 *   executeSubtask: async ({ id }, { run }) => (await run(reviewer, `Review ${id}`)).text,
 *   synthesize: async (results, { run }) =>
 *     (await run(lead, results.map((result) => result.text).join("\n\n"))).text,
 *   maxParallel: 4,
 * });
 * const { output } = await review.run(diff);
 */
export function defineOrchestration<S extends OrchestrationSubtask, R = unknown, O = unknown>(
  definition: OrchestrationDefinition<S, R, O>,
): PatternWorkflow<OrchestrationOutput<S, R, O>> {
  const given = checkOptions(definition, "defineOrchestration(definition)");
  for (const hook of ["decompose", "executeSubtask", "synthesize"] as const) {
    if (typeof given[hook] !== "function") {
      throw new TypeError(
        `defineOrchestration(definition).${hook}: expected a function, received ${typeof given[hook]}`,
      );
    }
  }
  const name = patternName(given.name, "orchestration");
  const maxParallel = checkInteger(
    given.maxParallel,
    "defineOrchestration maxParallel",
    Number.POSITIVE_INFINITY,
    1,
    true,
  );
  if (given.timeout !== undefined && !(typeof given.timeout === "number" && given.timeout > 0)) {
    throw new TypeError(
      `defineOrchestration timeout: expected a number of ms > 0, received ${String(given.timeout)}`,
    );
  }
  const subtaskOptions = {
    ...(given.retry !== undefined ? { retry: given.retry } : {}),
    ...(given.timeout !== undefined ? { timeout: given.timeout } : {}),
  };

  const decompose = phaseStep("decomposition", async (context: OrchestrationContext) => {
    const subtasks = await given.decompose(context.task, context);
    if (!Array.isArray(subtasks)) {
      throw new TypeError(
        `${name}: decompose must return an array of subtasks, received ${typeof subtasks}`,
      );
    }
    const problems = planProblems(subtasks);
    if (problems.length > 0)
      throw new PlanError("The plan cannot run", {
        issues: problems.map((message) => ({ path: "", message })),
      });
    context.emit({ type: "custom:plan", data: { subtasks } });
    return [...subtasks];
  });

  const execute: Runnable<
    { task: string; subtasks: S[] },
    WorkflowResult<SubtaskResult<S, R>[]>
  > = {
    name: `${name}-subtasks`,
    kind: "workflow",
    async execute({ task, subtasks }, context) {
      if (subtasks.length === 0) {
        const usage = emptyUsage();
        const cost = emptyCost();
        const output: WorkflowResult<SubtaskResult<S, R>[]> = {
          runId: "",
          status: "succeeded",
          output: [],
          steps: {},
          usage,
          cost,
        };
        return { status: "succeeded", output, usage, cost };
      }
      const byId = new Map(subtasks.map((subtask) => [subtask.id, subtask]));
      const resultOf = (id: string, recorded: unknown): SubtaskResult<S, R> => {
        const output = recorded as R;
        return { id, subtask: byId.get(id)!, output, text: textOf(output) };
      };
      const plan = workflow<string>(`${name}-subtasks`, {
        output: (results) => subtasks.map((subtask) => resultOf(subtask.id, results[subtask.id])),
        ...(maxParallel !== Number.POSITIVE_INFINITY ? { concurrency: maxParallel } : {}),
      });
      for (const subtask of subtasks) {
        const dependsOn = subtask.dependsOn ?? [];
        plan.step(
          subtask.id,
          (step: StepContext) =>
            given.executeSubtask(subtask, {
              ...contextOf(step, task),
              dependencies: step.input as SubtaskResult<S, R>[],
            }),
          {
            dependsOn,
            input: ({ results }) => dependsOn.map((id) => resultOf(id, results[id])),
            ...subtaskOptions,
          },
        );
      }
      return (await plan.execute(task, context)) as Outcome<WorkflowResult<SubtaskResult<S, R>[]>>;
    },
  };

  const synthesize = phaseStep(
    "synthesis",
    (
      context: OrchestrationContext,
      input: { task: string; subtasks: S[]; results: SubtaskResult<S, R>[] },
    ) => given.synthesize(input.results, { ...context, subtasks: input.subtasks }),
  );

  const flow = new PatternWorkflow<OrchestrationOutput<S, R, O>>(name, {
    output: (results) => {
      const output = results.synthesize as O;
      return {
        subtasks: results.decompose as S[],
        results: (results.execute as WorkflowResult<SubtaskResult<S, R>[]>).output,
        output,
        text: textOf(output),
      };
    },
  });
  flow
    .step("decompose", decompose, { input: ({ input }) => ({ task: taskOf(input) }) })
    .step("execute", execute, {
      dependsOn: ["decompose"],
      input: ({ input, results }) => ({
        task: taskOf(input),
        subtasks: results.decompose as S[],
      }),
    })
    .step("synthesize", synthesize, {
      dependsOn: ["execute"],
      input: ({ input, results }) => ({
        task: taskOf(input),
        subtasks: results.decompose as S[],
        results: (results.execute as WorkflowResult<SubtaskResult<S, R>[]>).output,
      }),
    });
  return flow;
}

/** The hooks' context from a function step's. */
function contextOf(step: StepContext<unknown>, task: string): OrchestrationContext {
  return { task, signal: step.signal, emit: step.emit, run: step.run, attempt: step.attempt };
}

/**
 * A function step running `body`, marked in the run's events: `<phase>-start` before each
 * attempt, `<phase>-end` after it (with what the attempt's runs spent, or the error). The
 * engine bills those runs to the step (`context.run`) and retries it per the step's policy.
 */
function phaseStep<Input extends { task: string }, T>(
  phase: Phase,
  body: (context: OrchestrationContext, input: Input) => T | Promise<T>,
): StepFunction {
  return async (step) => {
    let usage = emptyUsage();
    let cost = emptyCost();
    // Each run's outcome is tallied as it ends, failed ones too (they were billed).
    const run: StepContext["run"] = (runnable, input, options) =>
      step.run(
        {
          name: runnable.name,
          kind: runnable.kind,
          execute: async (given, context) => {
            const outcome = await runnable.execute(given, context);
            usage = addUsage(usage, outcome.usage);
            cost = addCost(cost, outcome.cost);
            return outcome;
          },
        },
        input,
        options,
      );
    step.emit({ type: `${phase}-start`, step: step.stepId });
    try {
      const output = await body(
        { ...contextOf(step, (step.input as Input).task), run },
        step.input as Input,
      );
      step.emit({
        type: `${phase}-end`,
        step: step.stepId,
        usage,
        cost,
        ...(Array.isArray(output) ? { count: output.length } : {}),
      });
      return output;
    } catch (error) {
      step.emit({
        type: `${phase}-end`,
        step: step.stepId,
        error: serializeError(error),
        usage,
        cost,
      });
      throw error;
    }
  };
}
