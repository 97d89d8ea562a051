import { describe, expect, it } from "vitest";
import { parseSpec } from "./parse-spec.js";
import { SpecError, type SpecIssue } from "./spec-error.js";

const valid = `name: tiny
agents: { writer: { model: "simulated:writer" } }
steps: [{ id: only, agent: writer, input: "Hello" }]
`;

/** The issues `parseSpec` reports for `text`; fails on any other outcome. */
function issuesOf(text: string, format?: "yaml" | "json"): readonly SpecIssue[] {
  try {
    parseSpec(text, format ? { format } : {});
  } catch (error) {
    if (SpecError.isInstance(error)) return error.issues;
    throw error;
  }
  throw new Error("expected a SpecError");
}

const tooDeep = "nested more than 128 levels deep (maps and lists inside each other)";

/** YAML whose ten levels of aliases each repeat the one before ten times: 10^10 values. */
function billionLaughs(): string {
  const lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let level = 1; level <= 10; level++) {
    const aliases = Array.from({ length: 10 }, () => `*l${level - 1}`).join(", ");
    lines.push(`l${level}: &l${level} [${aliases}]`);
  }
  return `${valid}${lines.join("\n")}\n`;
}

describe("reading a spec's text", () => {
  it("stops aliases that would repeat values without end, at the alias that tips it", () => {
    expect(issuesOf(billionLaughs())).toEqual([
      {
        path: "",
        message:
          "aliases repeat more than 100000 values in all, which can exhaust memory (write the values out, or use fewer aliases)",
        line: 8,
        column: 45,
      },
    ]);
  });

  it("allows an anchor repeated more than a hundred times, as specs share settings", () => {
    const steps = Array.from(
      { length: 150 },
      (_, index) => `  - { id: s${index}, agent: writer, retry: *retry }`,
    );
    const text = `name: shared
agents: { writer: { model: "simulated:writer" } }
defaults: { retry: &retry { maxAttempts: 3, initialDelayMs: 10 } }
steps:
${steps.join("\n")}
`;
    expect(parseSpec(text, { kind: "workflow" }).steps[149]?.retry).toEqual({
      maxAttempts: 3,
      initialDelayMs: 10,
    });
  });

  it("names the line of an alias without an anchor before it", () => {
    expect(issuesOf(`${valid}description: *nowhere\n`)).toEqual([
      {
        path: "",
        message: 'unknown alias "*nowhere": an anchor "&nowhere" must come before it',
        line: 4,
        column: 14,
      },
    ]);
  });

  it("names the line of an alias inside the value it repeats", () => {
    expect(issuesOf(`${valid}output: &loop { again: *loop }\n`)).toEqual([
      {
        path: "",
        message:
          'alias "*loop" is inside the value it repeats (&loop), so that value would never end',
        line: 4,
        column: 24,
      },
    ]);
  });

  it("refuses YAML nested 3,000 deep, block or flow, at the line that goes too deep", () => {
    let block = `${valid}output:\n`;
    for (let level = 0; level < 3000; level++) block += `${" ".repeat(level + 1)}a:\n`;
    expect(issuesOf(`${block}${" ".repeat(3001)}b: 1\n`)).toEqual([
      { path: "", message: tooDeep, line: 132, column: 129 },
    ]);
    const flow = `${valid}output: ${"[".repeat(3000)}${"]".repeat(3000)}\n`;
    expect(issuesOf(flow)).toEqual([{ path: "", message: tooDeep, line: 4, column: 136 }]);
  });

  it("refuses JSON nested 100,000 deep, at the line that goes too deep", () => {
    const text = `{\n"name": "deep",\n"output": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    expect(issuesOf(text, "json")).toEqual([{ path: "", message: tooDeep, line: 3, column: 138 }]);
  });

  it("refuses aliases that nest a value deeper than the limit", () => {
    const lists = (count: number) => `${"[".repeat(count)}1${"]".repeat(count)}`;
    const text = `${valid}description: &deep ${lists(100)}\noutput: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*deep]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n`;
    expect(issuesOf(text)).toEqual([{ path: "", message: tooDeep, line: 5, column: 39 }]);
  });

  it("accepts strings full of brackets and deep nesting up to the limit", () => {
    const brackets = "[{".repeat(10_000);
    expect(parseSpec(`${valid}description: "${brackets}"\n`).description).toBe(brackets);
    const json = JSON.stringify({ ...parseSpec(valid), description: brackets });
    expect(parseSpec(json, { format: "json" }).description).toBe(brackets);
    // The top-level map, output's list, then 126 more lists: 128 levels.
    const deepest = `${valid}output: ${"[".repeat(127)}1${"]".repeat(127)}\n`;
    expect(JSON.stringify(parseSpec(deepest, { kind: "workflow" }).output)).toBe(
      `${"[".repeat(127)}1${"]".repeat(127)}`,
    );
  });

  it("refuses a map or a list as a key, which data cannot have", () => {
    expect(issuesOf(`${valid}? [complex, key]\n: value\n`)).toEqual([
      {
        path: "",
        message: "a map or list as a key: keys are names, numbers or other plain values",
        line: 4,
        column: 3,
      },
    ]);
  });

  it("refuses more than one YAML document", () => {
    expect(issuesOf(`${valid}---\nname: second\n`)).toEqual([
      {
        path: "",
        message: "invalid YAML: Source contains multiple documents; a spec is one document",
        line: 4,
        column: 1,
      },
    ]);
  });
});
