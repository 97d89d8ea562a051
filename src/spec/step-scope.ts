import type { StepResults } from "../core/workflow/step-options.js";
import { parseTemplate, renderTemplate, stringifyValue, type TemplatePart } from "./template.js";

/** What a template sees of one step's result: its text and its (structured) output. */
export interface StepView {
  text: string;
  output: unknown;
}

/** An agent step's result reads as `{ text, output }`; any other value as its own text. */
export function stepView(value: unknown): StepView {
  if (typeof value === "object" && value !== null && typeof (value as StepView).text === "string") {
    const result = value as { text: string; output?: unknown };
    return { text: result.text, output: "output" in result ? result.output : result.text };
  }
  return { text: stringifyValue(value), output: value };
}

/** `steps.<id>` for every step that has ended. */
export function stepsView(results: StepResults): Record<string, StepView> {
  const view: Record<string, StepView> = {};
  for (const id of Object.keys(results)) view[id] = stepView(results[id]);
  return view;
}

/** A value whose strings are templates, parsed once (internal). */
export type CompiledValue =
  | { kind: "template"; parts: TemplatePart[] }
  | { kind: "list"; items: CompiledValue[] }
  | { kind: "map"; entries: Array<[string, CompiledValue]> }
  | { kind: "constant"; value: unknown };

/** Parses every string in `value` as a template; the spec was validated, so they parse. */
export function compileValue(value: unknown): CompiledValue {
  if (typeof value === "string") {
    const parsed = parseTemplate(value);
    if (!parsed.ok) throw new TypeError(`invalid template "${value}": ${parsed.message}`);
    return { kind: "template", parts: parsed.parts };
  }
  if (Array.isArray(value)) return { kind: "list", items: value.map(compileValue) };
  if (typeof value === "object" && value !== null) {
    return {
      kind: "map",
      entries: Object.entries(value).map(([key, item]) => [key, compileValue(item)]),
    };
  }
  return { kind: "constant", value };
}

export function renderValue(value: CompiledValue, scope: unknown): unknown {
  switch (value.kind) {
    case "template":
      return renderTemplate(value.parts, scope);
    case "list":
      return value.items.map((item) => renderValue(item, scope));
    case "map":
      return Object.fromEntries(
        value.entries.map(([key, item]) => [key, renderValue(item, scope)]),
      );
    case "constant":
      return value.value;
  }
}
