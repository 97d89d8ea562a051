import type { StoreAdapter } from "../store-adapter.js";
import { MemoryStore } from "./memory-store.js";

/** `memory:`: a fresh in-process store (runs and schedules), gone with the process. */
export const memoryStoreAdapter: StoreAdapter = {
  schemes: ["memory"],
  async open() {
    const store = new MemoryStore();
    return { runs: store, schedules: store.schedules, close: () => store.close() };
  },
};
