import type { PathSegment } from "../core/options/option-path.js";
import { SPEC_LIMITS } from "./spec-limits.js";

interface Visit {
  value: unknown;
  depth: number;
  parent: Visit | undefined;
  key: PathSegment;
}

/**
 * The path to the first map or list nested deeper than `SPEC_LIMITS.depth` in `value`
 * (a spec given as data), or `undefined`. Circular data is too deep by this measure.
 * Walks with a loop, not recursion, and looks at a shared value again only when it is
 * reached deeper than before, so the work is at most the values times the limit.
 */
export function nestingPath(value: unknown): PathSegment[] | undefined {
  const deepest = new Map<object, number>();
  const pending: Visit[] = [{ value, depth: 0, parent: undefined, key: "" }];
  while (pending.length > 0) {
    const visit = pending.pop()!;
    const { value: item, depth } = visit;
    if (typeof item !== "object" || item === null) continue;
    if (depth + 1 > SPEC_LIMITS.depth) return pathOf(visit);
    if ((deepest.get(item) ?? -1) >= depth) continue;
    deepest.set(item, depth);
    const keys: PathSegment[] = Array.isArray(item)
      ? item.map((_, index) => index)
      : Object.keys(item);
    for (let index = keys.length - 1; index >= 0; index--) {
      const key = keys[index]!;
      const child = (item as Record<PathSegment, unknown>)[key];
      if (typeof child === "object" && child !== null)
        pending.push({ value: child, depth: depth + 1, parent: visit, key });
    }
  }
  return undefined;
}

function pathOf(visit: Visit): PathSegment[] {
  const path: PathSegment[] = [];
  for (let at: Visit | undefined = visit; at?.parent; at = at.parent) path.push(at.key);
  return path.reverse();
}
