import { describe, expect, it } from "vitest";
import { formatNumber, formatRatio, summarize } from "./stats.js";

describe("summarize", () => {
  it("gives the median, min and max of the samples", () => {
    expect(summarize([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, count: 3 });
    expect(summarize([4, 1, 3, 2])?.median).toBe(2.5);
    expect(summarize([])).toBeUndefined();
  });
});

describe("formatNumber", () => {
  it("keeps about three significant digits", () => {
    expect(formatNumber(0.41234)).toBe("0.412");
    expect(formatNumber(4.1234)).toBe("4.12");
    expect(formatNumber(41.234)).toBe("41.2");
    expect(formatNumber(412.34)).toBe("412");
    expect(formatRatio(1.234)).toBe("1.23x");
    expect(formatRatio(73.4)).toBe("73x");
  });
});
