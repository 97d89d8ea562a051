import { ConfigurationError } from "../errors/configuration-error.js";
import {
  type ResolvedRetryOptions,
  type RetryOptions,
  resolveRetryOptions,
} from "../retry-policy.js";
import type { Runnable, RunnableEvent } from "../runnable.js";

/**
 * Results of the steps that have ended so far, by step id: an agent step's result object
 * (`results.facts.text`), a function step's return value, a sub-workflow's `WorkflowResult`.
 */
// biome-ignore lint/suspicious/noExplicitAny: results are shaped by the user's steps
export type StepResults = Record<string, any>;

/** What a function step receives. */
export interface StepContext<Input = unknown> {
  /** The workflow input, or what the step's `input` option returned. */
  input: Input;
  results: StepResults;
  /** Aborts when the run is cancelled, fails fast, or this attempt times out. */
  signal: AbortSignal;
  /** Adds an event to the run's log and stream (`custom:<name>`, `decomposition-start`, ...). */
  emit: (event: RunnableEvent) => void;
  runId: string;
  stepId: string;
  /** 1 on the first try, counting retries (restarts at 1 each loop iteration). */
  attempt: number;
  /** 1 on the first run, counting loop iterations. */
  iteration: number;
  /** The previous loop iteration's output; `undefined` on the first. */
  previous: unknown;
  /** What the step's context loaders (`prefetch`) loaded, by name. */
  prefetched?: Record<string, unknown>;
  /**
   * Runs an agent or a workflow as part of this step, the way the engine runs an agent or
   * sub-workflow step: with this attempt's signal, the run's gate (rate limits, breakers,
   * budgets), clock and event log. What it spends is added to this step's usage and cost,
   * when it fails too (the failed attempt was billed); its error is rethrown as it is.
   * @example
   * .step("best", async ({ input, run }) => {
   *   const drafts = await Promise.all([run(writer, input), run(writer, input)]);
   *   return (await run(judge, drafts.map((draft) => draft.text).join("\n---\n"))).text;
   * })
   */
  run<RunInput, Output>(
    runnable: Runnable<RunInput, Output>,
    input: RunInput,
    options?: StepRunOptions,
  ): Promise<Output>;
}

/** Overrides for one `context.run()`. */
export interface StepRunOptions {
  /** The runnable's retry policy (a number is `maxAttempts`). @default the runnable's own */
  retry?: RetryOptions | number;
  /** A time limit for this run, in ms. @default the runnable's own */
  timeout?: number;
  /** Models an agent falls back to. @default the agent's own */
  fallbackModels?: readonly string[];
  /** Also stops this run when it aborts (it always stops with the step). */
  signal?: AbortSignal;
  /**
   * Names this run within the step's attempt, so that when the step runs again (after a
   * crash, a wait or an approval) it finds what this run recorded: an agent replays its
   * recorded turns, a workflow resumes its child run. Give one when runs start in an order
   * that may change (after awaits of varying length); a key given twice gets `~2`, ...
   * @default the run's position among this attempt's runs without a key ("1", "2", ...)
   */
  key?: string;
}

export type StepFunction<Input = unknown> = (context: StepContext<Input>) => unknown;

/** What a step runs: a function, an agent, or a workflow (sub-workflow). */
export type StepTarget<Input = unknown> = StepFunction<Input> | Runnable<never>;

/** What `input`, `when` and approval messages see. */
export interface StepInputContext<Input = unknown> {
  input: Input;
  results: StepResults;
  /** The loop iteration about to run (1 outside loops). */
  iteration: number;
  /** The previous loop iteration's output; `undefined` on the first. */
  previous: unknown;
  /** What the step's context loaders (`prefetch`) loaded, by name. */
  prefetched?: Record<string, unknown>;
}

/**
 * A context loader of a step (its `prefetch` option): a function step of its own, with no
 * dependencies (it starts when the run starts) or with its own `dependsOn`.
 */
export type PrefetchLoader<Input = unknown> =
  | StepFunction<Input>
  | {
      load: StepFunction<Input>;
      /** Steps whose results the loader needs; it starts once they end. @default [] */
      dependsOn?: readonly string[];
    };

export interface RouteContext<Input = unknown> {
  /** This step's output. */
  output: unknown;
  results: StepResults;
  input: Input;
}

