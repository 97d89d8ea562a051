import { codeFragments } from "../core/options/option-fragments.js";
import { type OptionRule, rules } from "../core/options/option-rule.js";
import { rebuildFields, storeOption } from "../durable/durable-options-rules.js";
import type { DashboardOptions } from "./dashboard.js";

const { object, optional, number } = rules;
const { text, positiveMs, signal } = codeFragments;

/** The options of `dashboard()`. */
export const dashboardOptionsRule = object(
  {
    store: optional(storeOption),
    port: optional(
      number({ integer: true, min: 0, max: 65_535 }, "expected a port from 0 to 65535"),
    ),
    ...rebuildFields,
    label: optional(text),
    pollMs: optional(positiveMs),
    signal: optional(signal),
  } satisfies Record<keyof DashboardOptions, OptionRule>,
  "expected an options object",
);
