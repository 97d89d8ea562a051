/**
 * Baton: orchestrate teams of LLM agents.
 * @module baton
 */
// First: on an unsupported Node.js, importing fails here with one line (see node-support.ts).
import "./require-supported-node.js";

export * from "./agents/index.js";
export * from "./core/errors/index.js";
export * from "./core/events.js";
export * from "./core/index.js";
export type {
  ModelCallGate,
  ModelCallOutcome,
  ModelCallPermit,
  ModelCallRequest,
  ToolCostReport,
} from "./core/model-call-gate.js";
export * from "./core/ports/index.js";
export {
  isRetryableError,
  type RetryOptions,
  resolveRetryOptions,
  retryDelay,
} from "./core/retry-policy.js";
export type { Runnable, RunnableEvent, RunnableResult } from "./core/runnable.js";
export {
  addCost,
  addUsage,
  type CostBreakdown,
  emptyCost,
  emptyUsage,
  sumCost,
  sumUsage,
  type Usage,
} from "./core/usage.js";
export * from "./durable/index.js";
export * from "./events/index.js";
export * from "./models/index.js";
export * from "./runtime/index.js";
export * from "./spec/index.js";
export * from "./stats/index.js";
export {
  MemoryResponseCache,
  MemoryStore,
  type MemoryStoreOptions,
  StoreError,
  type StoreErrorCode,
} from "./stores/memory/index.js";
export { openStoreLocation, storeAdapters } from "./stores/open-store-location.js";
export type { OpenedStores, OpenStoreOptions, StoreAdapter } from "./stores/store-adapter.js";
