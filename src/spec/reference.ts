import type { PathSegment } from "./spec-path.js";

/**
 * A dotted path into what a step can see (internal): `input.topic`, `steps.facts.text`,
 * `steps.plan.output.items[0].title`. The first segment is the root.
 */
export interface Reference {
  segments: PathSegment[];
  /** The path as written. */
  text: string;
  /** Where it starts in the template or expression, 0-based. */
  offset: number;
}

const identifierStart = /[A-Za-z_]/;
const identifierPart = /[A-Za-z0-9_-]/;
const digit = /[0-9]/;

export type ReadPathResult =
  | { ok: true; reference: Reference; end: number }
  | { ok: false; message: string; offset: number };

/**
 * Reads a path starting at `start`: an identifier, then `.name`, `.0` or `[0]` parts.
 * Hyphens are allowed inside names (`steps.fact-check.text`): expressions have no minus.
 */
export function readPath(text: string, start: number): ReadPathResult {
  let index = start;
  const segments: PathSegment[] = [];
  const readName = (): string | undefined => {
    if (index >= text.length || !identifierStart.test(text[index]!)) return undefined;
    const from = index;
    while (index < text.length && identifierPart.test(text[index]!)) index++;
    return text.slice(from, index);
  };
  const readDigits = (): number | undefined => {
    const from = index;
    while (index < text.length && digit.test(text[index]!)) index++;
    return index > from ? Number(text.slice(from, index)) : undefined;
  };
  const first = readName();
  if (first === undefined)
    return { ok: false, message: "expected a name like input or steps", offset: start };
  segments.push(first);
  while (index < text.length) {
    const character = text[index]!;
    if (character === ".") {
      index++;
      const name = readName() ?? readDigits();
      if (name === undefined)
        return { ok: false, message: 'expected a name or an index after "."', offset: index };
      segments.push(name);
    } else if (character === "[") {
      index++;
      const position = readDigits();
      if (position === undefined || text[index] !== "]")
        return { ok: false, message: 'expected an index like [0] after "["', offset: index };
      index++;
      segments.push(position);
    } else break;
  }
  return {
    ok: true,
    reference: { segments, text: text.slice(start, index), offset: start },
    end: index,
  };
}

/**
 * Follows `segments` through `root`, reading own properties only (never `__proto__` or
 * `constructor`); `length` of a string or array is its length. Missing is `undefined`.
 */
export function resolvePath(root: unknown, segments: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (value === null || value === undefined) return undefined;
    if (segment === "length" && (typeof value === "string" || Array.isArray(value)))
      value = value.length;
    else if (Array.isArray(value)) value = typeof segment === "number" ? value[segment] : undefined;
    else if (typeof value === "object") {
      const key = String(segment);
      value = Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
    } else return undefined;
  }
  return value;
}
