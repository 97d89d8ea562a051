import { describe, expect, it } from "vitest";
import { BatonError } from "./errors/baton-error.js";
import { serializeError } from "./events.js";
import { attachSpend, spendOf } from "./spend.js";
import { emptyUsage, modelCallCost, type Usage } from "./usage.js";

const usage = (totalTokens: number): Usage => ({
  ...emptyUsage(),
  inputTokens: totalTokens,
  totalTokens,
});

describe("attachSpend / spendOf", () => {
  it("records what failed work spent on its error without changing the error", () => {
    const error = new BatonError("model down", { cause: "503" });
    const before = { keys: Object.keys(error), json: serializeError(error) };
    const spend = { usage: usage(110), cost: modelCallCost("m", 11) };
    expect(attachSpend(error, spend)).toBe(error);
    expect(spendOf(error)).toEqual(spend);
    expect(BatonError.isInstance(error)).toBe(true);
    expect(error.message).toBe("model down");
    expect(Object.keys(error)).toEqual(before.keys);
    expect(serializeError(error)).toEqual(before.json);
  });

  it("replaces an earlier record, so an outer runnable can attach its own total", () => {
    const error = new Error("x");
    attachSpend(error, { usage: usage(10), cost: modelCallCost("m", 1) });
    attachSpend(error, { usage: usage(30), cost: modelCallCost("m", 3) });
    expect(spendOf(error)?.usage?.totalTokens).toBe(30);
  });

  it("reads the usage and cost fields an error carries itself, and nothing from other values", () => {
    const carried = Object.assign(new Error("child failed"), {
      usage: usage(40),
      cost: modelCallCost("m", 2),
    });
    expect(spendOf(carried)).toEqual({ usage: usage(40), cost: modelCallCost("m", 2) });
    expect(spendOf(new Error("plain"))).toBeUndefined();
    expect(spendOf("text")).toBeUndefined();
    expect(spendOf(undefined)).toBeUndefined();
    expect(attachSpend("text", { usage: usage(1), cost: modelCallCost("m", 1) })).toBe("text");
    const frozen = Object.freeze(new Error("frozen"));
    expect(attachSpend(frozen, { usage: usage(1), cost: modelCallCost("m", 1) })).toBe(frozen);
    expect(spendOf(frozen)).toBeUndefined();
  });
});
