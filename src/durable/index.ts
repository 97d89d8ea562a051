/**
 * Durable runs: resume after a crash, ownership with heartbeats and auto-resume, human
 * approvals (steps and tool calls) that may wait for days, schedules with a scheduler
 * loop, offline replay and fork. Everything works on any RunStore; the default is a
 * SQLite file at `.baton/baton.db`.
 * @module baton/durable
 */
import "../require-supported-node.js";

export { openStoreLocation, storeAdapters } from "../stores/open-store-location.js";
export type { OpenedStores, OpenStoreOptions, StoreAdapter } from "../stores/store-adapter.js";
export {
  approve,
  type DecideOptions,
  type DecisionResult,
  type PendingApprovalsOptions,
  pendingApprovals,
  reject,
} from "./approvals.js";
export { DurableError, type DurableErrorCode } from "./durable-error.js";
export type { DurableRun } from "./durable-run.js";
export type { DurableSettings, DurableStartOptions } from "./durable-settings.js";
export { type FollowRunOptions, followRun, type RunLogWatch } from "./follow-run.js";
export { type ForkOptions, fork } from "./fork.js";
export { Durable, type DurableOptions, openDurable } from "./open-durable.js";
export { isOwnerGone } from "./owner-liveness.js";
export type { PendingApproval } from "./pending-approvals-of.js";
export { type ReplayOptions, type ReplayResult, replay } from "./replay.js";
export {
  ApprovalPendingError,
  type RequiresApprovalOptions,
  requiresApproval,
  ToolCallRejectedError,
} from "./requires-approval.js";
export { type ResumeOptions, resume } from "./resume.js";
export {
  type ScheduleFire,
  type Scheduler,
  type SchedulerOptions,
  startScheduler,
} from "./scheduler.js";
export {
  type ListSchedulesOptions,
  listSchedules,
  pauseSchedule,
  removeSchedule,
  resumeSchedule,
  type ScheduleInfo,
  type ScheduleOptions,
  type ScheduleStoreOptions,
  schedule,
} from "./schedules.js";
export { defaultStorePath, type StoreOption } from "./store-option.js";
export type { RebuildOptions, WorkflowRegistry } from "./workflow-registry.js";
