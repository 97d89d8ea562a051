import type { PathSegment } from "../core/options/option-path.js";

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

export type ReadPathResult =
  | { ok: true; reference: Reference; end: number }
  | { ok: false; message: string; offset: number };

const isIdentifierStart = (code: number) =>
  (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95; // A-Z a-z _
const isDigit = (code: number) => code >= 48 && code <= 57;
const isIdentifierPart = (code: number) => isIdentifierStart(code) || isDigit(code) || code === 45; // -

/** Where the name starting at `index` ends (`index` itself when there is none). */
function nameEnd(text: string, index: number): number {
  if (index >= text.length || !isIdentifierStart(text.charCodeAt(index))) return index;
  let end = index + 1;
  while (end < text.length && isIdentifierPart(text.charCodeAt(end))) end++;
  return end;
}

function digitsEnd(text: string, index: number): number {
  let end = index;
  while (end < text.length && isDigit(text.charCodeAt(end))) end++;
  return end;
}

/**
 * Reads a path starting at `start`: an identifier, then `.name`, `.0` or `[0]` parts.
 * Hyphens are allowed inside names (`steps.fact-check.text`): expressions have no minus.
 */
export function readPath(text: string, start: number): ReadPathResult {
  let index = nameEnd(text, start);
  if (index === start)
    return { ok: false, message: "expected a name like input or steps", offset: start };
  const segments: PathSegment[] = [text.slice(start, index)];
  while (index < text.length) {
    const character = text[index]!;
    if (character === ".") {
      index++;
      const end = nameEnd(text, index);
      if (end > index) segments.push(text.slice(index, end));
      else {
        const digits = digitsEnd(text, index);
        if (digits === index)
          return { ok: false, message: 'expected a name or an index after "."', offset: index };
        segments.push(Number(text.slice(index, digits)));
        index = digits;
        continue;
      }
      index = end;
    } else if (character === "[") {
      index++;
      const digits = digitsEnd(text, index);
      if (digits === index || text[digits] !== "]")
        return { ok: false, message: 'expected an index like [0] after "["', offset: digits };
      segments.push(Number(text.slice(index, digits)));
      index = digits + 1;
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
