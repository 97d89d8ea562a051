/**
 * The PostgreSQL store: runs, their event logs and schedules in one database shared by
 * many processes and machines, through the `postgres` driver (loaded only by this subpath).
 * @module baton/stores/postgres
 */
export { StoreError, type StoreErrorCode } from "../store-error.js";
export { PostgresSchedules } from "./postgres-schedules.js";
export { PostgresStore, type PostgresStoreOptions } from "./postgres-store.js";
