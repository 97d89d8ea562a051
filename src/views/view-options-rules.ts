import { type OptionRule, rules } from "../core/options/option-rule.js";
import type { FlowchartOptions } from "./flowchart.js";
import type { MermaidOptions } from "./mermaid.js";
import type { RunSummaryOptions } from "./run-summary.js";
import type { ToolTraceOptions } from "./tool-trace.js";

const { object, optional, oneOf, number } = rules;

/** An optional whole number of at least `min` (characters, a width). */
export const integerAtLeast = (min: number) =>
  optional(number({ integer: true, min }, `expected an integer >= ${min}`));

/** The options of `flowchart(source, options)`. */
export const flowchartOptionsRule = object(
  { width: integerAtLeast(40) } satisfies Record<keyof FlowchartOptions, OptionRule>,
  "expected an options object",
);

/** The options of `toolTrace(source, options)` and `runSummary(source, options)`. */
export const traceOptionsRule = object(
  { argumentChars: integerAtLeast(10) } satisfies Record<
    keyof ToolTraceOptions | keyof RunSummaryOptions,
    OptionRule
  >,
  "expected an options object",
);

/** The options of `mermaid(source, options)`. */
export const mermaidOptionsRule = object(
  {
    direction: optional(oneOf(["TD", "LR"], 'expected "TD" or "LR"')),
  } satisfies Record<keyof MermaidOptions, OptionRule>,
  "expected an options object",
);
