/**
 * Baton: orchestrate teams of LLM agents. The root holds what a program writes day to day:
 * agents, workflows, their options and results, the run context a step gets, and the
 * errors. The rest lives in subpaths: `baton-ai/durable` (resume, approvals, schedules,
 * replay), `baton-ai/spec` (YAML/JSON workflows), `baton-ai/events` (SSE, WebSocket,
 * progress, event types), `baton-ai/stats`, `baton-ai/models`, `baton-ai/patterns`,
 * `baton-ai/orchestrator`, `baton-ai/registry`, `baton-ai/tools`, `baton-ai/testing`,
 * `baton-ai/stores/<name>`, and `baton-ai/engine` for pattern and adapter authors.
 * @module baton-ai
 */
// First: on an unsupported Node.js, importing fails here with one line (see node-support.ts).
import "./require-supported-node.js";

export {
  Agent,
  type AgentInput,
  type AgentOptions,
  type AgentResult,
  type AgentRunOptions,
  type AgentStream,
  type AsToolOptions,
  agent,
  type CompressedMessages,
  type CompressionOptions,
  type CompressMessagesOptions,
  compressMessages,
  type MemoryOptions,
  type ResponseCacheOptions,
  reportToolCost,
  runContextOf,
} from "./agents/index.js";
export {
  BatonError,
  CancelledError,
  ConfigurationError,
  ModelCallError,
  OptionsError,
  type OptionsIssue,
  TimeoutError,
} from "./core/errors/index.js";
export type { BatonEvent, BatonEventType } from "./core/events.js";
export {
  type ApprovalDecision,
  ApprovalRejectedError,
  BudgetExceededError,
  type BudgetOptions,
  type CircuitBreakerOptions,
  CircuitOpenError,
  type FailureMode,
  type LoopOptions,
  type ModelLimit,
  type ModelLimits,
  type Outcome,
  type PrefetchLoader,
  type Run,
  type RunContext,
  RunWaitingError,
  type StartOptions,
  type StepContext,
  type StepFunction,
  type StepOptions,
  type StepRecord,
  type StepResults,
  type StepRunOptions,
  type StepStatus,
  Workflow,
  WorkflowError,
  type WorkflowOptions,
  type WorkflowResult,
  type WorkflowRunOptions,
} from "./core/index.js";
export type { Clock } from "./core/ports/clock.js";
export type { IdGenerator } from "./core/ports/id-generator.js";
export type { RunStore } from "./core/ports/run-store.js";
export type { RetryOptions } from "./core/retry-policy.js";
export type { Runnable, RunnableEvent } from "./core/runnable.js";
export type { CostBreakdown, Usage } from "./core/usage.js";
export type { ModelInput } from "./models/index.js";
export { CircuitBreakers } from "./runtime/circuit-breakers.js";
export { ModelLimiters } from "./runtime/model-limiters.js";
export { workflow } from "./runtime/workflow.js";
