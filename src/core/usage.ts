/**
 * Token usage and cost, as reported by providers and rolled up the run tree
 * (tool -> agent -> step -> run). Costs are in US cents. A cost of `null` means
 * "not known" (an unpriced model) and is never replaced by an invented number.
 */

/** Token counts of one or more model calls, exactly as the provider reported them. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens served from the provider's prompt cache (a subset of `inputTokens`). */
  cachedInputTokens: number;
  /** Output tokens spent on reasoning (a subset of `outputTokens`). */
  reasoningTokens: number;
  totalTokens: number;
}

/** What a run, step or agent cost, split by where the money went. */
export interface CostBreakdown {
  /** Model calls, failed attempts included. `null` when some call's price is unknown. */
  modelCents: number | null;
  /** Costs that tools reported themselves (`costInCents`). */
  toolCents: number;
  /** `modelCents + toolCents`, or `null` when `modelCents` is unknown. */
  totalCents: number | null;
  /** Models whose price was unknown, so their calls are not in `modelCents`. */
  unpricedModels: string[];
}

/**
 * Model calls that were started but whose reply is not in the log: in flight, or cut short
 * by a crash after the request may have reached the provider, which may bill it. Their
 * tokens are unknown, so they are not in any `Usage`; the input Baton counted is given.
 */
export interface PossiblyBilled {
  calls: number;
  /** The calls' prompts as Baton counted them (the provider's count may differ). */
  estimatedInputTokens: number;
}

export function addPossiblyBilled(a: PossiblyBilled, b: PossiblyBilled): PossiblyBilled {
  return {
    calls: a.calls + b.calls,
    estimatedInputTokens: a.estimatedInputTokens + b.estimatedInputTokens,
  };
}

export const emptyUsage = (): Usage => ({
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  reasoningTokens: 0,
  totalTokens: 0,
});

export const emptyCost = (): CostBreakdown => ({
  modelCents: 0,
  toolCents: 0,
  totalCents: 0,
  unpricedModels: [],
});

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}

export function sumUsage(items: Iterable<Usage>): Usage {
  let total = emptyUsage();
  for (const item of items) total = addUsage(total, item);
  return total;
}

export function addCost(a: CostBreakdown, b: CostBreakdown): CostBreakdown {
  const unpricedModels = [...new Set([...a.unpricedModels, ...b.unpricedModels])];
  const modelCents =
    a.modelCents === null || b.modelCents === null ? null : a.modelCents + b.modelCents;
  const toolCents = a.toolCents + b.toolCents;
  return {
    modelCents,
    toolCents,
    totalCents: modelCents === null ? null : modelCents + toolCents,
    unpricedModels,
  };
}

export function sumCost(items: Iterable<CostBreakdown>): CostBreakdown {
  let total = emptyCost();
  for (const item of items) total = addCost(total, item);
  return total;
}

/** The cost of one model call: `cents` is `null` when the model has no known price. */
export function modelCallCost(model: string, cents: number | null): CostBreakdown {
  return cents === null
    ? { modelCents: null, toolCents: 0, totalCents: null, unpricedModels: [model] }
    : { modelCents: cents, toolCents: 0, totalCents: cents, unpricedModels: [] };
}

export function toolCost(cents: number): CostBreakdown {
  return { modelCents: 0, toolCents: cents, totalCents: cents, unpricedModels: [] };
}
