/**
 * The embedded SQLite store: runs, their event logs and schedules in one file, through
 * Node's built-in `node:sqlite`.
 * @module baton/stores/sqlite
 */
export { StoreError, type StoreErrorCode } from "../store-error.js";
export { SqliteStore, type SqliteStoreOptions } from "./sqlite-store.js";
