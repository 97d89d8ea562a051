import type { RunStore } from "../core/ports/run-store.js";
import type { ScheduleStore } from "../core/ports/schedule-store.js";

/** Where the CLI and the durable API keep runs and schedules when told nothing else. */
export const defaultStorePath = ".baton/baton.db";

/**
 * A store, or the path of a SQLite file to open (`":memory:"` for a throwaway one).
 * @default ".baton/baton.db" in the working directory
 */
export type StoreOption<Store = RunStore> = Store | string;

/** A store ready to use, and whether this call opened it (and so must close it). */
export interface OpenedStore<Store> {
  store: Store;
  /** Closes the store when this call opened it; does nothing for a store given. */
  release(): Promise<void>;
}

/** Opens `option`: a given store as it is, a path (or nothing) as a SqliteStore. */
export async function openStore<Store extends RunStore | ScheduleStore = RunStore>(
  option: StoreOption<Store> | undefined,
  where: string,
): Promise<OpenedStore<Store>> {
  if (option !== undefined && typeof option !== "string") {
    if (typeof option !== "object" || option === null) {
      throw new TypeError(
        `${where}: expected options.store to be a store or a file path, received ${String(option)}`,
      );
    }
    return { store: option, release: async () => {} };
  }
  const path = option ?? defaultStorePath;
  if (path === "") {
    throw new TypeError(`${where}: expected options.store to be a store or a non-empty file path`);
  }
  // Loaded on demand: code that passes its own store never loads node:sqlite.
  const { SqliteStore } = await import("../stores/sqlite/sqlite-store.js");
  const store = new SqliteStore({ path }) as unknown as Store;
  return { store, release: () => (store as unknown as RunStore).close() };
}

/** Checks that `store` has the ScheduleStore methods. */
export function checkScheduleStore(store: unknown, where: string): asserts store is ScheduleStore {
  const candidate = store as Partial<ScheduleStore> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.saveSchedule !== "function" ||
    typeof candidate.updateSchedule !== "function" ||
    typeof candidate.listSchedules !== "function"
  ) {
    throw new TypeError(
      `${where}: expected options.store to be a ScheduleStore (MemoryStore, SqliteStore), received a store without schedules`,
    );
  }
}
