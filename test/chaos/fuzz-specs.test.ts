import { describe, expect, it } from "vitest";
import { fuzzSpecs } from "./fuzz-specs.js";

describe("fuzzSpecs", () => {
  it("gets a spec or a SpecError from every random or mutated spec, never another exception", {
    timeout: 180_000,
  }, () => {
    const report = fuzzSpecs({ count: 150, seed: 20_261_201 });
    expect(report.others).toEqual([]);
    expect(report.valid + report.specErrors).toBe(150);
    // The cases are not all refusals: the valid ones build and compile too.
    expect(report.valid).toBeGreaterThan(15);
  });
});
