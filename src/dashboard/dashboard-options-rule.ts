import { codeFragments } from "../core/options/option-fragments.js";
import { type OptionRule, rules } from "../core/options/option-rule.js";
import { isAgent, isWorkflow } from "../durable/workflow-registry.js";
import type { DashboardOptions } from "./dashboard.js";

const { object, optional, union, string, number, record, custom } = rules;
const { text, runStore, positiveMs, signal } = codeFragments;

/** The options of `dashboard()`. */
export const dashboardOptionsRule = object(
  {
    store: optional(
      union(
        [string("expected a location", { nonEmpty: true }), runStore],
        'expected a RunStore or a location ("sqlite:<path>", "postgres://…", "memory:", a file path)',
      ),
    ),
    port: optional(
      number({ integer: true, min: 0, max: 65_535 }, "expected a port from 0 to 65535"),
    ),
    workflows: optional(
      record(
        text,
        custom((value) => isWorkflow(value) || isAgent(value), "expected a workflow or an agent"),
        "expected an object of workflows by name",
      ),
    ),
    build: optional(
      custom(
        (value) => typeof value === "object" && value !== null && !Array.isArray(value),
        "expected the options of buildWorkflow() (tools, env, clock)",
      ),
    ),
    label: optional(text),
    pollMs: optional(positiveMs),
    signal: optional(signal),
  } satisfies Record<keyof DashboardOptions, OptionRule>,
  "expected an options object",
);
