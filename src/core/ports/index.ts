export type { Clock } from "./clock.js";
export { type IdGenerator, sequentialIdGenerator } from "./id-generator.js";
export type { ResponseCacheStore } from "./response-cache-store.js";
export {
  type LoggedEvent,
  type NewRunRecord,
  RUN_STATUSES,
  type RunPatch,
  type RunRecord,
  type RunStatus,
  type RunStore,
  type StoredEvent,
} from "./run-store.js";
export type { ModelCallRef, RunTelemetry } from "./run-telemetry.js";
export type { Runtime } from "./runtime.js";
export type {
  SchedulePatch,
  ScheduleRecord,
  ScheduleStore,
  ScheduleTrigger,
} from "./schedule-store.js";
export type { AttemptHost, StepAttempt, StepDispatcher } from "./step-dispatcher.js";
