/** Helpers that name places in a spec or an options object (internal). */

export type PathSegment = string | number;

const identifier = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `["steps", 1, "dependsOn", 0]` -> `steps[1].dependsOn[0]`; odd keys are quoted: `agents["my agent"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (identifier.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Names listed in a message at most; a spec of 100,000 steps must not list them all in each. */
const LISTED_NAMES = 20;

/** `(known: a, b, c)`, `(known: a, b, ... and 980 more)`, or `(none are defined)`. */
export function knownList(names: readonly string[], label = "known"): string {
  if (names.length === 0) return "(none are defined)";
  const shown = names.slice(0, LISTED_NAMES).join(", ");
  const more = names.length - LISTED_NAMES;
  return `(${label}: ${shown}${more > 0 ? `, ... and ${more} more` : ""})`;
}

/** The closest of `candidates` to `word` when it is a likely typo (edit distance <= 2). */
export function closestName(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(word.length / 2));
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    if (Math.abs(candidate.length - word.length) > bestDistance || candidate === word) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