export interface LoopOptions {
  /** Checked after each iteration; the step ends when it returns true. */
  until: (context: { output: unknown; iteration: number; results: StepResults }) => boolean;
  /** The step ends after this many iterations even if `until` never held. */
  maxIterations: number;
}

/** Human approval before a step runs. The run waits (status `waiting`) until a decision is logged. */
export interface ApprovalOptions<Input = unknown> {
  message?: string | ((context: StepInputContext<Input>) => string);
}

export type FailureMode = "fail-fast" | "continue";

export interface StepOptions<Input = unknown> {
  /** Steps that must end before this one starts. @default [] */
  dependsOn?: readonly string[];
  /**
   * The step's input. By default a function step gets the workflow input; an agent step
   * gets the workflow input when it is a string, else its JSON rendering; a sub-workflow
   * gets the workflow input as it is.
   */
  input?: (context: StepInputContext<Input>) => unknown;
  /** Runs the step only when this returns true; otherwise it is skipped (reason "condition"). */
  when?: (context: StepInputContext<Input>) => boolean;
  /** Higher starts first among ready steps. @default 0 */
  priority?: number;
  /** Expected duration in ms, to weigh the critical path. @default 1 */
  estimatedMs?: number;
  /**
   * Retries of a function step (a number is `maxAttempts`). Agent and workflow steps get
   * it as their own retry policy and are not retried again by the engine.
   * @default { maxAttempts: 3 } for retryable errors only
   */
  retry?: RetryOptions | number;
  /** Fails an attempt that runs longer, in ms, with a (retryable) `TimeoutError`. @default none */
  timeout?: number;
  /** Handed to agent steps: models to fall back to. */
  fallbackModels?: readonly string[];
  /** Picks which successors run (ids); the others are skipped with reason "route". */
  route?: (context: RouteContext<Input>) => string | readonly string[];
  /** Repeats the step until `until` holds or `maxIterations` is reached. */
  loop?: LoopOptions;
  /** For a join: runs when at least this many dependencies succeeded; failed ones are tolerated. */
  quorum?: number;
  /** Asks for a human decision before the step runs. */
  approval?: boolean | ApprovalOptions<Input>;
  /**
   * Context loaders that start when the run starts (or once their own `dependsOn` end), not
   * when this step starts: each runs as a step of its own, `<id>-<name>`, that this step
   * depends on, so loading overlaps with the steps upstream. What they load reaches this
   * step's `input`, `when` and function as `prefetched.<name>`.
   * @example
   * .step("answer", writer, {
   *   dependsOn: ["research"],
   *   prefetch: { policy: () => loadPolicy(), history: ({ input }) => crm.history(input.customer) },
   *   input: ({ results, prefetched }) => `${results.research.text}\n\n${prefetched?.policy}`,
   * })
   */
  prefetch?: Readonly<Record<string, PrefetchLoader<Input>>>;
}

/** A step as the workflow holds it. */
export interface StepDefinition {
  id: string;
  kind: "function" | "agent" | "workflow";
  /** The step's own retry policy, resolved; `undefined` uses the run's default. */
  retry: ResolvedRetryOptions | undefined;
  run: StepFunction | Runnable<never>;
  dependsOn: readonly string[];
  options: StepOptions;
}

const optionKeys = new Set([
  "dependsOn",
  "input",
  "when",
  "priority",
  "estimatedMs",
  "retry",
  "timeout",
  "fallbackModels",
  "route",
  "loop",
  "quorum",
  "approval",
]);

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value === "object" || typeof value === "function" ? typeof value : String(value);
}

