/**
 * The embedded SQLite store: runs, their event logs, schedules and agents' cached model
 * responses in one file,
 * through Node's built-in `node:sqlite`.
 * @module baton/stores/sqlite
 */
export { StoreError, type StoreErrorCode } from "../store-error.js";
export type { SqliteResponseCache } from "./sqlite-response-cache.js";
export { SqliteStore, type SqliteStoreOptions } from "./sqlite-store.js";
