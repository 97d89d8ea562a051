import { codeFragments } from "../core/options/option-fragments.js";
import { type OptionRule, rules } from "../core/options/option-rule.js";
import type { ReportOptions } from "./report.js";
import { integerAtLeast as atLeast } from "./view-options-rules.js";

const { object, optional, oneOf, string, fn } = rules;
const { signal } = codeFragments;

/** The options of `report(source, options)`. */
export const reportOptionsRule = object(
  {
    format: optional(oneOf(["md", "pdf"], 'expected "md" or "pdf"')),
    title: optional(string("expected a title that is not blank", { pattern: /\S/ })),
    argumentChars: atLeast(10),
    outputChars: atLeast(20),
    width: atLeast(40),
    onEvent: optional(fn()),
    signal: optional(signal),
  } satisfies Record<keyof ReportOptions, OptionRule>,
  "expected an options object",
);
