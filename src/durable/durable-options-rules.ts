import { codeFragments } from "../core/options/option-fragments.js";
import { type OptionRule, type RuleProblem, rules } from "../core/options/option-rule.js";
import { startFields } from "../core/workflow/workflow-rules.js";
import type { DurableSettings, DurableStartOptions } from "./durable-settings.js";
import type { ForkOptions } from "./fork.js";
import type { DurableOptions } from "./open-durable.js";
import type { ReplayOptions } from "./replay.js";
import type { ResumeOptions } from "./resume.js";
import type { SchedulerOptions } from "./scheduler.js";
import { isAgent, isWorkflow, type RebuildOptions } from "./workflow-registry.js";

const { object, optional, union, string, record, custom, boolean, fn, anything, refine } = rules;
const { text, nonEmpty, runStore, clock, ids, signal, positiveMs, nonNegative } = codeFragments;

/** Where runs live: a RunStore, or a location to open (`store` of the durable API and the dashboard). */
export const storeOption = union(
  [string("expected a non-empty location", { nonEmpty: true }), runStore],
  'expected a RunStore or a location ("sqlite:<path>", "postgres://…", "memory:", a file path)',
);

/** Code-defined workflows and agents by name (`workflows` of the durable API and the dashboard). */
export const workflowsOption = record(
  text,
  custom((value) => isWorkflow(value) || isAgent(value), "expected a workflow or an agent"),
  "expected an object of workflows by name",
);

/** How a run's workflow is found again: `workflows`, and `build` for spec runs. */
export const rebuildFields = {
  workflows: optional(workflowsOption),
  build: optional(
    custom(
      (value) => typeof value === "object" && value !== null && !Array.isArray(value),
      "expected the options of buildWorkflow() (tools, env, clock)",
    ),
  ),
} satisfies Record<keyof RebuildOptions, OptionRule>;

const { concurrency, budget, limits, circuitBreaker, failureMode, gate, metadata, telemetry } =
  startFields;
const { cache, dispatcher } = startFields;

const durableStart = object(
  {
    concurrency,
    budget,
    limits,
    circuitBreaker,
    failureMode,
    gate,
    metadata,
    telemetry,
    cache,
    dispatcher,
  } satisfies Record<keyof DurableStartOptions, OptionRule>,
  "expected start options (concurrency, budget, limits, ...)",
);

const settingsFields = {
  ...rebuildFields,
  owner: optional(nonEmpty),
  staleAfterMs: optional(positiveMs),
  heartbeatMs: optional(positiveMs),
  clock: optional(clock),
  ids: optional(ids),
  start: optional(durableStart),
} satisfies Record<keyof DurableSettings, OptionRule>;

/** A heartbeat as slow as the staleness limit would make every owner look gone. */
function settingsProblems({
  staleAfterMs = 30_000,
  heartbeatMs,
}: {
  staleAfterMs?: number | undefined;
  heartbeatMs?: number | undefined;
}): RuleProblem[] {
  if (heartbeatMs === undefined || heartbeatMs < staleAfterMs) return [];
  return [
    {
      path: ["heartbeatMs"],
      message: `expected a number of ms below staleAfterMs (${staleAfterMs}), or every owner would look gone`,
    },
  ];
}

/** Durable settings and `more`: one options object, checked whole. */
function settingsRule(more: Record<string, OptionRule>): OptionRule {
  return refine(object({ ...settingsFields, ...more }, "expected an options object"), (value) =>
    settingsProblems(value as DurableSettings),
  );
}

const store = optional(storeOption);
const onError = optional(fn());

/** The options of `resume(runId, options)`. */
export const resumeOptionsRule = settingsRule({
  store,
  force: optional(boolean()),
  signal: optional(signal),
} satisfies Record<Exclude<keyof ResumeOptions, keyof DurableSettings>, OptionRule>);

/** The options of `fork(runId, options)`. */
export const forkOptionsRule = settingsRule({
  fromStep: nonEmpty,
  input: anything(),
  store,
  runId: optional(nonEmpty),
  signal: optional(signal),
} satisfies Record<Exclude<keyof ForkOptions, keyof DurableSettings>, OptionRule>);

/** The options of `openDurable(options)`. */
export const durableOptionsRule = settingsRule({
  store,
  autoResume: optional(boolean()),
  pollMs: optional(positiveMs),
  signal: optional(signal),
  onResume: optional(fn()),
  onError,
} satisfies Record<Exclude<keyof DurableOptions, keyof DurableSettings>, OptionRule>);

/** The options of `startScheduler(options)`. */
export const schedulerOptionsRule = settingsRule({
  store,
  signal: optional(signal),
  pollMs: optional(positiveMs),
  misfireAfterMs: optional(nonNegative),
  autoResume: optional(boolean()),
  onFire: optional(fn()),
  onError,
} satisfies Record<Exclude<keyof SchedulerOptions, keyof DurableSettings>, OptionRule>);

/** The options of `replay(runId, options)`. */
export const replayOptionsRule = object(
  {
    ...rebuildFields,
    store,
    clock: optional(clock),
    start: optional(
      object({ concurrency, failureMode }, "expected start options (concurrency, failureMode)"),
    ),
    signal: optional(signal),
  } satisfies Record<keyof ReplayOptions, OptionRule>,
  "expected an options object",
);

/** `{ store }` alone: what `openStore` checks for callers whose options have no rule yet. */
export const storeOnlyRule = object({ store }, "expected an options object");
