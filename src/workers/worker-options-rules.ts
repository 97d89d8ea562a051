import { codeFragments } from "../core/options/option-fragments.js";
import { type OptionRule, type RuleProblem, rules } from "../core/options/option-rule.js";
import { storeOption, workflowsOption } from "../durable/durable-options-rules.js";
import type { QueueDispatcherOptions } from "./queue-dispatcher.js";
import type { WorkerOptions } from "./worker.js";

const { object, optional, string, number, fn, refine } = rules;
const { count, positiveMs, clock, ids, signal } = codeFragments;

/** What owners and workers share: the queue's Redis and the prefix of its keys. */
const queueFields = {
  queue: string("expected a redis:// or rediss:// URL", { pattern: /^rediss?:\/\// }),
  prefix: optional(string('expected a non-empty string without ":"', { pattern: /^[^:]+$/ })),
};

/** A worker with no workflow would take no job. */
function workerProblems({ workflows }: WorkerOptions): RuleProblem[] {
  return Object.keys(workflows).length === 0
    ? [{ path: ["workflows"], message: "expected at least one workflow or agent" }]
    : [];
}

/** The options of `worker(options)`. */
export const workerOptionsRule = refine(
  object(
    {
      ...queueFields,
      store: storeOption,
      workflows: workflowsOption,
      concurrency: optional(count),
      lockMs: optional(positiveMs),
      stalledCheckMs: optional(positiveMs),
      maxStalls: optional(number({ integer: true, min: 0 }, "expected an integer >= 0")),
      ownerWaitMs: optional(positiveMs),
      clock: optional(clock),
      ids: optional(ids),
      signal: optional(signal),
      onError: optional(fn()),
    } satisfies Record<keyof WorkerOptions, OptionRule>,
    "expected an options object",
  ),
  (value) => workerProblems(value as WorkerOptions),
);

/** The options of `queueDispatcher(options)`. */
export const queueDispatcherOptionsRule = object(
  {
    ...queueFields,
    batchSize: optional(count),
    retentionMs: optional(positiveMs),
    pollMs: optional(positiveMs),
    onWarning: optional(fn()),
  } satisfies Record<keyof QueueDispatcherOptions, OptionRule>,
  "expected an options object",
);
