import { inputValueProblem } from "./spec-references.js";
import type { WorkflowSpec } from "./spec-schema.js";

/**
 * Checks a run's input against the spec's `inputs` and fills in defaults. A spec without
 * `inputs` takes any input as it is.
 *
 * - The input must be a map (or nothing, when every input has a default or is optional).
 * - An input without a default is required unless it says `required: false`.
 * - Names the spec does not declare are errors (they are usually typos).
 *
 * @throws TypeError listing every problem, as `input.<name>: <what was expected>`.
 * @example resolveSpecInputs(spec, { topic: "tides" }) // { topic: "tides", depth: 2 }
 */
export function resolveSpecInputs(
  spec: Pick<WorkflowSpec, "inputs" | "name">,
  input: unknown,
): unknown {
  const declared = spec.inputs;
  if (declared === undefined) return input;
  const given = input === undefined || input === null ? {} : input;
  if (typeof given !== "object" || Array.isArray(given)) {
    const names = Object.keys(declared).join(", ");
    throw new TypeError(
      `Workflow "${spec.name}": expected the input to be a map of ${names || "nothing"}, received ${Array.isArray(given) ? "a list" : typeof given}`,
    );
  }
  const values = given as Record<string, unknown>;
  const problems: string[] = [];
  const resolved: Record<string, unknown> = {};
  for (const [name, input] of Object.entries(declared)) {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) {
      if (input.default !== undefined) resolved[name] = structuredClone(input.default);
      else if (input.required !== false) {
        problems.push(
          `input.${name}: required (${input.type}${input.description ? `: ${input.description}` : ""})`,
        );
      }
      continue;
    }
    const problem = inputValueProblem(value, input.type, input.enum);
    if (problem) problems.push(`input.${name}: ${problem}`);
    else resolved[name] = value;
  }
  for (const name of Object.keys(values)) {
    if (!Object.hasOwn(declared, name) && values[name] !== undefined) {
      problems.push(
        `input.${name}: unknown input (declared: ${Object.keys(declared).join(", ") || "none"})`,
      );
    }
  }
  if (problems.length > 0) {
    throw new TypeError(`Workflow "${spec.name}": invalid input:\n  ${problems.join("\n  ")}`);
  }
  return resolved;
}
