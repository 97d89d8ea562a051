export { type Clock, systemClock } from "./clock.js";
export { type IdGenerator, randomIdGenerator, sequentialIdGenerator } from "./id-generator.js";
export type {
  LoggedEvent,
  NewRunRecord,
  RunPatch,
  RunRecord,
  RunStatus,
  RunStore,
  StoredEvent,
} from "./run-store.js";
export type {
  SchedulePatch,
  ScheduleRecord,
  ScheduleStore,
  ScheduleTrigger,
} from "./schedule-store.js";
