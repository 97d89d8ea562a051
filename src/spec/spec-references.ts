import { closestName, knownList, type PathSegment } from "../core/options/option-path.js";
import type { Reference } from "./reference.js";

/** Checks of what templates and conditions read, and of input values (internal). */

/** Which roots a text may read, and which steps it may reach. */
export interface ReferenceRules {
  roots: readonly string[];
  /** Whether the text may read step `id` (a known step); `undefined`: any known step. */
  mayRead: ((id: string) => boolean) | undefined;
  /** The step the text belongs to. */
  self: string | undefined;
}

/** The names a reference may use, as sets to look up and lists to suggest from. */
export interface KnownNames {
  steps: { has(id: string): boolean };
  stepList: readonly string[];
  /** `undefined`: the spec declares no inputs, so any name goes. */
  inputs: ReadonlySet<string> | undefined;
  inputList: readonly string[];
  suggest: Suggest;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Every string inside `value` (a template, or JSON holding templates), with its path, in
 * document order. A loop, not recursion: a value is only as deep as the spec allows, but
 * this is not the place to find out.
 */
export function templateStrings(
  value: unknown,
  path: PathSegment[],
): Array<[string, PathSegment[]]> {
  const found: Array<[string, PathSegment[]]> = [];
  const pending: Array<[unknown, PathSegment[]]> = [[value, path]];
  while (pending.length > 0) {
    const [item, at] = pending.pop()!;
    if (typeof item === "string") found.push([item, at]);
    else if (Array.isArray(item)) {
      for (let index = item.length - 1; index >= 0; index--)
        pending.push([item[index], [...at, index]]);
    } else if (isRecord(item)) {
      const keys = Object.keys(item);
      for (let index = keys.length - 1; index >= 0; index--)
        pending.push([item[keys[index]!], [...at, keys[index]!]]);
    }
  }
  return found;
}

export function referenceProblem(
  reference: Reference,
  rules: ReferenceRules,
  known: KnownNames,
): string | undefined {
  const [root, name, field] = reference.segments;
  const shown = `{{${reference.text}}}`;
  if (typeof root !== "string" || !rules.roots.includes(root)) {
    return `${shown}: unknown name "${String(root)}" (a reference starts with ${rules.roots.join(", ")})`;
  }
  if (root === "input") {
    if (name === undefined || known.inputs === undefined) return undefined;
    if (!known.inputs.has(String(name)))
      return `${shown} refers to unknown input "${String(name)}" ${known.suggest(String(name), known.inputList, "declared")}`;
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
  if (!known.steps.has(name))
    return `${shown} refers to unknown step "${name}" ${known.suggest(name, known.stepList)}`;
  if (rules.mayRead && !rules.mayRead(name)) {
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

/** `(did you mean "facts"? known: facts, draft)`, or just the list when nothing is close. */
export type Suggest = (word: string, candidates: readonly string[], label?: string) => string;

/**
 * A `Suggest` that compares at most `budget` candidates in all, then only lists them: a
 * spec with thousands of unknown names among thousands of steps stays linear to check.
 */
export function suggester(budget = 1_000_000): Suggest {
  let left = budget;
  return (word, candidates, label = "known") => {
    left -= candidates.length;
    const close = left >= 0 ? closestName(word, candidates) : undefined;
    return close
      ? `(did you mean "${close}"? ${knownList(candidates, label).slice(1)}`
      : knownList(candidates, label);
  };
}
