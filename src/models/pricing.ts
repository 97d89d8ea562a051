import type { LanguageModelV4Usage } from "@ai-sdk/provider";
import type { LanguageModelUsage } from "ai";
import type { Usage } from "../core/usage.js";
import { FUNCTION_PROVIDER } from "./function-model.js";
import { requireModule } from "./require-module.js";
import { SIMULATED_PROVIDER } from "./simulated-model.js";

/** A model's price in US dollars per million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
  /** Price of input tokens read from the prompt cache. @default inputPerMillion */
  cachedInputPerMillion?: number;
}

/** Prices by `"provider:model-id"`; they take precedence over the bundled table. */
export type PriceTable = Record<string, ModelPrice>;

export interface PriceModelCallOptions {
  /** Prices that override (or add to) the bundled `@pydantic/genai-prices` table. */
  prices?: PriceTable;
  /**
   * Called when a model has no known price.
   * @default a `BatonPriceWarning` process warning, once per model
   */
  onUnknown?: (model: string) => void;
}

// genai-prices names some providers differently from Baton's model strings.
const PRICE_PROVIDER_IDS: Record<string, string> = {
  openai: "openai",
  anthropic: "anthropic",
  google: "google",
};

const warnedModels = new Set<string>();

function warnOnce(model: string): void {
  if (warnedModels.has(model)) return;
  warnedModels.add(model);
  process.emitWarning(
    `No price is known for model "${model}"; its cost is reported as unknown. Pass { prices: { "${model}": { inputPerMillion, outputPerMillion } } } to price it.`,
    { type: "BatonPriceWarning" },
  );
}

/**
 * What one model call cost, in US cents, from the tokens the provider reported.
 *
 * - User `prices` win, then the bundled `@pydantic/genai-prices` table (offline, tiered,
 *   cached input priced at its own rate).
 * - `simulated` models are free: 0 cents.
 * - Anything else (function models, local or unknown models) is `{ cents: null }` plus a
 *   warning; never an invented number.
 */
export function priceModelCall(
  call: { provider: string; modelId: string; usage: Usage },
  options: PriceModelCallOptions = {},
): { cents: number | null } {
  const { provider, modelId, usage } = call;
  const model = `${provider}:${modelId}`;
  const override = options.prices?.[model];
  if (override) return { cents: centsFromPrice(override, usage) };
  if (provider === SIMULATED_PROVIDER) return { cents: 0 };

  const providerId = PRICE_PROVIDER_IDS[provider];
  if (providerId && provider !== FUNCTION_PROVIDER) {
    // The price table is loaded on the first lookup (~40 ms), not when Baton is imported.
    const { calcPrice } =
      requireModule<typeof import("@pydantic/genai-prices")>("@pydantic/genai-prices");
    const result = calcPrice(
      {
        input_tokens: usage.inputTokens,
        output_tokens: usage.outputTokens,
        cache_read_tokens: Math.min(usage.cachedInputTokens, usage.inputTokens),
      },
      modelId,
      { providerId },
    );
    if (result) return { cents: result.total_price * 100 };
  }
  (options.onUnknown ?? warnOnce)(model);
  return { cents: null };
}

function centsFromPrice(price: ModelPrice, usage: Usage): number {
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  const uncached = usage.inputTokens - cached;
  const dollars =
    (uncached * price.inputPerMillion +
      cached * (price.cachedInputPerMillion ?? price.inputPerMillion) +
      usage.outputTokens * price.outputPerMillion) /
    1_000_000;
  return dollars * 100;
}

/**
 * Baton's `Usage` from the AI SDK's usage (either the `generateText` result's or the
 * provider-level one), numbers exactly as reported; anything missing counts as 0.
 */
export function usageFromProvider(
  usage: LanguageModelUsage | LanguageModelV4Usage | undefined,
): Usage {
  if (!usage)
    return {
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      reasoningTokens: 0,
      totalTokens: 0,
    };
  if (typeof usage.inputTokens === "object" && usage.inputTokens !== null) {
    const v4 = usage as LanguageModelV4Usage;
    const inputTokens = v4.inputTokens.total ?? 0;
    const outputTokens = v4.outputTokens.total ?? 0;
    return {
      inputTokens,
      outputTokens,
      cachedInputTokens: v4.inputTokens.cacheRead ?? 0,
      reasoningTokens: v4.outputTokens.reasoning ?? 0,
      totalTokens: inputTokens + outputTokens,
    };
  }
  const sdk = usage as LanguageModelUsage;
  const inputTokens = sdk.inputTokens ?? 0;
  const outputTokens = sdk.outputTokens ?? 0;
  return {
    inputTokens,
    outputTokens,
    cachedInputTokens: sdk.inputTokenDetails?.cacheReadTokens ?? 0,
    reasoningTokens: sdk.outputTokenDetails?.reasoningTokens ?? 0,
    totalTokens: sdk.totalTokens ?? inputTokens + outputTokens,
  };
}
