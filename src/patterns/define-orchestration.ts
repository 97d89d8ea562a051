import {
  addCost,
  addUsage,
  emptyCost,
  emptyUsage,
  type SerializedError,
  serializeError,
} from "../engine/index.js";
import {
  type Outcome,
  type RetryOptions,
  type Runnable,
  type RunnableEvent,
  type StepContext,
  type StepFunction,
  WorkflowError,
  type WorkflowResult,
  workflow,
} from "../index.js";
import { taskOf, textOf } from "./participant.js";
import {
  checkPatternOptions,
  orchestrationDefinitionRule,
  quorumOf,
} from "./pattern-options-rules.js";
import { type PatternOptions, PatternWorkflow } from "./pattern-workflow.js";
import { PlanError } from "./plan-error.js";
import { planProblems } from "./plan-problems.js";
import { QuorumError } from "./quorum-error.js";
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

/** A subtask that gave no result (with `failureMode` "continue" or a quorum). */
export interface FailedSubtask<S extends OrchestrationSubtask = OrchestrationSubtask> {
  id: string;
  subtask: S;
  /** `failed`: it threw; `skipped`: a subtask it depends on gave no result. */
  status: "failed" | "skipped";
  error?: SerializedError;
}

/** What `executeSubtask` gets besides the subtask. */
export interface SubtaskContext<S extends OrchestrationSubtask, R> extends OrchestrationContext {
  /** The results of the subtasks it depends on, in its `dependsOn` order. */
  dependencies: SubtaskResult<S, R>[];
}

/** What `synthesize` gets besides the results. */
export interface SynthesisContext<S extends OrchestrationSubtask> extends OrchestrationContext {
  subtasks: S[];
  /** The subtasks that gave no result (the results passed in are the others'). */
  failed: FailedSubtask<S>[];
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
  /**
   * What a failed subtask does to the run. `"fail-fast"`: the run fails. `"continue"`: the
   * other subtasks go on (those depending on it are skipped) and `synthesize` gets the
   * results of those that succeeded, at least one; `output.failed` names the rest.
   * `{ quorum: n }`: the same, but at least `n` subtasks must succeed.
   * @default "fail-fast"
   */
  failureMode?: "fail-fast" | "continue" | { quorum: number };
}

export interface OrchestrationOutput<S extends OrchestrationSubtask, R, O> {
  /** The plan, as `decompose` returned it. */
  subtasks: S[];
  /** The result of every subtask that succeeded, in plan order. */
  results: SubtaskResult<S, R>[];
  /** The subtasks that gave no result (only with `failureMode` "continue" or a quorum). */
  failed: FailedSubtask<S>[];
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
  const given = checkPatternOptions(
    orchestrationDefinitionRule,
    definition,
    "defineOrchestration(definition)",
  );
  const { name = "orchestration", maxParallel = Number.POSITIVE_INFINITY } = given;
  const quorum = quorumOf(given.failureMode);
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

  const execute: Runnable<{ task: string; subtasks: S[] }, ExecutedPlan<S, R>> = {
    name: `${name}-subtasks`,
    kind: "workflow",
    async execute({ task, subtasks }, context) {
      if (subtasks.length === 0) {
        return {
          status: "succeeded",
          output: { results: [], failed: [] },
          usage: emptyUsage(),
          cost: emptyCost(),
        };
      }
      const byId = new Map(subtasks.map((subtask) => [subtask.id, subtask]));
      const resultOf = (id: string, recorded: unknown): SubtaskResult<S, R> => {
        const output = recorded as R;
        return { id, subtask: byId.get(id)!, output, text: textOf(output) };
      };
      const plan = workflow<string>(`${name}-subtasks`, {
        output: (results) => subtasks.map((subtask) => resultOf(subtask.id, results[subtask.id])),
        ...(maxParallel !== Number.POSITIVE_INFINITY ? { concurrency: maxParallel } : {}),
        ...(quorum !== undefined ? { failureMode: "continue" as const } : {}),
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
      const outcome = (await plan.execute(task, context)) as Outcome<
        WorkflowResult<SubtaskResult<S, R>[]>
      >;
      if (outcome.status === "succeeded") {
        return { ...outcome, output: { results: outcome.output.output, failed: [] } };
      }
      const ended = WorkflowError.isInstance(outcome.error) ? outcome.error.result : undefined;
      if (outcome.status !== "failed" || quorum === undefined || ended?.status !== "failed") {
        return outcome as Outcome<never>;
      }
      // The failures are tolerated: the plan's run failed, but its other subtasks went on.
      const results: SubtaskResult<S, R>[] = [];
      const failed: FailedSubtask<S>[] = [];
      for (const subtask of subtasks) {
        const record = ended.steps[subtask.id];
        if (record?.status === "succeeded") results.push(resultOf(subtask.id, record.output));
        else {
          failed.push({
            id: subtask.id,
            subtask,
            status: record?.status === "failed" ? "failed" : "skipped",
            ...(record?.error ? { error: record.error } : {}),
          });
        }
      }
      if (results.length < quorum) {
        const error = new QuorumError({
          succeeded: results.length,
          needed: quorum,
          failed: failed.map(({ id, status, error }) => ({
            id,
            status,
            ...(error ? { error } : {}),
          })),
        });
        return { status: "failed", error, usage: outcome.usage, cost: outcome.cost };
      }
      context.emit({
        type: "custom:subtasks-failed",
        data: { failed: failed.map(({ id, status, error }) => ({ id, status, error })) },
      });
      return {
        status: "succeeded",
        output: { results, failed },
        usage: outcome.usage,
        cost: outcome.cost,
      };
    },
  };

  const synthesize = phaseStep(
    "synthesis",
    (context: OrchestrationContext, input: { task: string; subtasks: S[] } & ExecutedPlan<S, R>) =>
      given.synthesize(input.results, {
        ...context,
        subtasks: input.subtasks,
        failed: input.failed,
      }),
  );

  const flow = new PatternWorkflow<OrchestrationOutput<S, R, O>>(name, {
    output: (results) => {
      const output = results.synthesize as O;
      const executed = results.execute as ExecutedPlan<S, R>;
      return {
        subtasks: results.decompose as S[],
        results: executed.results,
        failed: executed.failed,
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
        ...(results.execute as ExecutedPlan<S, R>),
      }),
    });
  return flow;
}

/** What the plan's step records: the results that came, and the subtasks that gave none. */
interface ExecutedPlan<S extends OrchestrationSubtask, R> {
  results: SubtaskResult<S, R>[];
  failed: FailedSubtask<S>[];
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
