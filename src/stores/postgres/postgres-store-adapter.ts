import type { StoreAdapter } from "../store-adapter.js";

/**
 * `postgres://user:password@host:port/database` (or `postgresql://`), with an optional
 * `?schema=name` (default "baton") and `connect_timeout` (seconds). The driver loads only
 * when such a store is opened.
 */
export const postgresStoreAdapter: StoreAdapter = {
  schemes: ["postgres", "postgresql"],
  async open({ url }, { readOnly = false, mustExist = false }) {
    const { PostgresStore } = await import("./postgres-store.js");
    const store = await PostgresStore.open(url, { readOnly, mustExist });
    return { runs: store, schedules: store.schedules, close: () => store.close() };
  },
};
