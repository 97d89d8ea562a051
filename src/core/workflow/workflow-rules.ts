import { codeFragments } from "../options/option-fragments.js";
import { type OptionRule, rules } from "../options/option-rule.js";
import type { StartOptions } from "./start-options.js";
import type { StepOptions, StepRunOptions } from "./step-options.js";
import type { WorkflowOptions, WorkflowRunOptions } from "./workflow.js";

const {
  object,
  optional,
  array,
  record,
  number,
  union,
  boolean,
  oneOf,
  fn,
  custom,
  withMethods,
  anything,
} = rules;
const {
  text,
  nonEmpty,
  modelName,
  count,
  concurrency,
  nonNegative,
  positiveMs,
  retry,
  budget,
  limits,
  circuitBreaker,
  clock,
  signal,
  runStore,
  ids,
  telemetry,
  responseCache,
} = codeFragments;

const failureMode = oneOf(["fail-fast", "continue"], 'expected "fail-fast" or "continue"');
const fallbackModels = array(modelName, "expected an array of model names");
const stepIds = array(text, "expected an array of step ids");

/** The options of `workflow(name, options)`. */
export const workflowOptionsRule = object(
  {
    output: optional(fn()),
    failureMode: optional(failureMode),
    mode: optional(oneOf(["parallel", "sequential"], 'expected "parallel" or "sequential"')),
    concurrency: optional(concurrency),
  } satisfies Record<keyof WorkflowOptions, OptionRule>,
  "expected an options object",
);

/** The options of `flow.step(id, target, options)`. */
export const stepOptionsRule = object(
  {
    dependsOn: optional(stepIds),
    input: optional(fn()),
    when: optional(fn()),
    priority: optional(number({}, "expected a finite number")),
    estimatedMs: optional(nonNegative),
    retry: optional(retry),
    timeout: optional(positiveMs),
    fallbackModels: optional(fallbackModels),
    route: optional(fn()),
    loop: optional(
      object({ until: fn(), maxIterations: count }, "expected { until, maxIterations }"),
    ),
    quorum: optional(count),
    prefetch: optional(
      record(
        text,
        union(
          [
            fn(),
            object({ load: fn(), dependsOn: optional(stepIds) }, "expected { load, dependsOn? }"),
          ],
          "expected a function or { load, dependsOn? }",
        ),
        "expected an object of loaders by name",
      ),
    ),
    approval: optional(
      union(
        [
          boolean(),
          object(
            {
              message: optional(
                union([text, fn()], "expected a message or a function that returns one"),
              ),
            },
            "expected { message }",
          ),
        ],
        "expected true or { message }",
      ),
    ),
  } satisfies Record<keyof StepOptions, OptionRule>,
  "expected an options object",
);

/** The fields of start options, one rule each (the durable API picks some). */
export const startFields = {
  concurrency: optional(concurrency),
  store: optional(runStore),
  clock: optional(clock),
  ids: optional(ids),
  random: optional(fn()),
  dispatcher: optional(withMethods(["dispatch"], "expected a StepDispatcher with dispatch()")),
  signal: optional(signal),
  runId: optional(nonEmpty),
  parentRunId: optional(nonEmpty),
  parent: optional(object({ runId: nonEmpty, stepId: text }, "expected { runId, stepId }")),
  budget: optional(budget),
  limits: optional(limits),
  circuitBreaker: optional(circuitBreaker),
  failureMode: optional(failureMode),
  resumeFrom: optional(
    custom(
      (value) =>
        typeof value === "object" &&
        value !== null &&
        typeof (value as { steps?: unknown }).steps === "object",
      "expected a RunState (from foldRunLog)",
    ),
  ),
  gate: optional(withMethods(["acquire"], "expected a ModelCallGate with acquire()")),
  telemetry: optional(telemetry),
  cache: optional(responseCache),
  definition: anything(),
  metadata: optional(
    custom(
      (value) => typeof value === "object" && value !== null && !Array.isArray(value),
      "expected an object",
    ),
  ),
} satisfies Record<keyof StartOptions, OptionRule>;

/** The options of `flow.start(input, options)`. */
export const startOptionsRule = object(startFields, "expected an options object");

/**
 * What one run of an agent or a workflow may set for itself: a retry policy, a time
 * limit, fallback models and a signal (`context.run()`, `agent.run()`, `flow.run()`).
 */
export const runOverrideFields = {
  retry: optional(retry),
  timeout: optional(positiveMs),
  fallbackModels: optional(fallbackModels),
  signal: optional(signal),
} satisfies Record<Exclude<keyof StepRunOptions, "key">, OptionRule>;

/** The options of `flow.run(input, options)`: start options, a time limit and step defaults. */
export const runOptionsRule = object(
  { ...startFields, ...runOverrideFields } satisfies Record<keyof WorkflowRunOptions, OptionRule>,
  "expected an options object",
);

/** The options of `context.run(runnable, input, options)` in a step. */
export const stepRunOptionsRule = object(
  { ...runOverrideFields, key: optional(nonEmpty) } satisfies Record<
    keyof StepRunOptions,
    OptionRule
  >,
  "expected an options object",
);
