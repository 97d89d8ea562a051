/**
 * What pattern, runnable, dispatcher and store authors build on: the model-call gate and
 * its policies, the run log's fold, step execution and dispatch, the runtime ports, the
 * store ports and locations, outcomes on the wire, usage and cost arithmetic, retry
 * policy, secret redaction and the error marker. Patterns and the orchestrator use
 * nothing else of Baton's internals.
 * @module baton-ai/engine
 */
import "../require-supported-node.js";

export { isRerun, rerunOnResume } from "../agents/instrument-tools.js";
export { errorMarker } from "../core/errors/index.js";
export { type SerializedError, serializeError } from "../core/events.js";
export type {
  ModelCallGate,
  ModelCallOutcome,
  ModelCallPermit,
  ModelCallRequest,
  ToolCostReport,
} from "../core/model-call-gate.js";
export type { Outcome, Spend, Succeeded, WaitReason } from "../core/outcome.js";
export type { BudgetLimit, SwitchModelOptions } from "../core/policies/budget.js";
export type { BudgetAction } from "../core/policies/budget-exceeded-error.js";
export type { CallEstimate, CallReservation } from "../core/policies/call-reservation.js";
export {
  createModelCallGate,
  type ModelCallGateOptions,
} from "../core/policies/create-model-call-gate.js";
export type { Clock } from "../core/ports/clock.js";
export { type IdGenerator, sequentialIdGenerator } from "../core/ports/id-generator.js";
export type { ResponseCacheStore } from "../core/ports/response-cache-store.js";
export {
  type LoggedEvent,
  type NewRunRecord,
  RUN_STATUSES,
  type RunPatch,
  type RunRecord,
  type RunStatus,
  type RunStore,
  type StoredEvent,
} from "../core/ports/run-store.js";
export type { ModelCallRef, RunTelemetry } from "../core/ports/run-telemetry.js";
export type { Runtime } from "../core/ports/runtime.js";
export type {
  SchedulePatch,
  ScheduleRecord,
  ScheduleStore,
  ScheduleTrigger,
} from "../core/ports/schedule-store.js";
export type { AttemptHost, StepAttempt, StepDispatcher } from "../core/ports/step-dispatcher.js";
export {
  isRetryableError,
  type RetryOptions,
  resolveRetryOptions,
  retryDelay,
} from "../core/retry-policy.js";
export { checkJson, jsonProblem } from "../core/run/check-json.js";
export { childRunIdOf } from "../core/run/child-run-id.js";
export { executeStep } from "../core/run/execute-step.js";
export {
  applyRunEvent,
  foldRunLog,
  type RunningStep,
  type RunState,
  type ToolApprovalRecord,
} from "../core/run/fold-run-log.js";
export { inlineDispatcher } from "../core/run/inline-dispatcher.js";
export { isSecretKey, redactSecrets, redactText } from "../core/run/redact-secrets.js";
export { fromWire, RemoteError, toWire, type WireOutcome } from "../core/run/wire-outcome.js";
export type { ParentLink, RunContext, RunOverrides, ToolApprovals } from "../core/run-context.js";
export type { Runnable, RunnableEvent, RunnableResult } from "../core/runnable.js";
export {
  addCost,
  addUsage,
  type CostBreakdown,
  emptyCost,
  emptyUsage,
  sumCost,
  sumUsage,
  type Usage,
} from "../core/usage.js";
export type { WorkflowGraph, WorkflowGraphStep } from "../core/workflow/compile-graph.js";
export type {
  ApprovalOptions,
  RouteContext,
  StepDefinition,
  StepInputContext,
  StepTarget,
} from "../core/workflow/step-options.js";
export { defaultRuntime, randomIdGenerator, systemClock } from "../runtime/index.js";
export { openStoreLocation, storeAdapters } from "../stores/open-store-location.js";
export type { OpenedStores, OpenStoreOptions, StoreAdapter } from "../stores/store-adapter.js";
export { StoreError, type StoreErrorCode } from "../stores/store-error.js";
