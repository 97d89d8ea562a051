import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const coreDir = dirname(fileURLToPath(import.meta.url));

/** The engine's own code: tests, their support, fixtures and the conformance suites are not. */
function coreSources(dir: string = coreDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "test-support" ? [] : coreSources(path);
    const isSource =
      entry.name.endsWith(".ts") &&
      !entry.name.endsWith(".test.ts") &&
      !entry.name.endsWith(".conformance.ts") &&
      !entry.name.endsWith(".fixtures.ts");
    return isSource ? [path] : [];
  });
}

/** Source text without comments, so a comment that names `Date.now()` is no offence. */
function code(path: string): string {
  return readFileSync(path, "utf8")
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

/** What core may not touch: time, randomness, the environment and Node's modules. */
const forbidden: Array<[RegExp, string]> = [
  [/\bDate\.now\s*\(/, "Date.now()"],
  [/\bnew Date\s*\(/, "new Date()"],
  [/\bMath\.random\b/, "Math.random"],
  [/\bperformance\.now\b/, "performance.now"],
  [/\bset(Timeout|Interval)\s*\(/, "setTimeout / setInterval"],
  [/\bprocess\.env\b/, "process.env"],
  [/\bfrom\s+["']node:/, "a node: import"],
  [/\bimport\(\s*["']node:/, "a node: import"],
];

function offences(path: string): string[] {
  const text = code(path);
  const found = forbidden.filter(([pattern]) => pattern.test(text)).map(([, what]) => what);
  for (const match of text.matchAll(/\bfrom\s+["'](\.[^"']*)["']/g)) {
    const target = resolve(dirname(path), match[1]!);
    if (relative(coreDir, target).startsWith("..")) found.push(`an import of ${match[1]}`);
  }
  return found;
}

describe("The determinism boundary", () => {
  it("keeps time, randomness, ids, the environment and I/O out of core/ (they come through ports)", () => {
    const sources = coreSources();
    expect(sources.length).toBeGreaterThan(40);
    const report = sources
      .map((path) => ({ file: relative(coreDir, path), offences: offences(path) }))
      .filter((entry) => entry.offences.length > 0);
    expect(report).toEqual([]);
  });

  it("catches what it is there to catch", () => {
    const samples = [
      "const now = Date.now();",
      "const id = Math.random();",
      'import { randomUUID } from "node:crypto";',
      "const key = process.env.OPENAI_API_KEY;",
      "setTimeout(() => {}, 10);",
    ];
    for (const sample of samples) {
      expect(
        forbidden.some(([pattern]) => pattern.test(sample)),
        sample,
      ).toBe(true);
    }
  });
});
