import type { LoggedEvent } from "../core/ports/run-store.js";
import { addUsage, type CostBreakdown, emptyUsage, type Usage } from "../core/usage.js";

/**
 * What some model and tool calls spent, from their events: every model call (failed
 * attempts included) and every cost a tool reported. Nothing is estimated.
 */
export interface Spend {
  usage: Usage;
  /** The model calls' cents; `null` when a model's price is unknown. */
  modelCents: number | null;
  /** What tools reported they cost (`costInCents`, `reportToolCost`). */
  toolCents: number;
  /** `modelCents + toolCents`; `null` when a model's price is unknown. */
  totalCents: number | null;
  /** Models with no known price (their calls are not in the cents). */
  unpricedModels: string[];
  /**
   * Calls cut short before their reply (a timeout, a cancelled run), at what they reserved:
   * the provider may have billed them. Not in the cents; absent when none was.
   */
  possiblyBilledCents?: number;
  modelCalls: number;
  failedModelCalls: number;
  toolCalls: number;
  failedToolCalls: number;
}

export function emptySpend(): Spend {
  return {
    usage: emptyUsage(),
    modelCents: 0,
    toolCents: 0,
    totalCents: 0,
    unpricedModels: [],
    modelCalls: 0,
    failedModelCalls: 0,
    toolCalls: 0,
    failedToolCalls: 0,
  };
}

const plus = (a: number | null, b: number | null): number | null =>
  a === null || b === null ? null : a + b;

function addPossiblyBilled(spend: Spend, cents: number | undefined): void {
  if (cents !== undefined) spend.possiblyBilledCents = (spend.possiblyBilledCents ?? 0) + cents;
}

/** Whether an event is a model call's or a tool call's end: the events that cost money. */
export function isSpendEvent(event: LoggedEvent): boolean {
  return (
    event.type === "model-call-end" ||
    event.type === "model-call-error" ||
    event.type === "tool-call-end" ||
    event.type === "tool-call-error"
  );
}

/** Adds what one event spent to `spend`, in place; other events change nothing. */
export function addEventSpend(spend: Spend, event: LoggedEvent): void {
  if (event.type === "model-call-end" || event.type === "model-call-error") {
    spend.modelCalls++;
    if (event.type === "model-call-error") spend.failedModelCalls++;
    const usage = event.usage as Usage | undefined;
    if (usage) spend.usage = addUsage(spend.usage, usage);
    const cost = event.cost as CostBreakdown | undefined;
    spend.modelCents = plus(spend.modelCents, cost ? cost.modelCents : 0);
    for (const model of cost?.unpricedModels ?? []) {
      if (!spend.unpricedModels.includes(model)) spend.unpricedModels.push(model);
    }
    addPossiblyBilled(spend, cost?.possiblyBilledCents);
  } else if (event.type === "tool-call-end" || event.type === "tool-call-error") {
    spend.toolCalls++;
    if (event.type === "tool-call-error") spend.failedToolCalls++;
    if (typeof event.costCents === "number") spend.toolCents += event.costCents;
  } else return;
  spend.totalCents = plus(spend.modelCents, spend.toolCents);
}

/** What `events` spent. */
export function spendOf(events: Iterable<LoggedEvent>): Spend {
  const spend = emptySpend();
  for (const event of events) addEventSpend(spend, event);
  return spend;
}

/** The sum of several spends. */
export function sumSpend(items: Iterable<Spend>): Spend {
  const total = emptySpend();
  for (const item of items) {
    total.usage = addUsage(total.usage, item.usage);
    total.modelCents = plus(total.modelCents, item.modelCents);
    total.toolCents += item.toolCents;
    total.totalCents = plus(total.modelCents, total.toolCents);
    for (const model of item.unpricedModels) {
      if (!total.unpricedModels.includes(model)) total.unpricedModels.push(model);
    }
    addPossiblyBilled(total, item.possiblyBilledCents);
    total.modelCalls += item.modelCalls;
    total.failedModelCalls += item.failedModelCalls;
    total.toolCalls += item.toolCalls;
    total.failedToolCalls += item.failedToolCalls;
  }
  return total;
}
