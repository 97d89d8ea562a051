import { ConfigurationError } from "../errors/configuration-error.js";
import { TimeoutError } from "../errors/timeout-error.js";
import type { BatonEvent } from "../events.js";
import { createModelCallGate } from "../policies/create-model-call-gate.js";
import { systemClock } from "../ports/clock.js";
import { randomIdGenerator } from "../ports/id-generator.js";
import { resolveRetryOptions } from "../retry-policy.js";
import { defaultRunStore } from "../run/default-run-store.js";
import { Execution } from "../run/execution.js";
import { parentLinkOf } from "../run/parent-link.js";
import type { Run, WorkflowResult } from "../run/run.js";
import type { Runnable, RunnableEvent, RunnableOptions } from "../runnable.js";
import {
  type CompiledGraph,
  compileGraph,
  describeGraph,
  type WorkflowGraph,
} from "./compile-graph.js";
import type { StartOptions } from "./start-options.js";
import {
  defineStep,
  type FailureMode,
  type StepDefinition,
  type StepOptions,
  type StepResults,
  type StepTarget,
} from "./step-options.js";
import { WorkflowError } from "./workflow-error.js";

export interface WorkflowOptions {
  /** The run's output from the step results. @default the single final step's output, else `{ [finalStepId]: output }` */
  output?: (results: StepResults) => unknown;
  /**
   * `"fail-fast"`: the first failure cancels running steps and fails the run.
   * `"continue"`: dependents of a failed step are skipped, independent branches finish.
   * @default "fail-fast"
   */
  failureMode?: FailureMode;
  /** `"sequential"` runs one step at a time (concurrency 1). @default "parallel" */
  mode?: "parallel" | "sequential";
}

/** Options of `workflow.run()`: what an enclosing run hands a step, plus start options. */
export type WorkflowRunOptions = RunnableOptions &
  Omit<StartOptions, "runId" | "parentRunId" | "signal" | "clock" | "gate">;

const defaultRetry = resolveRetryOptions(undefined);
const failureModes = new Set(["fail-fast", "continue"]);

/**
 * A workflow: steps (functions, agents, sub-workflows) and the dependencies between them.
 * Build it with `.step()`, run it with `.start()`; as a `Runnable` it is a step of another.
 * @example
 * const flow = workflow("report")
 *   .step("facts", researcher)
 *   .step("draft", writer, { dependsOn: ["facts"], input: ({ results }) => results.facts.text });
 * const result = await flow.start("Quantum computing in 2026").result;
 */
export class Workflow<Input = unknown> implements Runnable<Input, WorkflowResult> {
  readonly kind = "workflow" as const;
  readonly name: string;
  readonly options: Readonly<WorkflowOptions>;
  readonly #steps: StepDefinition[] = [];
  readonly #ids = new Set<string>();
  #compiled: CompiledGraph | undefined;

