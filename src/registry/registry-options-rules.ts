import { type OptionRule, optionFragments, rules } from "../engine/index.js";
import type { AgentRegistryOptions, RegisterOptions } from "./registry-options.js";

const { object, optional, array, union, literal, number, string, boolean, fn } = rules;
const { clock, count, concurrency, nonNegative, text, breakerOptions } = optionFragments;

const nonEmpty = string("expected a non-empty string", { nonEmpty: true });

/** The options of `new AgentRegistry()`. */
export const agentRegistryOptionsRule = object(
  {
    clock: optional(clock),
    healthCheckIntervalMs: optional(nonNegative),
    circuitBreaker: optional(
      union(
        [literal(false, "expected false"), breakerOptions],
        "expected false or { failureRateThreshold, minimumCalls, windowSize, cooldownMs, halfOpenProbes }",
      ),
    ),
    latencySamples: optional(count),
  } satisfies Record<keyof AgentRegistryOptions, OptionRule>,
  "expected an options object",
);

/** The options of `registry.register()`. */
export const registerOptionsRule = object(
  {
    capabilities: array(nonEmpty, "expected an array of capabilities", {
      nonEmpty: "expected at least one capability",
    }),
    priority: optional(number({}, "expected a finite number")),
    healthCheck: optional(fn()),
    maxConcurrent: optional(concurrency),
    enabled: optional(boolean()),
    description: optional(text),
  } satisfies Record<keyof RegisterOptions, OptionRule>,
  "expected an options object",
);

/** The options of `registry.route()`. */
export const routeOptionsRule = object(
  { name: optional(nonEmpty), description: optional(text) },
  "expected an options object",
);
