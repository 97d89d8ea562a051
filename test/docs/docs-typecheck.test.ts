/**
 * The documentation's code is code: every ```ts block of README.md, docs/*.md and
 * examples/README.md type-checks against the package's source, as its own module, and
 * every import in any code block names something a reader can install. A block marked
 * `ts fragment` (a signature, a one-line shape) is skipped: there should be few.
 */
import { describe, expect, it } from "vitest";
import { type BlockProblem, checkDocBlocks } from "./check-doc-blocks.js";
import { codeBlocks, importedSpecifiers } from "./code-blocks.js";

/** One line per problem, so a failure reads like a compiler's output. */
function report(problems: readonly BlockProblem[]): string {
  return problems
    .map((problem) => `${problem.at} (block at ${problem.block}): ${problem.message}`)
    .join("\n");
}

describe("The docs", () => {
  it("type-check: every TypeScript block compiles against the package, and every import resolves", () => {
    const { checked, fragments, problems } = checkDocBlocks();
    expect(report(problems)).toBe("");
    expect(checked.length).toBeGreaterThan(80);
    // Fragments are the exception: a signature list, a one-line shape.
    expect(fragments.length).toBeLessThanOrEqual(5);
  }, 120_000);
});

describe("codeBlocks", () => {
  it("finds fenced blocks with their line, language and flags, indented ones included", () => {
    const text = [
      "# Title",
      "```ts",
      'import { agent } from "baton-ai";',
      "```",
      "- a list item:",
      "  ```ts fragment",
      "  step(id, target)",
      "  ```",
      "```",
      "plain",
      "```",
    ].join("\n");
    expect(codeBlocks("doc.md", text)).toEqual([
      {
        file: "doc.md",
        line: 2,
        language: "ts",
        flags: [],
        code: 'import { agent } from "baton-ai";',
      },
      { file: "doc.md", line: 6, language: "ts", flags: ["fragment"], code: "step(id, target)" },
      { file: "doc.md", line: 9, language: "", flags: [], code: "plain" },
    ]);
  });
});

describe("importedSpecifiers", () => {
  it("finds static, type-only, multi-line, side-effect and dynamic imports, and re-exports", () => {
    const code = [
      'import { agent } from "baton-ai";',
      'import type { Run } from "baton-ai/events";',
      "import {",
      "  approve,",
      "  resume,",
      '} from "baton-ai/durable";',
      'import "./setup.js";',
      'const { z } = await import("zod");',
      "export * from 'ai';",
      '// text that mentions from "nowhere" is not an import',
    ].join("\n");
    expect(importedSpecifiers(code).sort()).toEqual(
      ["./setup.js", "ai", "baton-ai", "baton-ai/durable", "baton-ai/events", "zod"].sort(),
    );
  });
});
