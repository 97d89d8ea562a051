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
  /**
   * Tokens of calls aborted before their reply arrived (a timeout, a cancelled run): what
   * they reserved, since the provider may have billed them. Not in `totalTokens`; absent
   * when no call was cut short.
   */
  possiblyBilledTokens?: number;
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
  /**
   * Calls aborted before their reply arrived, priced at what they reserved: the provider
   * may have billed them. Not in `modelCents` or `totalCents`; absent when no call was cut
   * short.
   */
  possiblyBilledCents?: number;
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
  const sum: Usage = {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
  if (a.possiblyBilledTokens !== undefined || b.possiblyBilledTokens !== undefined) {
    sum.possiblyBilledTokens = (a.possiblyBilledTokens ?? 0) + (b.possiblyBilledTokens ?? 0);
  }
  return sum;
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
  const sum: CostBreakdown = {
    modelCents,
    toolCents,
    totalCents: modelCents === null ? null : modelCents + toolCents,
    unpricedModels,
  };
  if (a.possiblyBilledCents !== undefined || b.possiblyBilledCents !== undefined) {
    sum.possiblyBilledCents = (a.possiblyBilledCents ?? 0) + (b.possiblyBilledCents ?? 0);
  }
  return sum;
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

/**
 * What a call aborted before its reply is put on the books as: its reservation, apart from
 * confirmed spend. `cents` is `null` when the model has no known price.
 */
export function possiblyBilledSpend(
  model: string,
  reservation: { tokens: number; cents: number | null },
): { usage: Usage; cost: CostBreakdown } {
  return {
    usage: { ...emptyUsage(), possiblyBilledTokens: reservation.tokens },
    cost:
      reservation.cents === null
        ? { modelCents: null, toolCents: 0, totalCents: null, unpricedModels: [model] }
        : { ...emptyCost(), possiblyBilledCents: reservation.cents },
  };
}

/** Confirmed plus possibly billed: what a budget counts, and an upper bound of the bill. */
export function spendCeiling(
  usage: Usage,
  cost: CostBreakdown,
): { tokens: number; cents: number | null } {
  return {
    tokens: usage.totalTokens + (usage.possiblyBilledTokens ?? 0),
    cents: cost.totalCents === null ? null : cost.totalCents + (cost.possiblyBilledCents ?? 0),
  };
}

export function toolCost(cents: number): CostBreakdown {
  return { modelCents: 0, toolCents: cents, totalCents: cents, unpricedModels: [] };
}
