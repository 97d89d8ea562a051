import type { CostBreakdown, Usage } from "./usage.js";

/** What a piece of work spent: its tokens and what they (and its tools) cost. */
export interface Spend {
  usage: Usage;
  cost: CostBreakdown;
}

// A registered symbol, so errors from another copy of the package are still read.
const spendKey = Symbol.for("baton.spend");

/**
 * Records on a thrown error what the failed work spent before it failed, so whoever
 * catches it can bill it (failed attempts cost money too). The record is a non-enumerable,
 * symbol-keyed property: the error keeps its class, message and serialized form. A second
 * call replaces the first, so an outer runnable (whose total includes the inner one's)
 * can attach its own total to an error it passes on. Returns `error`. Values that are not
 * objects cannot carry a record and are returned unchanged.
 * @example throw attachSpend(error, { usage: ledger.usage(), cost: ledger.cost() });
 */
export function attachSpend<E>(error: E, spend: Spend): E {
  if ((typeof error !== "object" && typeof error !== "function") || error === null) return error;
  if (!Object.isExtensible(error)) return error;
  Object.defineProperty(error, spendKey, {
    value: { usage: spend.usage, cost: spend.cost },
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return error;
}

/**
 * What the failed work behind `error` spent: the record `attachSpend` left, else the
 * `usage` and `cost` fields an error class carries itself (`WorkflowError`, or a custom
 * runnable's error), else `undefined`.
 */
export function spendOf(error: unknown): Partial<Spend> | undefined {
  if ((typeof error !== "object" && typeof error !== "function") || error === null) {
    return undefined;
  }
  const attached = (error as { [spendKey]?: Spend })[spendKey];
  if (attached) return attached;
  const { usage, cost } = error as { usage?: unknown; cost?: unknown };
  const spend: Partial<Spend> = {};
  if (isUsage(usage)) spend.usage = usage;
  if (isCost(cost)) spend.cost = cost;
  return spend.usage || spend.cost ? spend : undefined;
}

function isUsage(value: unknown): value is Usage {
  return (
    typeof value === "object" && value !== null && typeof (value as Usage).totalTokens === "number"
  );
}

function isCost(value: unknown): value is CostBreakdown {
  return typeof value === "object" && value !== null && "totalCents" in value;
}
