import { CancelledError } from "../errors/cancelled-error.js";
import { ConfigurationError } from "../errors/configuration-error.js";
import { TimeoutError } from "../errors/timeout-error.js";
import type { BatonEvent } from "../events.js";
import type { Outcome } from "../outcome.js";
import { createModelCallGate } from "../policies/create-model-call-gate.js";
import type { Runtime } from "../ports/runtime.js";
import { resolveCacheOption } from "../response-cache-options.js";
import { type RetryOptions, resolveRetryOptions } from "../retry-policy.js";
import { Execution } from "../run/execution.js";
import type { StepDefaults } from "../run/execution-options.js";
import { inlineDispatcher } from "../run/inline-dispatcher.js";
import { recordedChildRun } from "../run/recorded-child-run.js";
import { resultOfState } from "../run/result-of-state.js";
import type { Run, WorkflowResult } from "../run/run.js";
import type { RunContext } from "../run-context.js";
import type { Runnable } from "../runnable.js";
import {
  type CompiledGraph,
  compileGraph,
  describeGraph,
  type WorkflowGraph,
} from "./compile-graph.js";
import { expandPrefetch } from "./expand-prefetch.js";
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
import {
  runOptionsRule,
  startOptionsRule,
  stepOptionsRule,
  workflowOptionsRule,
} from "./workflow-rules.js";

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
  /**
   * Steps of this workflow running at once, at most, however it is run (a lower
   * `concurrency` given at start wins). @default Infinity
   */
  concurrency?: number;
}

/** Options of `workflow.run()`: start options, plus a time limit for the whole run. */
export interface WorkflowRunOptions extends StartOptions {
  /** Fails the run (with a `TimeoutError`) once it has run this long, in ms. @default none */
  timeout?: number;
  /** The retry policy of steps without their own (a number is `maxAttempts`). */
  retry?: RetryOptions | number;
  /** Models agent steps fall back to when they name none. */
  fallbackModels?: readonly string[];
}

