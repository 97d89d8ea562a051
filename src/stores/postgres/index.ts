/**
 * The PostgreSQL store: runs, their event logs, schedules and agents' cached model
 * responses in one database shared by many processes and machines, through the `postgres` driver (loaded only by this subpath).
 * @module baton/stores/postgres
 */
export { StoreError, type StoreErrorCode } from "../store-error.js";
export type { PostgresResponseCache } from "./postgres-response-cache.js";
export { PostgresSchedules } from "./postgres-schedules.js";
export { PostgresStore, type PostgresStoreOptions } from "./postgres-store.js";
