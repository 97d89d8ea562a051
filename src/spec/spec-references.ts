import type { Reference } from "./reference.js";
import { closestName, knownList, type PathSegment } from "./spec-path.js";

/** Checks of what templates and conditions read, and of input values (internal). */

/** Which roots a text may read, and which steps it may reach. */
export interface ReferenceRules {
  roots: readonly string[];
  /** `undefined`: any known step. */
  allowedSteps: ReadonlySet<string> | undefined;
  /** The step the text belongs to. */
  self: string | undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Every string inside `value` (a template, or JSON holding templates), with its path. */
export function templateStrings(
  value: unknown,
  path: PathSegment[],
): Array<[string, PathSegment[]]> {
  if (typeof value === "string") return [[value, path]];
  if (Array.isArray(value))
    return value.flatMap((item, index) => templateStrings(item, [...path, index]));
  if (isRecord(value))
    return Object.entries(value).flatMap(([key, item]) => templateStrings(item, [...path, key]));
  return [];
}

export function referenceProblem(
  reference: Reference,
  rules: ReferenceRules,
  stepIds: readonly string[],
  declaredInputs: readonly string[] | undefined,
): string | undefined {
  const [root, name, field] = reference.segments;
  const shown = `{{${reference.text}}}`;
  if (typeof root !== "string" || !rules.roots.includes(root)) {
    return `${shown}: unknown name "${String(root)}" (a reference starts with ${rules.roots.join(", ")})`;
  }
  if (root === "input") {
    if (name === undefined || declaredInputs === undefined) return undefined;
    if (!declaredInputs.includes(String(name)))
      return `${shown} refers to unknown input "${String(name)}" ${suggest(String(name), declaredInputs, "declared")}`;
    return undefined;
  }
  if (root !== "steps") return undefined;
  if (name === undefined || typeof name !== "string")
    return `${shown}: expected a step id after "steps", as in steps.facts.text`;
  if (name === rules.self) {
    return rules.roots.includes("output")
      ? `${shown}: use text or output to read this step's own result`
      : `${shown}: a step cannot read its own result before it runs`;
  }
  if (!stepIds.includes(name))
    return `${shown} refers to unknown step "${name}" ${suggest(name, stepIds)}`;
  if (rules.allowedSteps && !rules.allowedSteps.has(name)) {
    return `${shown} reads step "${name}", which is not a dependency of "${rules.self}", so it may not have run yet (add it to dependsOn)`;
  }
  if (field !== undefined && field !== "text" && field !== "output") {
    return `${shown}: expected text or output after steps.${name}, found "${String(field)}"`;
  }
  const afterText = reference.segments.slice(3);
  if (
    field === "text" &&
    afterText.length > 0 &&
    !(afterText.length === 1 && afterText[0] === "length")
  ) {
    return `${shown}: text is a string; use output.<field> to read structured output`;
  }
  return undefined;
}

/** Why `value` does not fit an input of `type` (and `allowed` values), if it does not. */
export function inputValueProblem(
  value: unknown,
  type: string,
  allowed: unknown,
): string | undefined {
  const fits =
    type === "string"
      ? typeof value === "string"
      : type === "number"
        ? typeof value === "number" && Number.isFinite(value)
        : type === "integer"
          ? Number.isInteger(value)
          : type === "boolean"
            ? typeof value === "boolean"
            : type === "array"
              ? Array.isArray(value)
              : type === "object"
                ? isRecord(value)
                : true;
  if (!fits)
    return `expected ${type === "integer" || type === "array" || type === "object" ? "an" : "a"} ${type}, received ${describeValue(value)}`;
  if (
    Array.isArray(allowed) &&
    !allowed.some((option) => JSON.stringify(option) === JSON.stringify(value))
  ) {
    return `expected one of ${allowed.map((option) => JSON.stringify(option)).join(", ")}, received ${JSON.stringify(value)}`;
  }
  return undefined;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object") return "an object";
  return String(value);
}

export function suggest(word: string, candidates: readonly string[], label = "known"): string {
  const close = closestName(word, candidates);
  return close
    ? `(did you mean "${close}"? ${knownList(candidates, label).slice(1)}`
    : knownList(candidates, label);
}
