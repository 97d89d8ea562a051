/** Helpers that name places in a spec (internal). */

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

/** `(known: a, b, c)`, or `(none are defined)`. */
export function knownList(names: Iterable<string>, label = "known"): string {
  const list = [...names];
  return list.length === 0 ? "(none are defined)" : `(${label}: ${list.join(", ")})`;
}

/** The closest of `candidates` to `word` when it is a likely typo (edit distance <= 2). */
export function closestName(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(word.length / 2));
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= bestDistance && candidate !== word) {
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
