export { StoreError, type StoreErrorCode } from "../store-error.js";
export { MemoryStore, type MemoryStoreOptions } from "./memory-store.js";
