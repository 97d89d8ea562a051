import { describe, expect, it } from "vitest";
import { CliInputError } from "./cli-input-error.js";
import { runInput } from "./run-input.js";

describe("runInput", () => {
  const declared = {
    topic: { type: "string" as const },
    words: { type: "integer" as const },
    ratio: { type: "number" as const },
    draft: { type: "boolean" as const },
    tags: { type: "array" as const },
  };

  it("reads each value as the type the spec declares", () => {
    expect(
      runInput(
        [
          ["topic", "42"],
          ["words", "120"],
          ["ratio", "0.5"],
          ["draft", "yes"],
          ["tags", '["a","b"]'],
        ],
        declared,
      ),
    ).toEqual({ topic: "42", words: 120, ratio: 0.5, draft: true, tags: ["a", "b"] });
  });

  it("keeps values of undeclared inputs, and of specs without inputs, as strings", () => {
    expect(runInput([["extra", "7"]], declared)).toEqual({ extra: "7" });
    expect(runInput([["a", "b=c"]], undefined)).toEqual({ a: "b=c" });
  });

  it("names every flag whose value does not read as its type", () => {
    const attempt = () =>
      runInput(
        [
          ["words", "1.5"],
          ["ratio", "lots"],
          ["draft", "maybe"],
          ["tags", "[oops"],
        ],
        declared,
      );
    expect(attempt).toThrow(CliInputError);
    expect(attempt).toThrow(
      [
        "Invalid --input:",
        "  --input words=1.5: expected an integer",
        "  --input ratio=lots: expected a number",
        "  --input draft=maybe: expected true or false",
        "  --input tags=[oops: expected JSON (an array)",
      ].join("\n"),
    );
  });
});
