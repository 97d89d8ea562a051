/**
 * Baton's workflow engine: the builder and graph checks, the dataflow scheduler, the
 * event-sourced run log and its fold, and the policies behind the model-call gate (rate
 * limits, circuit breakers, budgets). The shared contracts (errors, ports, usage, events)
 * are exported from their own files.
 * @module baton/core
 */

export type { Outcome, Spend, Succeeded, WaitReason } from "./outcome.js";
export type { BudgetLimit, BudgetOptions, SwitchModelOptions } from "./policies/budget.js";
export { type BudgetAction, BudgetExceededError } from "./policies/budget-exceeded-error.js";
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitState,
} from "./policies/circuit-breaker.js";
export { CircuitBreakers } from "./policies/circuit-breakers.js";
export { CircuitOpenError } from "./policies/circuit-open-error.js";
export {
  createModelCallGate,
  type ModelCallGateOptions,
} from "./policies/create-model-call-gate.js";
export type { ModelLimit, ModelLimits } from "./policies/model-limiter.js";
export { ModelLimiters } from "./policies/model-limiters.js";
export { TokenBucket } from "./policies/token-bucket.js";
export { executeStep } from "./run/execute-step.js";
export {
  applyRunEvent,
  foldRunLog,
  type RunState,
  type StepRecord,
  type StepStatus,
  type ToolApprovalRecord,
} from "./run/fold-run-log.js";
export { inlineDispatcher } from "./run/inline-dispatcher.js";
export { isSecretKey, redactSecrets, redactText } from "./run/redact-secrets.js";
export type { ApprovalDecision, Run, WorkflowResult } from "./run/run.js";
export { RunWaitingError } from "./run/run-waiting-error.js";
export type { ParentLink, RunContext, RunOverrides, ToolApprovals } from "./run-context.js";
export { ApprovalRejectedError } from "./workflow/approval-rejected-error.js";
export type { WorkflowGraph, WorkflowGraphStep } from "./workflow/compile-graph.js";
export type { StartOptions } from "./workflow/start-options.js";
export type {
  ApprovalOptions,
  FailureMode,
  LoopOptions,
  PrefetchLoader,
  RouteContext,
  StepContext,
  StepFunction,
  StepInputContext,
  StepOptions,
  StepResults,
  StepRunOptions,
  StepTarget,
} from "./workflow/step-options.js";
export { Workflow, type WorkflowOptions, type WorkflowRunOptions } from "./workflow/workflow.js";
export { WorkflowError } from "./workflow/workflow-error.js";