const defaultRetry = resolveRetryOptions(undefined);
const endedStatuses = new Set(["succeeded", "failed", "cancelled"]);

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
  /** Where runs take time, ids, randomness and a default store from. */
  readonly runtime: Runtime;
  readonly #steps: StepDefinition[] = [];
  readonly #ids = new Set<string>();
  #compiled: CompiledGraph | undefined;

  constructor(name: string, options: WorkflowOptions, runtime: Runtime) {
    if (typeof name !== "string" || name.trim() === "") {
      throw new TypeError(`workflow name: expected a non-empty string, received ${String(name)}`);
    }
    if (
      typeof runtime !== "object" ||
      runtime === null ||
      typeof runtime.clock !== "object" ||
      typeof runtime.checkOptions !== "function"
    ) {
      throw new TypeError(
        `workflow runtime: expected a Runtime (clock, ids, random, createRunStore, checkOptions), received ${String(runtime)}`,
      );
    }
    runtime.checkOptions(workflowOptionsRule, options, `workflow(${JSON.stringify(name)})`);
    this.name = name;
    this.options = Object.freeze({ ...options });
    this.runtime = runtime;
  }

  /** How errors name this workflow: `workflow("report")`. */
  get #where(): string {
    return `workflow(${JSON.stringify(this.name)})`;
  }

  /** Step ids in the order they were added. */
  get stepIds(): readonly string[] {
    return [...this.#ids];
  }

  /**
   * Adds a step (and one step per context loader in its `prefetch`); throws at once on bad
   * arguments or a duplicate id.
   */
  step(id: string, target: StepTarget<Input>, options?: StepOptions<Input>): this {
    if (typeof id === "string" && options?.prefetch !== undefined) {
      // Checked as given, before the loaders become steps of their own.
      this.runtime.checkOptions(stepOptionsRule, options, () => `step ${JSON.stringify(id)}`);
      for (const planned of expandPrefetch(id, target, options)) {
        this.#add(planned.id, planned.target, planned.options);
      }
      return this;
    }
    return this.#add(id, target, options);
  }

  #add(id: string, target: StepTarget<Input>, options?: StepOptions<Input>): this {
    const step = defineStep(id, target, options, (rule, value, where) =>
      this.runtime.checkOptions(rule, value, where),
    );
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

  /**
   * Step `id` as the workflow holds it: what a dispatcher running steps elsewhere (a
   * worker that registered the same workflow) runs with `executeStep`.
   */
  stepDefinition(id: string): StepDefinition | undefined {
    const index = this.#compile().indexOf.get(id);
    return index === undefined ? undefined : this.#compile().steps[index];
  }

  /**
   * Loads what its steps' first runs would load: each agent's (and sub-workflow's)
   * `preload`. A worker does it before it takes jobs. Never rejects.
   */
  async preload(): Promise<void> {
    const runnables = new Set<Runnable<never>>();
    const visited = new Set<Workflow<never>>();
    const walk = (flow: Workflow<never>) => {
      if (visited.has(flow)) return;
      visited.add(flow);
      for (const step of flow.#steps) {
        if (step.kind === "function") continue;
        const runnable = step.run as Runnable<never>;
        if (runnable instanceof Workflow) walk(runnable);
        else runnables.add(runnable);
      }
    };
    walk(this as Workflow<never>);
    await Promise.all([...runnables].map((runnable) => runnable.preload?.().catch(() => {})));
  }

  /** A read-only description of the steps and edges (checks the graph). */
  graph(): WorkflowGraph {
    return describeGraph(this.#compile());
  }

  /** Starts a run. Checks the graph and options first, throwing before anything runs. */
  start(input: Input, options: StartOptions = {}): Run {
    this.runtime.checkOptions(startOptionsRule, options, () => `${this.#where}.start()`);
    return this.#launch(input, options, undefined, {}).run;
  }

  /**
   * Runs the workflow to its end on its own. Resolves with the result of a succeeded run;
   * rejects with `WorkflowError` otherwise (its `result` has the run's status and steps).
   */
  async run(input: Input, options: WorkflowRunOptions = {}): Promise<WorkflowResult> {
    this.runtime.checkOptions(runOptionsRule, options, () => `${this.#where}.run()`);
    const { timeout, retry, fallbackModels, ...start } = options;
    const execution = this.#launch(input, start, undefined, {
      ...(retry !== undefined ? { retry } : {}),
      ...(fallbackModels !== undefined ? { fallbackModels } : {}),
    });
    const result = await this.#settle(execution, timeout, start.clock ?? this.runtime.clock);
    if (result.status === "succeeded") return result;
    throw new WorkflowError(this.name, result);
  }

  /**
   * Runs the workflow as a child run of the step `context` belongs to: logged in the same
   * store (with the parent's id), on the parent's gate, clock and ids, its events on the
   * parent's stream. Resolves with how it ended; the output of a succeeded run is its
   * `WorkflowResult`.
   *
   * The child run's id comes from where the work sits (`context.childRunId()`). When the
   * store has that run already (the step was interrupted and runs again), the child run is
   * not started over: an ended one gives its recorded result, any other resumes from its
   * log (its ended steps kept, its approvals and decisions carried over).
   */
  async execute(input: Input, context: RunContext): Promise<Outcome<WorkflowResult>> {
    const { overrides } = context;
    const runId = context.childRunId();
    const recorded = await recordedChildRun(context.store, runId, {
      workflow: this.name,
      steps: this.#compile().ids,
      parentRunId: context.runId,
      at: context.clock.now(),
    });
    if (recorded && endedStatuses.has(recorded.status)) {
      return this.#outcomeOf(resultOfState(recorded, undefined));
    }
    const execution = this.#launch(
      input,
      {
        store: context.store,
        ids: context.ids,
        clock: context.clock,
        random: context.random,
        gate: context.gate,
        signal: context.signal,
        parent: { runId: context.runId, stepId: context.stepId },
        ...(recorded ? { resumeFrom: recorded } : { runId }),
        ...(context.telemetry ? { telemetry: context.telemetry } : {}),
      },
      (event) => context.relay(event),
      {
        ...(overrides.retry !== undefined ? { retry: overrides.retry } : {}),
        ...(overrides.fallbackModels !== undefined
          ? { fallbackModels: overrides.fallbackModels }
          : {}),
        ...(overrides.cache !== undefined ? { cache: overrides.cache } : {}),
      },
    );
    return this.#outcomeOf(await this.#settle(execution, overrides.timeout, context.clock));
  }

  /** How a child run that ended with `result` ended, as the parent's step sees it. */
  #outcomeOf(result: WorkflowResult): Outcome<WorkflowResult> {
    const spend = { usage: result.usage, cost: result.cost };
    switch (result.status) {
      case "succeeded":
        return { status: "succeeded", output: result, ...spend };
      case "waiting":
        return {
          status: "waiting",
          reason: result.waitReason ?? "approval",
          ...(result.error ? { error: result.error } : {}),
          ...spend,
        };
      case "cancelled":
        return {
          status: "cancelled",
          error: result.error ?? new CancelledError(`Workflow "${this.name}" was cancelled`),
          ...spend,
        };
      default:
        return { status: "failed", error: new WorkflowError(this.name, result), ...spend };
    }
  }

  /** The run's result, failing the run first if it is still going after `timeout` ms. */
  #settle(
    execution: Execution,
    timeout: number | undefined,
    clock: Runtime["clock"],
  ): Promise<WorkflowResult> {
    if (timeout !== undefined) {
      const timer = new AbortController();
      clock.sleep(timeout, { signal: timer.signal }).then(
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
    return execution.run.result;
  }

  #compile(): CompiledGraph {
    this.#compiled ??= compileGraph(this.name, this.#steps);
    return this.#compiled;
  }

  #launch(
    input: Input,
    options: StartOptions,
    relay: ((event: BatonEvent) => void) | undefined,
    stepDefaults: StepDefaults,
  ): Execution {
    const graph = this.#compile();
    const concurrency =
      this.options.mode === "sequential"
        ? 1
        : Math.min(
            options.concurrency ?? Number.POSITIVE_INFINITY,
            this.options.concurrency ?? Number.POSITIVE_INFINITY,
          );
    const failureMode = options.failureMode ?? this.options.failureMode ?? "fail-fast";
    const { resumeFrom } = options;
    const { runtime } = this;
    const clock = options.clock ?? runtime.clock;
    const ids = options.ids ?? runtime.ids;
    const random = options.random ?? runtime.random;
    const runId = options.runId ?? resumeFrom?.runId ?? ids.next("run");
    const parent =
      options.parent ??
      (options.parentRunId !== undefined
        ? { runId: options.parentRunId, stepId: "" }
        : resumeFrom?.parentRunId !== undefined
          ? { runId: resumeFrom.parentRunId, stepId: "" }
          : undefined);
    const { gate, limits, budget, circuitBreaker } = options;
    const store = options.store ?? runtime.createRunStore();
    const cache = resolveCacheOption(options.cache, () => {
      if (store.responseCache) return store.responseCache;
      throw new TypeError(
        "start options: cache.store: expected a ResponseCacheStore, as the run store keeps no response cache (it has no responseCache)",
      );
    });
    const execution = new Execution({
      graph,
      input,
      output: this.options.output,
      runId,
      parent,
      store,
      clock,
      ids,
      random,
      dispatcher: options.dispatcher ?? inlineDispatcher,
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
      stepDefaults: cache !== undefined ? { ...stepDefaults, cache } : stepDefaults,
      resumeFrom,
      relay,
      telemetry: options.telemetry,
      record: {
        ...(options.definition !== undefined ? { definition: options.definition } : {}),
        ...(options.metadata !== undefined ? { metadata: options.metadata } : {}),
      },
    });
    execution.start(options.signal);
    return execution;
  }
}
