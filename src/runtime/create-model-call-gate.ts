import type { ModelCallGate } from "../core/model-call-gate.js";
import { codeFragments } from "../core/options/option-fragments.js";
import { type OptionRule, rules } from "../core/options/option-rule.js";
import {
  createModelCallGate as createEngineGate,
  type ModelCallGateOptions,
} from "../core/policies/create-model-call-gate.js";
import { checkOptions } from "./check-options.js";

const { object, optional, fn, custom } = rules;
const { clock, budget, limits, circuitBreaker } = codeFragments;

/** The options of `createModelCallGate()`. */
export const modelCallGateOptionsRule = object(
  {
    clock,
    limits: optional(limits),
    circuitBreaker: optional(circuitBreaker),
    budget: optional(budget),
    onEvent: optional(fn()),
    onBudgetExceeded: optional(fn()),
    spent: optional(
      custom(
        (value) =>
          typeof value === "object" &&
          value !== null &&
          typeof (value as { tokens?: unknown }).tokens === "number",
        "expected what was spent: { tokens, cents, perAgent? }",
      ),
    ),
  } satisfies Record<keyof ModelCallGateOptions, OptionRule>,
  "expected an options object",
);

/**
 * The engine's `ModelCallGate`: per-model concurrency and token-bucket rate limits that
 * honour Retry-After, a circuit breaker per model, and budgets per run and per agent.
 * Its options are checked at once, by the rules a run's options follow.
 */
export function createModelCallGate(options: ModelCallGateOptions): ModelCallGate {
  checkOptions(modelCallGateOptionsRule, options, "createModelCallGate()");
  return createEngineGate(options);
}
