/**
 * Where schedules live, so they survive a restart: what to start, when, and when it last
 * and next fires. A scheduler reads due schedules, starts their runs, and moves
 * `nextFireAt` on with a conditional update so that two processes never fire the same
 * slot. Adapters: MemoryStore (baton), SqliteStore (baton/stores/sqlite), PostgresStore
 * (baton/stores/postgres). Every adapter passes the ScheduleStore conformance suite.
 */
export interface ScheduleStore {
  /** Creates the schedule, or replaces every field of the one with the same id. */
  saveSchedule(schedule: ScheduleRecord): Promise<void>;
  getSchedule(id: string): Promise<ScheduleRecord | undefined>;
  /**
   * Schedules soonest first (by `nextFireAt`; those with none come last), ties by id.
   * `dueAt` keeps those with `nextFireAt <= dueAt`.
   */
  listSchedules(options?: {
    paused?: boolean;
    target?: string;
    dueAt?: number;
    limit?: number;
  }): Promise<ScheduleRecord[]>;
  /** Removes the schedule; resolves `false` when there was none. */
  deleteSchedule(id: string): Promise<boolean>;
  /**
   * Applies a small patch. With `expectedNextFireAt`, applies it only while the stored
   * `nextFireAt` still equals that value (`null`: has none) and resolves whether it did;
   * this is how a process claims one firing. Fails when the schedule does not exist.
   */
  updateSchedule(
    id: string,
    patch: SchedulePatch,
    options?: { expectedNextFireAt?: number | null },
  ): Promise<boolean>;
}

/** When a schedule fires. Times are epoch milliseconds. */
export type ScheduleTrigger =
  /** Once, at `at`. */
  | { kind: "once"; at: number }
  /** Every `everyMs` milliseconds. */
  | { kind: "every"; everyMs: number }
  /** On a cron expression (croner syntax), read in the schedule's `timezone`. */
  | { kind: "cron"; expression: string };

export interface ScheduleRecord {
  id: string;
  /** What to start: a workflow or registered target name. */
  target: string;
  /** The input each started run receives. */
  input?: unknown;
  trigger: ScheduleTrigger;
  /** IANA time zone for cron triggers; the process's zone when absent. */
  timezone?: string;
  paused: boolean;
  /** The next firing; absent when there is none left (a fired `once`). */
  nextFireAt?: number;
  lastFireAt?: number;
  /** Whether firings missed while no process was running are made up on start. */
  catchUp: boolean;
  createdAt: number;
  updatedAt: number;
  metadata?: Record<string, unknown>;
}

/** Fields a patch may change; `null` clears an optional one. */
export interface SchedulePatch {
  target?: string;
  input?: unknown;
  trigger?: ScheduleTrigger;
  timezone?: string | null;
  paused?: boolean;
  nextFireAt?: number | null;
  lastFireAt?: number | null;
  catchUp?: boolean;
  updatedAt?: number;
  metadata?: Record<string, unknown> | null;
}
