import { describe, expect, it } from "vitest";
import { leftoverWarnings, takeWarnings } from "./warnings.js";

describe("The warning capture of the test suite", () => {
  it("keeps a process warning instead of printing it, for the test to take and assert", () => {
    process.emitWarning("the sky is falling", { type: "ChickenWarning" });
    process.emitWarning("plain");
    expect(takeWarnings("ChickenWarning")).toEqual([
      { type: "ChickenWarning", message: "the sky is falling" },
    ]);
    expect(takeWarnings()).toEqual([{ type: "Warning", message: "plain" }]);
    expect(takeWarnings()).toEqual([]);
  });

  it("drops the price warning of a test double, and keeps that of a real model", () => {
    const priceWarning = (model: string) =>
      process.emitWarning(
        `No price is known for model "${model}"; its cost is reported as unknown.`,
        {
          type: "BatonPriceWarning",
        },
      );
    priceWarning("mock:alpha");
    priceWarning("fake:m");
    priceWarning("openai:gpt-9");
    expect(takeWarnings("BatonPriceWarning").map((warning) => warning.message)).toEqual([
      'No price is known for model "openai:gpt-9"; its cost is reported as unknown.',
    ]);
  });

  it("names the warnings nobody took, which fails the test that raised them", () => {
    process.emitWarning("left behind", { type: "DeprecationWarning" });
    expect(leftoverWarnings("This test")?.message).toBe(
      "This test raised 1 warning(s) it did not take with takeWarnings():\n  DeprecationWarning: left behind",
    );
    expect(leftoverWarnings("This test")).toBeUndefined();
  });
});
