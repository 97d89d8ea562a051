import { describe, expect, it } from "vitest";
import { checkJson, jsonProblem } from "./check-json.js";

describe("checkJson", () => {
  it("accepts JSON values, shared objects, undefined properties and no value at all", () => {
    const shared = { n: 1 };
    expect(jsonProblem({ a: [1, "x", true, null, { b: shared }], c: shared, d: undefined })).toBe(
      undefined,
    );
    expect(jsonProblem(undefined)).toBe(undefined);
  });

  it("names where a value stops being JSON", () => {
    const cyclic: Record<string, unknown> = { a: { b: {} } };
    (cyclic.a as { b: Record<string, unknown> }).b.back = cyclic;
    expect(jsonProblem({ list: [1, () => 2] })).toBe(".list[1] is a function");
    expect(jsonProblem({ when: new Date(0) })).toBe(".when is a Date (JSON would flatten it)");
    expect(jsonProblem({ n: Number.NaN })).toBe(".n is NaN (not a finite number)");
    expect(jsonProblem({ big: 1n })).toBe(".big is a bigint");
    expect(jsonProblem([undefined])).toBe("[0] is undefined");
    expect(jsonProblem(cyclic)).toBe(".a.b.back refers back to itself (a cycle)");
    expect(() => checkJson({ fn: () => 1 }, "step output")).toThrow(
      new TypeError("step output: expected a JSON value, but step output.fn is a function"),
    );
  });

  it("walks deep values without running out of stack", () => {
    let deep: unknown = "bottom";
    for (let level = 0; level < 50_000; level++) deep = { next: deep };
    expect(jsonProblem(deep)).toBe(undefined);
  });
});
