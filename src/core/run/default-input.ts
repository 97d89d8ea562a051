import type { StepDefinition } from "../workflow/step-options.js";

/** The input a step gets without an `input` option. */
export function defaultInput(step: StepDefinition, input: unknown): unknown {
  if (step.kind !== "agent" || typeof input === "string") return input;
  if (input === undefined) return "";
  try {
    return JSON.stringify(input, null, 2) ?? String(input);
  } catch {
    return String(input);
  }
}
