import { type Reference, readPath, resolvePath } from "./reference.js";

/** Literal text and `{{ reference }}` placeholders, in order (internal). */
export type TemplatePart = string | Reference;

export type ParseTemplateResult =
  | { ok: true; parts: TemplatePart[]; references: Reference[] }
  | { ok: false; message: string; offset: number };

/**
 * Parses `"Write about {{ input.topic }} from {{steps.facts.text}}"`. Placeholders hold a
 * path only (no expressions, no calls), so rendering a spec can never run code.
 */
export function parseTemplate(text: string): ParseTemplateResult {
  const parts: TemplatePart[] = [];
  const references: Reference[] = [];
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf("{{", index);
    if (open === -1) {
      parts.push(text.slice(index));
      break;
    }
    if (open > index) parts.push(text.slice(index, open));
    let cursor = open + 2;
    while (text[cursor] === " ") cursor++;
    const path = readPath(text, cursor);
    if (!path.ok) return { ok: false, message: `in "{{": ${path.message}`, offset: path.offset };
    cursor = path.end;
    while (text[cursor] === " ") cursor++;
    if (!text.startsWith("}}", cursor)) {
      return {
        ok: false,
        message: `expected "}}" to close the placeholder opened at column ${open + 1}`,
        offset: cursor,
      };
    }
    parts.push(path.reference);
    references.push(path.reference);
    index = cursor + 2;
  }
  return { ok: true, parts, references };
}

/**
 * Renders parsed parts against `scope`. A template that is exactly one placeholder keeps
 * the value's type (an object stays an object); otherwise values are joined as text.
 */
export function renderTemplate(parts: readonly TemplatePart[], scope: unknown): unknown {
  if (parts.length === 1 && typeof parts[0] !== "string") {
    return resolvePath(scope, parts[0]!.segments);
  }
  let out = "";
  for (const part of parts) {
    out += typeof part === "string" ? part : stringifyValue(resolvePath(scope, part.segments));
  }
  return out;
}

/** How a value reads inside a prompt: text as is, missing as empty, objects as indented JSON. */
export function stringifyValue(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return String(value);
  try {
    return JSON.stringify(value, null, 2) ?? "";
  } catch {
    return String(value);
  }
}
