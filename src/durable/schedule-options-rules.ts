import { codeFragments } from "../core/options/option-fragments.js";
import { type OptionRule, type RuleProblem, rules } from "../core/options/option-rule.js";
import { storeOption } from "./durable-options-rules.js";
import { cronOf } from "./fire-times.js";
import type { ListSchedulesOptions, ScheduleOptions, ScheduleStoreOptions } from "./schedules.js";
import { isAgent, isWorkflow } from "./workflow-registry.js";

const { object, optional, union, string, number, oneOf, boolean, record, custom, anything } = rules;
const { text, nonEmpty, clock, ids, signal } = codeFragments;

/** A time: a valid `Date` or epoch ms. */
const time = custom(
  (value) =>
    (value instanceof Date && Number.isFinite(value.getTime())) ||
    (typeof value === "number" && Number.isFinite(value)),
  "expected a Date or epoch ms",
);

/** Whether `Intl` knows the zone (as croner, which reads cron expressions in it, does). */
function isTimeZone(value: unknown): boolean {
  if (typeof value !== "string" || value === "") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const scheduleFields = {
  id: optional(nonEmpty),
  workflow: optional(
    union([nonEmpty, custom(isWorkflow, "expected a workflow")], "expected a workflow or its name"),
  ),
  agent: optional(
    union([nonEmpty, custom(isAgent, "expected an agent")], "expected an agent or its name"),
  ),
  input: anything(),
  once: optional(time),
  every: optional(number({ integer: true, gt: 0 }, "expected a whole number of ms > 0")),
  cron: optional(string("expected a cron expression", { pattern: /\S/ })),
  timezone: optional(custom(isTimeZone, 'expected an IANA time zone name ("Europe/Paris")')),
  catchUp: optional(oneOf(["skip", "run-once"], 'expected "skip" or "run-once"')),
  startAt: optional(time),
  paused: optional(boolean()),
  metadata: optional(record(text, anything(), "expected an object")),
} satisfies Record<keyof ScheduleOptions, OptionRule>;

/** Which options go together: one target, one trigger, `startAt` with `every`, a cron croner reads. */
function scheduleProblems(options: ScheduleOptions): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const oneOfKeys = (keys: readonly (keyof ScheduleOptions)[], expected: string) => {
    const given = keys.filter((key) => options[key] !== undefined);
    if (given.length === 0) problems.push({ path: [], message: expected });
    for (const key of given.slice(1)) {
      problems.push({ path: [key], message: `${expected}: ${given[0]} is given too` });
    }
  };
  oneOfKeys(["workflow", "agent"], "expected exactly one of workflow and agent");
  oneOfKeys(["once", "every", "cron"], "expected exactly one of once, every and cron");
  if (options.startAt !== undefined && options.every === undefined) {
    problems.push({ path: ["startAt"], message: "startAt goes with every only" });
  }
  const { cron, timezone } = options;
  if (cron !== undefined) {
    try {
      cronOf(cron, timezone);
    } catch (error) {
      const zone = timezone === undefined ? "" : ` in ${timezone}`;
      problems.push({
        path: ["cron"],
        message: `expected a cron expression valid${zone}: ${(error as Error).message}`,
      });
    }
  }
  return problems;
}

/** The options of `schedule(options, storeOptions)`. */
export const scheduleOptionsRule = rules.refine(
  object(scheduleFields, "expected an options object"),
  (value) => scheduleProblems(value as ScheduleOptions),
);

const storeFields = {
  store: optional(storeOption),
  clock: optional(clock),
  ids: optional(ids),
  signal: optional(signal),
} satisfies Record<keyof ScheduleStoreOptions, OptionRule>;

/** Where schedules live: the second options of `schedule()`, those of `pauseSchedule()`, `resumeSchedule()`, `removeSchedule()`. */
export const scheduleStoreOptionsRule = object(storeFields, "expected an options object");

/** The options of `listSchedules(options)`. */
export const listSchedulesOptionsRule = object(
  {
    ...storeFields,
    paused: optional(boolean()),
    target: optional(nonEmpty),
    upcoming: optional(number({ integer: true, min: 0 }, "expected an integer >= 0")),
  } satisfies Record<keyof ListSchedulesOptions, OptionRule>,
  "expected an options object",
);
