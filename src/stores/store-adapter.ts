import type { RunStore } from "../core/ports/run-store.js";
import type { ScheduleStore } from "../core/ports/schedule-store.js";

/** Stores opened from one location: a run store and, when the adapter has one, a schedule store. */
export interface OpenedStores {
  readonly runs: RunStore;
  /** Absent when the adapter keeps no schedules. */
  readonly schedules: ScheduleStore | undefined;
  /** Closes what was opened. */
  close(): Promise<void>;
}

/** How a store location is opened. */
export interface OpenStoreOptions {
  /** Refuse to write (read commands). @default false */
  readOnly?: boolean;
  /** Fail when there is no store there yet instead of creating one. @default false */
  mustExist?: boolean;
  /** What relative file paths are read against. @default process.cwd() */
  cwd?: string;
}

/**
 * Opens stores for the locations of some URL schemes (`sqlite:`, `memory:`, ...). Adapters
 * load their driver only in `open`, so a program that never names a scheme never loads it.
 */
export interface StoreAdapter {
  /** The schemes it opens, without the colon: `["sqlite"]`. */
  readonly schemes: readonly string[];
  /** `rest` is the location after `<scheme>:`. */
  open(
    location: { url: string; scheme: string; rest: string },
    options: OpenStoreOptions,
  ): Promise<OpenedStores>;
}
