import { generateText } from "ai";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Usage } from "../core/usage.js";
import { priceModelCall, usageFromProvider } from "./pricing.js";
import { simulatedModel } from "./simulated-model.js";

const usage = (inputTokens: number, outputTokens: number, cachedInputTokens = 0): Usage => ({
  inputTokens,
  outputTokens,
  cachedInputTokens,
  reasoningTokens: 0,
  totalTokens: inputTokens + outputTokens,
});

describe("priceModelCall", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("prices a known model from the bundled table, cached input at its own rate", () => {
    // @pydantic/genai-prices 0.1.8, openai gpt-4o-mini: input $0.15/M, cached input $0.075/M,
    // output $0.60/M. 6,000 uncached + 4,000 cached input, 2,000 output:
    // 6000 * 0.15 + 4000 * 0.075 + 2000 * 0.6 = 2400 micro-dollars = $0.0024 = 0.24 cents.
    const { cents } = priceModelCall({
      provider: "openai",
      modelId: "gpt-4o-mini",
      usage: usage(10_000, 2_000, 4_000),
    });
    expect(cents).toBeCloseTo(0.24, 10);
  });

  it("prices tiered models by the table (anthropic claude-sonnet-4-5 below 200k tokens)", () => {
    // input $3/M, output $15/M: 1,000 * 3 + 500 * 15 = 10,500 micro-dollars = 1.05 cents.
    const { cents } = priceModelCall({
      provider: "anthropic",
      modelId: "claude-sonnet-4-5",
      usage: usage(1_000, 500),
    });
    expect(cents).toBeCloseTo(1.05, 10);
  });

  it("lets user prices override the table", () => {
    const prices = {
      "openai:gpt-4o-mini": { inputPerMillion: 1, outputPerMillion: 2, cachedInputPerMillion: 0.5 },
    };
    const { cents } = priceModelCall(
      { provider: "openai", modelId: "gpt-4o-mini", usage: usage(10_000, 2_000, 4_000) },
      { prices },
    );
    // 6000 * 1 + 4000 * 0.5 + 2000 * 2 = 12,000 micro-dollars = 1.2 cents.
    expect(cents).toBeCloseTo(1.2, 10);
  });

  it("prices models missing from the table when the user gives a price", () => {
    const onUnknown = vi.fn();
    const { cents } = priceModelCall(
      { provider: "ollama", modelId: "llama3.2", usage: usage(1_000_000, 1_000_000) },
      { prices: { "ollama:llama3.2": { inputPerMillion: 0.1, outputPerMillion: 0.2 } }, onUnknown },
    );
    expect(cents).toBeCloseTo(30, 10);
    expect(onUnknown).not.toHaveBeenCalled();
  });

  it("prices simulated models at zero", () => {
    expect(
      priceModelCall({ provider: "simulated", modelId: "writer", usage: usage(500, 500) }),
    ).toEqual({
      cents: 0,
    });
  });

  it("reports an unknown model as null and warns once per model", () => {
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => {});
    const call = {
      provider: "openai-compatible",
      modelId: "mystery-model-1",
      usage: usage(10, 10),
    };
    expect(priceModelCall(call)).toEqual({ cents: null });
    expect(priceModelCall(call)).toEqual({ cents: null });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toContain('"openai-compatible:mystery-model-1"');
    expect(warn.mock.calls[0]?.[1]).toEqual({ type: "BatonPriceWarning" });

    expect(priceModelCall({ ...call, modelId: "mystery-model-2" })).toEqual({ cents: null });
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it("treats function models and unknown ids of known providers as unpriced", () => {
    const onUnknown = vi.fn();
    expect(
      priceModelCall({ provider: "function", modelId: "echo", usage: usage(1, 1) }, { onUnknown }),
    ).toEqual({
      cents: null,
    });
    expect(
      priceModelCall(
        { provider: "openai", modelId: "no-such-model-xyz", usage: usage(1, 1) },
        { onUnknown },
      ),
    ).toEqual({ cents: null });
    expect(onUnknown.mock.calls).toEqual([["function:echo"], ["openai:no-such-model-xyz"]]);
  });
});

describe("usageFromProvider", () => {
  it("reads the AI SDK result usage exactly, missing numbers as zero", async () => {
    const result = await generateText({ model: simulatedModel(), prompt: "Count me" });
    const converted = usageFromProvider(result.usage);
    expect(converted).toEqual({
      inputTokens: result.usage.inputTokens,
      outputTokens: result.usage.outputTokens,
      cachedInputTokens: 0,
      reasoningTokens: 0,
      totalTokens: result.usage.totalTokens,
    });
    expect(converted.inputTokens).toBeGreaterThan(0);
  });

  it("reads provider-level (LanguageModelV4) usage", () => {
    expect(
      usageFromProvider({
        inputTokens: { total: 120, noCache: 20, cacheRead: 100, cacheWrite: undefined },
        outputTokens: { total: 30, text: 10, reasoning: 20 },
      }),
    ).toEqual({
      inputTokens: 120,
      outputTokens: 30,
      cachedInputTokens: 100,
      reasoningTokens: 20,
      totalTokens: 150,
    });
  });

  it("turns missing usage into zeros", () => {
    expect(usageFromProvider(undefined)).toEqual(usage(0, 0));
    expect(
      usageFromProvider({
        inputTokens: undefined,
        outputTokens: undefined,
        totalTokens: undefined,
        inputTokenDetails: {
          noCacheTokens: undefined,
          cacheReadTokens: undefined,
          cacheWriteTokens: undefined,
        },
        outputTokenDetails: { textTokens: undefined, reasoningTokens: undefined },
      }),
    ).toEqual(usage(0, 0));
  });
});
