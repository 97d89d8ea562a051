/**
 * The orchestrator: a main agent that delegates to subagents or plans and creates new
 * ones, each delegation run as a workflow on Baton's engine; a task queue with priorities;
 * and orchestrator specs (YAML/JSON). Built only on Baton's public API; its runs are drawn
 * by `baton-ai/views` (flowchart, tool trace, Mermaid), like any other run.
 * @module baton/orchestrator
 */
// First: on an unsupported Node.js, importing fails here with one line (see node-support.ts).
import "../require-supported-node.js";

export { PlanError, type PlanIssue } from "../patterns/index.js";
export type { DelegationTask, ExecutionMode, TaskRequest } from "./check-tasks.js";
export {
  type AgentRole,
  type AgentSpend,
  type OrchestratorCostBreakdown,
  orchestratorCost,
} from "./cost-breakdown.js";
export type { DesignedPlan, PlanningInput } from "./design-plan.js";
export type {
  OrchestratorCustomEvent,
  OrchestratorEvent,
  OrchestratorEventHandler,
  OrchestratorEventType,
  TaskEvent,
} from "./event-hub.js";
export type { MainStepOutput } from "./main-step.js";
export {
  DELEGATE_TOOL,
  type DelegateInput,
  PLAN_TOOL,
  type PlanInput,
  type PlanOutcome,
} from "./orchestration-tools.js";
export {
  Orchestrator,
  type OrchestratorRun,
  type ProcessOptions,
} from "./orchestrator.js";
export { OrchestratorError } from "./orchestrator-error.js";
export type { OrchestratorOptions, Subagent, SubagentEntry } from "./orchestrator-options.js";
export {
  type CheckedPlan,
  checkPlan,
  type Plan,
  type PlannedAgent,
  type PlannedTask,
  planSchema,
} from "./plan.js";
export type { ProcessResult, ToolOutput } from "./process-result.js";
export type { DelegationInput, DelegationOutcome, TaskOutcome } from "./run-delegation.js";
export {
  type BuildOrchestratorOptions,
  type BuiltOrchestrator,
  buildOrchestrator,
} from "./spec/build-orchestrator.js";
export type { Task, TaskInfo, TaskStatus } from "./task.js";
export type { SubmitOptions } from "./task-runner.js";