  constructor(name: string, options: WorkflowOptions = {}) {
    if (typeof name !== "string" || name.trim() === "") {
      throw new TypeError(`workflow name: expected a non-empty string, received ${String(name)}`);
    }
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`workflow options: expected an object, received ${String(options)}`);
    }
    if (options.output !== undefined && typeof options.output !== "function") {
      throw new TypeError(
        `workflow output: expected a function, received ${typeof options.output}`,
      );
    }
    if (options.failureMode !== undefined && !failureModes.has(options.failureMode)) {
      throw new TypeError(
        `workflow failureMode: expected "fail-fast" or "continue", received ${String(options.failureMode)}`,
      );
    }
    if (
      options.mode !== undefined &&
      options.mode !== "parallel" &&
      options.mode !== "sequential"
    ) {
      throw new TypeError(
        `workflow mode: expected "parallel" or "sequential", received ${String(options.mode)}`,
      );
    }
    this.name = name;
    this.options = Object.freeze({ ...options });
  }

  /** Step ids in the order they were added. */
  get stepIds(): readonly string[] {
    return [...this.#ids];
  }

  /** Adds a step; throws at once on bad arguments or a duplicate id. */
  step(id: string, target: StepTarget<Input>, options?: StepOptions<Input>): this {
    const step = defineStep(id, target, options);
    if (this.#ids.has(step.id)) {
      throw new ConfigurationError(`Workflow "${this.name}" already has a step "${step.id}"`, {
        path: step.id,
      });
    }
    this.#ids.add(step.id);
    this.#steps.push(step);
    this.#compiled = undefined;
    return this;
  }

  /** A read-only description of the steps and edges (checks the graph). */
  graph(): WorkflowGraph {
    return describeGraph(this.#compile());
  }

  /** Starts a run. Checks the graph and options first, throwing before anything runs. */
  start(input: Input, options: StartOptions = {}): Run {
    return this.#launch(input, options, undefined, {}).run;
  }

  /**
   * Runs the workflow to its end, as a step of another run or on its own. Resolves with
   * the result of a succeeded run; rejects with `WorkflowError` otherwise.
   */
  async run(input: Input, options: WorkflowRunOptions = {}): Promise<WorkflowResult> {
    const { signal, gate, emit, clock, retry, timeout, fallbackModels, runId, stepId, ...rest } =
      options;
    void stepId;
    const link = parentLinkOf(emit);
    const forward: ((event: BatonEvent) => void) | undefined = link
      ? link.forward
      : emit
        ? (event) => emit(event as unknown as RunnableEvent)
        : undefined;
    const execution = this.#launch(
      input,
      {
        ...rest,
        ...(signal ? { signal } : {}),
        ...(clock ? { clock } : {}),
        ...(gate ? { gate } : {}),
        ...(runId !== undefined ? { parentRunId: runId } : {}),
        ...(rest.store === undefined && link ? { store: link.store } : {}),
        ...(rest.ids === undefined && link ? { ids: link.ids } : {}),
      },
      forward,
      {
        ...(retry !== undefined ? { retry } : {}),
        ...(fallbackModels !== undefined ? { fallbackModels } : {}),
      },
    );
    if (timeout !== undefined) {
      const timer = new AbortController();
      (clock ?? systemClock).sleep(timeout, { signal: timer.signal }).then(
        () =>
          execution.abort(
            "failed",
            new TimeoutError(`Workflow "${this.name}" timed out after ${timeout} ms`, {
              timeoutMs: timeout,
            }),
          ),
        () => {},
      );
      execution.run.result.then(() => timer.abort());
    }
    const result = await execution.run.result;
    if (result.status === "succeeded") return result;
    throw new WorkflowError(this.name, result);
  }

  #compile(): CompiledGraph {
    this.#compiled ??= compileGraph(this.name, this.#steps);
    return this.#compiled;
  }

  #launch(
    input: Input,
    options: StartOptions,
    forward: ((event: BatonEvent) => void) | undefined,
    stepDefaults: {
      retry?: WorkflowRunOptions["retry"] | number;
      fallbackModels?: readonly string[];
    },
  ): Execution {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`start options: expected an object, received ${String(options)}`);
    }
    const graph = this.#compile();
    const concurrency =
      this.options.mode === "sequential" ? 1 : (options.concurrency ?? Number.POSITIVE_INFINITY);
    if (
      !(
        concurrency === Number.POSITIVE_INFINITY ||
        (Number.isInteger(concurrency) && concurrency >= 1)
      )
    ) {
      throw new TypeError(
        `concurrency: expected an integer >= 1 or Infinity, received ${String(options.concurrency)}`,
      );
    }
    const failureMode = options.failureMode ?? this.options.failureMode ?? "fail-fast";
    if (!failureModes.has(failureMode)) {
      throw new TypeError(
        `failureMode: expected "fail-fast" or "continue", received ${String(options.failureMode)}`,
      );
    }
    const { resumeFrom } = options;
    if (
      resumeFrom !== undefined &&
      (typeof resumeFrom !== "object" ||
        resumeFrom === null ||
        typeof resumeFrom.steps !== "object")
    ) {
      throw new TypeError("resumeFrom: expected a RunState (from foldRunLog)");
    }
    const clock = options.clock ?? systemClock;
    const ids = options.ids ?? randomIdGenerator;
    const runId = options.runId ?? resumeFrom?.runId ?? ids.next("run");
    const { gate, limits, budget, circuitBreaker } = options;
    const execution = new Execution({
      graph,
      input,
      output: this.options.output,
      runId,
      parentRunId: options.parentRunId ?? resumeFrom?.parentRunId,
      store: options.store ?? defaultRunStore(),
      clock,
      ids,
      concurrency,
      failureMode,
      gate: (hooks) =>
        gate ??
        createModelCallGate({
          clock,
          ...(limits !== undefined ? { limits } : {}),
          ...(budget !== undefined ? { budget } : {}),
          ...(circuitBreaker !== undefined ? { circuitBreaker } : {}),
          ...hooks,
        }),
      defaultRetry:
        stepDefaults.retry !== undefined ? resolveRetryOptions(stepDefaults.retry) : defaultRetry,
      stepDefaults,
      resumeFrom,
      forward,
      record: {
        ...(options.definition !== undefined ? { definition: options.definition } : {}),
        ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
      },
    });
    execution.start(options.signal);
    return execution;
  }
}

/**
 * Creates a workflow.
 * @example workflow("report", { failureMode: "continue" }).step("facts", researcher)
 */
export function workflow<Input = unknown>(
  name: string,
  options?: WorkflowOptions,
): Workflow<Input> {
  return new Workflow<Input>(name, options);
}
