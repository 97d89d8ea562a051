import type { RunStore } from "../core/ports/run-store.js";
import type { ScheduleStore } from "../core/ports/schedule-store.js";
import { checkOptions } from "../runtime/check-options.js";
import { openStoreLocation } from "../stores/open-store-location.js";
import { storeOnlyRule } from "./durable-options-rules.js";

/** Where the CLI and the durable API keep runs and schedules when told nothing else. */
export const defaultStorePath = ".baton/baton.db";

/**
 * A store, or where to open one: `"sqlite:<path>"`, `"memory:"`, or a bare file path (an
 * SQLite file; `":memory:"` for a throwaway one). A store object may carry its schedules
 * as `store.schedules` (or be a ScheduleStore itself).
 * @default ".baton/baton.db" in the working directory
 */
export type StoreOption = RunStore | string;

/** A store ready to use, its schedules when it has some, and whether this call opened it. */
export interface OpenedStore {
  store: RunStore;
  schedules: ScheduleStore | undefined;
  /** Closes the store when this call opened it; does nothing for a store given. */
  release(): Promise<void>;
}

/**
 * Opens `option`: a given store as it is, a location (or nothing) through its adapter.
 * A bad `option` is an `OptionsError` naming `store` (`where` says whose options).
 */
export async function openStore(
  option: StoreOption | undefined,
  where: string,
): Promise<OpenedStore> {
  checkOptions(storeOnlyRule, { store: option }, where);
  if (option !== undefined && typeof option !== "string") {
    return { store: option, schedules: schedulesOf(option), release: async () => {} };
  }
  const opened = await openStoreLocation(option ?? defaultStorePath);
  return { store: opened.runs, schedules: opened.schedules, release: () => opened.close() };
}

/** The schedule store that goes with a run store object, if any. */
function schedulesOf(store: object): ScheduleStore | undefined {
  const attached = (store as { schedules?: unknown }).schedules;
  if (isScheduleStore(attached)) return attached;
  return isScheduleStore(store) ? store : undefined;
}

function isScheduleStore(value: unknown): value is ScheduleStore {
  const candidate = value as Partial<ScheduleStore> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.saveSchedule === "function" &&
    typeof candidate.updateSchedule === "function" &&
    typeof candidate.listSchedules === "function"
  );
}

/** The schedules of an opened store; a TypeError naming `where` when it has none. */
export function requireSchedules(opened: OpenedStore, where: string): ScheduleStore {
  if (!opened.schedules) {
    throw new TypeError(
      `${where}: expected options.store to keep schedules (MemoryStore, SqliteStore, or a store with a \`schedules\` ScheduleStore), received a store without schedules`,
    );
  }
  return opened.schedules;
}