/** Checks a `.step(...)` call and returns the step as the workflow holds it. */
export function defineStep(id: unknown, target: unknown, options: unknown): StepDefinition {
  if (typeof id !== "string" || id.trim() === "") {
    throw new TypeError(`step id: expected a non-empty string, received ${describe(id)}`);
  }
  const where = `step "${id}"`;
  let kind: StepDefinition["kind"];
  if (typeof target === "function") kind = "function";
  else if (
    typeof target === "object" &&
    target !== null &&
    typeof (target as Runnable).execute === "function" &&
    ((target as Runnable).kind === "agent" || (target as Runnable).kind === "workflow")
  ) {
    kind = (target as Runnable).kind;
  } else {
    throw new TypeError(
      `${where}: expected a function, an agent or a workflow, received ${describe(target)}`,
    );
  }
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`${where} options: expected an object, received ${describe(options)}`);
  }
  const given = (options ?? {}) as StepOptions & Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!optionKeys.has(key)) {
      throw new TypeError(`${where} options: unknown option "${key}"`);
    }
  }
  const dependsOn = given.dependsOn ?? [];
  if (!Array.isArray(dependsOn) || dependsOn.some((dep) => typeof dep !== "string")) {
    throw new TypeError(
      `${where} dependsOn: expected an array of step ids, received ${describe(dependsOn)}`,
    );
  }
  if (new Set(dependsOn).size !== dependsOn.length) {
    throw new ConfigurationError(`Step "${id}" lists a dependency twice`, {
      path: `${id}.dependsOn`,
    });
  }
  if (dependsOn.includes(id)) {
    throw new ConfigurationError(`Step "${id}" depends on itself`, { path: `${id}.dependsOn` });
  }
  for (const key of ["input", "when", "route"] as const) {
    if (given[key] !== undefined && typeof given[key] !== "function") {
      throw new TypeError(`${where} ${key}: expected a function, received ${describe(given[key])}`);
    }
  }
  if (given.priority !== undefined && !Number.isFinite(given.priority)) {
    throw new TypeError(
      `${where} priority: expected a finite number, received ${describe(given.priority)}`,
    );
  }
  if (
    given.estimatedMs !== undefined &&
    !(Number.isFinite(given.estimatedMs) && given.estimatedMs >= 0)
  ) {
    throw new TypeError(
      `${where} estimatedMs: expected a number >= 0, received ${describe(given.estimatedMs)}`,
    );
  }
  if (given.timeout !== undefined && !(Number.isFinite(given.timeout) && given.timeout > 0)) {
    throw new TypeError(
      `${where} timeout: expected a number of ms > 0, received ${describe(given.timeout)}`,
    );
  }
  const retry = given.retry;
  if (
    retry !== undefined &&
    typeof retry !== "number" &&
    (typeof retry !== "object" || retry === null)
  ) {
    throw new TypeError(
      `${where} retry: expected a number or retry options, received ${describe(retry)}`,
    );
  }
  let resolvedRetry: ResolvedRetryOptions | undefined;
  try {
    resolvedRetry = retry === undefined ? undefined : resolveRetryOptions(retry);
  } catch (error) {
    throw new TypeError(`${where} ${(error as Error).message}`);
  }
  if (
    given.fallbackModels !== undefined &&
    (!Array.isArray(given.fallbackModels) ||
      given.fallbackModels.some((model) => typeof model !== "string"))
  ) {
    throw new TypeError(
      `${where} fallbackModels: expected an array of model names, received ${describe(given.fallbackModels)}`,
    );
  }
  const loop = given.loop;
  if (loop !== undefined) {
    if (typeof loop !== "object" || loop === null || typeof loop.until !== "function") {
      throw new TypeError(
        `${where} loop: expected { until: function, maxIterations }, received ${describe(loop)}`,
      );
    }
    if (!Number.isInteger(loop.maxIterations) || loop.maxIterations < 1) {
      throw new TypeError(
        `${where} loop.maxIterations: expected an integer >= 1, received ${describe(loop.maxIterations)}`,
      );
    }
  }
  const quorum = given.quorum;
  if (quorum !== undefined) {
    if (!Number.isInteger(quorum) || quorum < 1) {
      throw new TypeError(
        `${where} quorum: expected an integer >= 1, received ${describe(quorum)}`,
      );
    }
    if (quorum > dependsOn.length) {
      throw new ConfigurationError(
        `Step "${id}" has quorum ${quorum} but only ${dependsOn.length} dependencies`,
        { path: `${id}.quorum` },
      );
    }
  }
  const approval = given.approval;
  if (
    approval !== undefined &&
    typeof approval !== "boolean" &&
    (typeof approval !== "object" ||
      approval === null ||
      (approval.message !== undefined &&
        typeof approval.message !== "string" &&
        typeof approval.message !== "function"))
  ) {
    throw new TypeError(
      `${where} approval: expected true or { message }, received ${describe(approval)}`,
    );
  }
  return {
    id,
    kind,
    retry: resolvedRetry,
    run: target as StepDefinition["run"],
    dependsOn: Object.freeze([...dependsOn]),
    options: given,
  };
}
